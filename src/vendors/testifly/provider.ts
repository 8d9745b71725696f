import { z } from 'zod'
import { VendorError, type HttpClient } from '../../http.js'
import { InputError, optionalText, ownInputs, type Settings } from '../../inputs.js'
import {
  countTests,
  isFinalSignal,
  type Counts,
  type Link,
  type Observation,
  type VendorSignal,
  type TestResult,
  type TestStatus
} from '../../report/model.js'
import {
  mapStatus,
  type VendorOperations,
  unknownStatusReporter,
  type ProviderDeps,
  type RerunSelection,
  type RunHandle,
  type TriggerRequest
} from '../provider.js'

/**
 * Testifly: `POST /api/testExecution/{projId}` queues a job, `POST /api/jobs/{projId}` reports the
 * job's state and, once it has one, its test run id; `GET /api/testRun/{projId}/{runId}` has the
 * live and final results. Facts: Testifly's "Test Execution API Workflow" page; what it leaves open
 * is marked "inferred".
 */

// inferred: the page does not print the API origin; the documentation is served from here.
export const DISPLAY_NAME = 'Testifly'

export const DEFAULT_ORIGIN = 'https://testifly.dev'

/** Inputs only Testifly reads: two of its selections, and the agent to route the job to. */
export const OWN_INPUTS = {
  'feature-id': optionalText,
  'suite-id': optionalText,
  agent: optionalText
}

interface JobState {
  signal: VendorSignal
  /** Shown in the progress line while the job has not started. */
  phase?: string
}

// Job statuses [doc]: Pending, PendingAgentConnection, InProgress, Success, Failed.
const JOB_STATUS: Record<string, JobState> = {
  Pending: { signal: 'queued', phase: 'waiting to start' },
  PendingAgentConnection: { signal: 'queued', phase: 'waiting for an agent to connect' },
  InProgress: { signal: 'running' },
  Success: { signal: 'finished' },
  Failed: { signal: 'failed' }
}

function isJobOver(status: string): boolean {
  const state = Object.hasOwn(JOB_STATUS, status) ? JOB_STATUS[status] : undefined
  return state !== undefined && isFinalSignal(state.signal)
}

// Test statuses, from the labels of the run's `statuses` summary [doc]: Passed, Failed, Skipped,
// Running, Scheduled.
const TEST_STATUS: Record<string, TestStatus> = {
  Passed: 'passed',
  Failed: 'failed',
  Skipped: 'skipped',
  Running: 'running',
  Scheduled: 'queued'
}

type ScheduleAnswer = z.infer<typeof executeResponseSchema>

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof VendorError &&
    error.status !== undefined &&
    error.status < 500 &&
    error.message.includes('AlreadyExists')
  )
}

const executeResponseSchema = z
  .object({
    success: z.boolean().optional(),
    scheduleStatus: z.string().optional(),
    jobId: z.string().optional(),
    message: z.string().optional()
  })
  .loose()

const jobsResponseSchema = z
  .object({
    jobs: z
      .array(
        z
          .object({
            jobId: z.string(),
            status: z.string(),
            updatedAt: z.string().nullish(),
            testRunId: z.string().nullish()
          })
          .loose()
      )
      .default([]),
    missingJobIds: z.array(z.string()).default([])
  })
  .loose()

const testRunSchema = z
  .object({
    runId: z.string().optional(),
    status: z.string().optional(),
    startTime: z.string().nullish(),
    statuses: z.array(z.object({ label: z.string(), count: z.number() }).loose()).nullish(),
    tests: z
      .array(
        z
          .object({
            _id: z.string(),
            title: z.string().nullish(),
            status: z.string(),
            duration: z.number().nullish(),
            hasVideo: z.boolean().nullish(),
            videoLink: z.string().nullish(),
            startTime: z.string().nullish(),
            timeline: z.array(z.unknown()).nullish(),
            error: z.unknown().optional()
          })
          .loose()
      )
      .default([])
  })
  .loose()

type TestiflyRun = z.infer<typeof testRunSchema>
type TestiflyTest = TestiflyRun['tests'][number]

/** Exactly one selection: feature, suite, or test ids (one id → testId, several → tests). */
export function selection(settings: Settings): Record<string, unknown> {
  const chosen: [string, Record<string, unknown>][] = []
  const own = ownInputs(settings, OWN_INPUTS)
  if (own['feature-id']) chosen.push(['feature-id', { featureId: own['feature-id'] }])
  if (own['suite-id']) chosen.push(['suite-id', { testSuiteId: own['suite-id'] }])
  if (settings.testIds.length > 0) chosen.push(['test-ids', idSelection(settings.testIds)])
  if (chosen.length !== 1) {
    const given =
      chosen.length === 0
        ? 'none is set'
        : `${chosen.map(([name]) => `"${name}"`).join(' and ')} are set`
    throw new InputError(
      `Testifly runs one selection: set exactly one of "feature-id" (a feature's tests), "suite-id" (a suite's tests) or "test-ids" (one or more tests); ${given}.`
    )
  }
  return chosen[0]?.[1] ?? {}
}

