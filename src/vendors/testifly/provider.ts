import { VendorError, type HttpClient } from '../../core/http.js'
import { InputError, type Settings } from '../../core/inputs.js'
import { countTests, isFinalSignal, type Observation } from '../../report/model.js'
import {
  mapStatus,
  type VendorOperations,
  unknownStatusReporter,
  type ProviderDeps,
  type RerunSelection,
  type RunHandle,
  type TriggerRequest
} from '../provider.js'
import {
  DEFAULT_ORIGIN,
  JOB_STATUS,
  ScheduleAnswer,
  buildExecuteBody,
  executeResponseSchema,
  isAlreadyExists,
  isJobOver,
  jobsResponseSchema,
  selection,
  testRunSchema
} from './api.js'
import { countsFromSummary, mapTest, runCounts, runSignal } from './mapping.js'

/**
 * Testifly: `POST /api/testExecution/{projId}` queues a job, `POST /api/jobs/{projId}` reports the
 * job's state and, once it has one, its test run id; `GET /api/testRun/{projId}/{runId}` has the
 * live and final results. Facts: Testifly's "Test Execution API Workflow" page; what it leaves open
 * is marked "inferred".
 */

export const DISPLAY_NAME = 'Testifly'

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
    // The run's own summary stands in for counts while its tests are not listed yet, and
    // overrules a list that shows fewer failed or unfinished tests than it counts.
    const summary = countsFromSummary(run.statuses ?? [], (value) =>
      this.reportUnknown('test', value)
    )
    const { counts, note } = runCounts(countTests(tests), summary)
    const signal = runSignal(state.signal, counts)
    return {
      ...base,
      signal,
      phase: undefined,
      startedAt: run.startTime ?? undefined,
      finishedAt: isFinalSignal(signal) ? (job.updatedAt ?? undefined) : undefined,
      counts,
      tests,
      ...(note === undefined ? {} : { note })
    }
  }
}