/**
 * The execute body: the action, one selection and the agent [doc]. A re-run of failed tests
 * selects them instead of the inputs' selection, as `test-ids` would: one as `testId`, several as
 * `tests` ("runs a custom list of test ids" [doc]). The ids are the run report's `tests[]._id`,
 * the only id a test has there (inferred: the page does not say that `_id` is the id `tests`
 * takes rather than a per-run record's).
 */
export function buildExecuteBody(
  settings: Settings,
  rerun?: RerunSelection
): Record<string, unknown> {
  const { agent } = ownInputs(settings, OWN_INPUTS)
  const chosen = rerun ? idSelection(rerun.keys) : selection(settings)
  return { action: 'executeTests', ...chosen, ...(agent ? { agentName: agent } : {}) }
}

function idSelection(ids: readonly string[]): Record<string, unknown> {
  return ids.length === 1 ? { testId: ids[0] } : { tests: [...ids] }
}

/** Timeline entries are undocumented: strings stay as they are, objects show their telling fields. */
function timelineText(entries: readonly unknown[], last = 5): string | undefined {
  const lines = entries.slice(-last).map((entry) => {
    if (typeof entry === 'string') return entry
    if (entry && typeof entry === 'object') {
      const record = entry as Record<string, unknown>
      const parts = ['status', 'title', 'name', 'action', 'description', 'message']
        .map((key) => record[key])
        .filter((value): value is string => typeof value === 'string' && value !== '')
      return parts.length > 0 ? parts.join(' · ') : JSON.stringify(entry)
    }
    return String(entry)
  })
  return lines.length > 0
    ? `Last steps:\n${lines.map((line) => `  ${line}`).join('\n')}`
    : undefined
}

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null || error === '') return undefined
  if (typeof error === 'string') return error
  if (typeof error === 'object' && 'message' in error && typeof error.message === 'string')
    return error.message
  return JSON.stringify(error)
}

export function mapTest(test: TestiflyTest, onUnknownStatus: (value: string) => void): TestResult {
  const status = mapStatus(TEST_STATUS, test.status, 'running', onUnknownStatus)
  const links: Link[] = []
  if (test.videoLink) links.push({ label: 'video', url: test.videoLink, kind: 'artifact' })
  const result: TestResult = { id: test._id, name: test.title || test._id, status, links }
  if (typeof test.duration === 'number') result.durationMs = test.duration
  if (status === 'failed') {
    const error = [errorText(test.error), timelineText(test.timeline ?? [])]
      .filter(Boolean)
      .join('\n\n')
    if (error) result.error = error
  }
  return result
}

export class TestiflyProvider implements VendorOperations {
  private readonly client: HttpClient
  private readonly reportUnknown: (kind: string, value: string) => void

  constructor(private readonly deps: ProviderDeps) {
    this.reportUnknown = unknownStatusReporter(DISPLAY_NAME, deps.warn)
    this.client = deps.http({
      vendor: DISPLAY_NAME,
      baseUrl: new URL(deps.settings.apiUrl ?? DEFAULT_ORIGIN).href,
      headers: { 'x-api-key': deps.settings.apiKey }
    })
  }

  validate({ settings }: TriggerRequest): void {
    if (!settings.targetId)
      throw new InputError('Input "target-id" is required for Testifly: the project id.')
    selection(settings)
  }

  private projectPath(path: string): string {
    return `/api/${path}/${encodeURIComponent(this.deps.settings.targetId ?? '')}`
  }

  private schedule(settings: Settings, rerun?: RerunSelection): Promise<ScheduleAnswer> {
    return this.client
      .request('POST', this.projectPath('testExecution'), {
        body: buildExecuteBody(settings, rerun),
        schema: executeResponseSchema,
        retry: 'unsent-only'
      })
      .catch((error: unknown) => {
        // inferred: AlreadyExists may also come as an error status (409…); it still means "follow the queued job".
        if (isAlreadyExists(error)) {
          return {
            scheduleStatus: 'AlreadyExists',
            jobId: undefined,
            success: undefined,
            message: undefined
          }
        }
        throw error
      })
  }

  async trigger(request: TriggerRequest): Promise<RunHandle> {
    const { settings } = request
    // A re-run sends the failed tests' `_id`s as `tests` (inferred: the page calls them "test ids",
    // and its run report's only id of a test is `_id`); should Testifly refuse them, the pipeline
    // asks for the whole selection instead.
    const { rerun } = request
    const response = await this.schedule(settings, rerun)
    let jobId = response.jobId
    if (response.scheduleStatus === 'AlreadyExists') {
      // Testifly's own idempotency: the same job is queued already, so follow it instead of starting another.
      jobId ??= await this.findActiveJob()
      this.deps.log(
        `Testifly: the same execution is already queued; following job ${jobId} instead of starting another.`
      )
    } else if (response.success === false || !jobId) {
      const why = response.message ?? response.scheduleStatus ?? 'no job id in the answer'
      // success: false is Testifly declining the request: nothing was scheduled.
      if (response.success === false)
        throw new VendorError('Testifly', 'refused', `Testifly did not schedule the run: ${why}`)
      throw new Error(`Testifly did not schedule the run: ${why}`)
    }
    // A job already queued was asked for by someone else: it is not known to be the re-run.
    const followed = response.scheduleStatus === 'AlreadyExists'
    return {
      runId: jobId,
      targetId: settings.targetId,
      status: 'queued',
      rerun: !!rerun && !followed
    }
  }

  /** inferred: an AlreadyExists without a job id; the active jobs list names it. */
  private async findActiveJob(): Promise<string> {
    const { jobs } = await this.client.request('POST', this.projectPath('jobs'), {
      body: {},
      schema: jobsResponseSchema,
      retry: 'safe'
    })
    const active = jobs
      .filter((job) => !isJobOver(job.status))
      .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0]
    if (!active)
      throw new Error('Testifly answered AlreadyExists but lists no active job to follow')
    return active.jobId
  }

  async observe(handle: RunHandle): Promise<Observation> {
    // A read, though sent as POST: safe to repeat.
    const answer = await this.client.request('POST', this.projectPath('jobs'), {
      body: { jobIds: [handle.runId] },
      schema: jobsResponseSchema,
      retry: 'safe'
    })
    if (answer.missingJobIds.includes(handle.runId)) {
      throw new Error(
        `Testifly does not know job ${handle.runId} (listed in missingJobIds) in project ${handle.targetId}`
      )
    }
    const job = answer.jobs.find((candidate) => candidate.jobId === handle.runId)
    if (!job) throw new Error(`Testifly's answer does not mention job ${handle.runId}`)
    const state = mapStatus(JOB_STATUS, job.status, { signal: 'running' }, (value) =>
      this.reportUnknown('job', value)
    )
    const base: Observation = {
      provider: 'testifly',
      targetId: handle.targetId,
      runId: handle.runId,
      signal: state.signal,
      phase: state.phase,
      counts: countTests([]),
      tests: []
    }
    if (!job.testRunId) {
      if (job.status === 'Failed')
        return { ...base, note: 'The Testifly job failed before it produced a test run.' }
      // inferred: a job that succeeded names its test run soon after; until then it is not over
      if (base.signal === 'finished')
        return { ...base, signal: 'running', phase: 'waiting for the test run' }
      return base
    }
    const run = await this.client.get(
      `${this.projectPath('testRun')}/${encodeURIComponent(job.testRunId)}`,
      testRunSchema
    )
    const tests = run.tests.map((test) =>
      mapTest(test, (value) => this.reportUnknown('test', value))
    )
    // The run's own summary stands in for counts while its tests are not listed yet.
    const counts = tests.length > 0 ? countTests(tests) : countsFromSummary(run.statuses ?? [])
    const signal = runSignal(state.signal, counts)
    return {
      ...base,
      signal,
      phase: undefined,
      startedAt: run.startTime ?? undefined,
      finishedAt: isFinalSignal(signal) ? (job.updatedAt ?? undefined) : undefined,
      counts,
      tests
    }
  }
}

/** Counts from the run's `statuses` summary ({label, count} per test status). */
export function countsFromSummary(statuses: readonly { label: string; count: number }[]): Counts {
  const counts = countTests([])
  for (const { label, count } of statuses) {
    const status = Object.hasOwn(TEST_STATUS, label) ? TEST_STATUS[label] : undefined
    if (status === undefined) continue
    counts.total += count
    if (status === 'running' || status === 'queued') counts.pending += count
    else counts[status] += count
  }
  return counts
}

/**
 * The job counts as over once it is finished and no test is still running or scheduled
 * (inferred: the page only says to keep refreshing while the job runs).
 */
function runSignal(jobSignal: VendorSignal, counts: Observation['counts']): VendorSignal {
  return isFinalSignal(jobSignal) && counts.pending > 0 ? 'running' : jobSignal
}
