import { shortId } from '../../text.js'
import { z } from 'zod'
import { VendorError, type HttpClient } from '../../http.js'
import { InputError } from '../../inputs.js'
import {
  countTests,
  isFinalSignal,
  type Counts,
  type Observation,
  type TestResult,
  type TestStatus,
  type VendorSignal
} from '../../report/model.js'
import {
  mapStatus,
  unknownStatusReporter,
  type CancelResult,
  HISTORY_READ,
  type VendorOperations,
  type ProviderDeps,
  type RerunSelection,
  type RunHandle,
  type TriggerRequest
} from '../provider.js'
import { comparableRuns, testCountOf, type History } from '../history.js'

/**
 * Empirical: `PUT /api/test-runs` starts a Playwright run in an environment; the run list
 * (`GET /api/test-runs?id=`) has its state and counts, the run itself (`GET /api/test-runs/{id}`)
 * its per-test summary. Facts: Empirical's API reference and what its own code reads; the shape of
 * the single-run answer is undocumented, so it is read defensively. "inferred" marks our reading.
 */

export const DISPLAY_NAME = 'Empirical'

export const DEFAULT_ORIGIN = 'https://api.empirical.run'
const DASHBOARD_ORIGIN = 'https://dash.empirical.run'
// History: one page of the project's recent runs.
const HISTORY_PAGE = 20

// Run states [doc]: pending, queued, started, cancelling are still going; ended, error, cancelled
// are final. `ended` says the run finished, not that its tests passed [doc]; `error` is a failure
// on Empirical's side.
const RUN_STATE: Record<string, VendorSignal> = {
  pending: 'queued',
  queued: 'queued',
  started: 'running',
  cancelling: 'running',
  ended: 'finished',
  error: 'failed',
  cancelled: 'cancelled'
}

// Per-test statuses (inferred: Playwright's outcomes as Empirical's summaries name them).
const TEST_STATUS: Record<string, { status: TestStatus; flaky?: boolean }> = {
  passed: { status: 'passed' },
  expected: { status: 'passed' },
  flaky: { status: 'passed', flaky: true },
  failed: { status: 'failed' },
  unexpected: { status: 'failed' },
  timedout: { status: 'failed' },
  interrupted: { status: 'errored' },
  skipped: { status: 'skipped' },
  running: { status: 'running' },
  queued: { status: 'queued' }
}

// Where an error code may be (inferred: the field is not documented).
const ERROR_CODE_FIELDS = ['error_code', 'error', 'failure_reason', 'error_type', 'reason']

const triggerResponseSchema = z.object({
  data: z
    .object({ test_run: z.object({ id: z.number().int(), state: z.string().optional() }).loose() })
    .loose()
})

const count = z.number().nullish()
const listItemSchema = z
  .object({
    id: z.number().int(),
    state: z.string().optional(),
    total_count: count,
    success_count: count,
    failed_count: count,
    skipped_count: count,
    flaky_count: count,
    failed_count_after_snoozing: count,
    duration: count,
    environment_slug: z.string().nullish(),
    created_at: z.string().nullish()
  })
  .loose()

const listSchema = z
  .object({
    data: z
      .object({
        project: z.object({ slug: z.string().optional() }).loose().nullish(),
        test_runs: z.object({ items: z.array(listItemSchema).default([]) }).loose()
      })
      .loose()
  })
  .loose()

const summaryDetailSchema = z
  .object({
    name: z.string().optional(),
    pw_test_id: z.string().optional(),
    status: z.string().optional(),
    slug: z.string().nullish(),
    snooze_info: z.array(z.unknown()).nullish(),
    duration: z.number().nullish(),
    error: z.unknown().optional()
  })
  .loose()

type ListItem = z.infer<typeof listItemSchema>
type SummaryDetail = z.infer<typeof summaryDetailSchema>

/** The single-run answer, wherever its parts sit ({data: {test_run: {testRun, flattenedSummaryDetails}}} seen). */
export function readSingleRun(body: unknown): {
  state?: string
  details: SummaryDetail[]
  raw: Record<string, unknown>
} {
  const data = field(body, 'data')
  const testRun = field(data, 'test_run') ?? data
  const run = (field(testRun, 'testRun') ?? testRun ?? {}) as Record<string, unknown>
  const detailsRaw =
    field(testRun, 'flattenedSummaryDetails') ?? field(data, 'flattenedSummaryDetails')
  const details = z.array(summaryDetailSchema).safeParse(detailsRaw)
  return {
    state: typeof run.state === 'string' ? run.state : undefined,
    details: details.success ? details.data : [],
    raw: run
  }
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined
}

export function buildTriggerBody(
  request: TriggerRequest,
  warn: (line: string) => void
): Record<string, unknown> {
  const { settings, context } = request
  const branch = context.ref.replace(/^refs\/(heads|tags)\//, '')
  const build: Record<string, string> = { branch, commit: context.sha }
  // inferred: a pushed tag is the build's version
  if (context.ref.startsWith('refs/tags/')) build.version = branch
  const url = settings.url ?? context.deployment?.url
  if (url) build.url = url
  if (context.owner && context.repo && context.sha) {
    build.commit_url = `${context.serverUrl}/${context.owner}/${context.repo}/commit/${context.sha}`
  }
  // Metadata values must be strings or numbers [doc].
  const metadata: Record<string, string | number> = {}
  if (context.pullRequest) metadata.pr_number = context.pullRequest.number
  if (context.runUrl) metadata.run_url = context.runUrl
  if (context.actor) metadata.actor = context.actor
  if (context.owner && context.repo) metadata.repository = `${context.owner}/${context.repo}`
  const overrides = Object.entries(settings.variables).map(([name, values]) => {
    if (values.length > 1)
      warn(`Empirical takes one value per variable: "${name}" gets its last value.`)
    return { name, value: values[values.length - 1] ?? '' }
  })
  const body: Record<string, unknown> = { environment: environmentOf(request), build, metadata }
  // Empirical's own action sends the actor here; its reference lists the field [doc].
  if (context.actor) body.github_actor = context.actor
  if (overrides.length > 0) body.environment_variables_overrides = overrides
  const rerunOf = request.rerun && empiricalRunId(request.rerun.previousRunId)
  if (rerunOf !== undefined) {
    // A re-run of the failed tests: Empirical re-runs a run by its id [doc: API reference
    // "Trigger a test run" (docs.empirical.run/api-reference/test-runs/trigger-a-test-run),
    // `rerun_source_id` integer, `rerun_only_failed` boolean]. Empirical picks the failed tests
    // itself, so testgate's keys are not sent. Tags are left out: the source run was already
    // narrowed by them, and whether they would narrow the re-run further is not documented.
    body.rerun_source_id = rerunOf
    body.rerun_only_failed = true
  } else if (settings.tags.length > 0) body.tags = settings.tags
  return body
}

/** Empirical's run id: a positive integer [doc: `data.test_run.id`, `rerun_source_id` integer]. */
export function empiricalRunId(runId: string): number | undefined {
  const id = /^[1-9][0-9]*$/.test(runId) ? Number(runId) : NaN
  return Number.isSafeInteger(id) ? id : undefined
}

/** Why Empirical cannot re-run the earlier run's failures: its run id is not an integer. */
export function empiricalRerunProblem(rerun: RerunSelection): string | undefined {
  return empiricalRunId(rerun.previousRunId) === undefined
    ? `Empirical re-runs a run by its integer id, and the earlier attempt's run id "${shortId(rerun.previousRunId)}" is not one`
    : undefined
}

/** Empirical's own action sends the slug lower-cased; GitHub environment names are often capitalised. */
function environmentOf({ settings, context }: TriggerRequest): string | undefined {
  return (settings.environment ?? context.deployment?.environment)?.toLowerCase()
}

/** api-url may be the origin or end in /api: the paths carry /api themselves. */
export function empiricalOrigin(apiUrl: string | undefined): string {
  const url = new URL(apiUrl ?? DEFAULT_ORIGIN)
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api$/, '')}`
}

export function mapDetail(
  detail: SummaryDetail,
  onUnknownStatus: (value: string) => void
): TestResult {
  const mapped = mapStatus(
    TEST_STATUS,
    (detail.status ?? '').toLowerCase(),
    { status: 'running' },
    () => onUnknownStatus(detail.status ?? '(none)')
  )
  const test: TestResult = {
    id: detail.pw_test_id ?? detail.name ?? '',
    name: detail.name ?? detail.pw_test_id ?? '(unnamed test)',
    status: mapped.status,
    links: []
  }
  if (mapped.flaky) test.flaky = true
  if (typeof detail.duration === 'number') test.durationMs = detail.duration
  // A snoozed failure is suppressed by the team's choice [doc: snoozes "temporarily suppress
  // known test failures"]: it does not count against the run, and the report says so.
  if (test.status === 'failed' && detail.snooze_info && detail.snooze_info.length > 0) {
    test.status = 'skipped'
    test.suppressed = 'failed; the failure is snoozed in Empirical, so it does not count'
  } else if (detail.error !== undefined && test.status !== 'passed') {
    test.error = typeof detail.error === 'string' ? detail.error : JSON.stringify(detail.error)
  }
  return test
}

/** Counts from the run's own numbers, for when no per-test list is available. */
function countsFromItem(item: ListItem | undefined, terminal: boolean): Counts | undefined {
  if (!item || item.total_count == null) return undefined
  const passed = item.success_count ?? 0
  const failed = item.failed_count_after_snoozing ?? item.failed_count ?? 0
  // Snoozed failures do not count against the run; they are shown with the skipped ones.
  const snoozed = Math.max(0, (item.failed_count ?? failed) - failed)
  const skipped = (item.skipped_count ?? 0) + snoozed
  const pending = terminal ? 0 : Math.max(0, item.total_count - passed - failed - skipped)
  return { total: item.total_count, passed, failed, errored: 0, skipped, pending }
}

/**
 * The per-test counts, unless the run's own numbers show failures the per-test list does not:
 * a verdict is never more lenient than Empirical's own count.
 */
function bestCounts(fromTests: Counts, fromRun: Counts | undefined): Counts {
  if (!fromRun) return fromTests
  if (fromTests.total === 0) return fromRun
  return fromRun.failed > fromTests.failed + fromTests.errored ? fromRun : fromTests
}

export class EmpiricalProvider implements VendorOperations {
  private readonly client: HttpClient
  private readonly origin: string
  private readonly reportUnknown: (kind: string, value: string) => void

  constructor(private readonly deps: ProviderDeps) {
    this.reportUnknown = unknownStatusReporter(DISPLAY_NAME, deps.warn)
    this.origin = empiricalOrigin(deps.settings.apiUrl)
    this.client = deps.http({
      vendor: DISPLAY_NAME,
      baseUrl: this.origin,
      headers: { authorization: `Bearer ${deps.settings.apiKey}` }
    })
  }

  validate(request: TriggerRequest): void {
    if (!environmentOf(request)) {
      throw new InputError(
        'Input "environment" is required for Empirical: the environment slug (e.g. staging). On deployment_status events it defaults to the deployment\'s environment.'
      )
    }
  }

  rerunProblem(rerun: RerunSelection): string | undefined {
    return empiricalRerunProblem(rerun)
  }

  async trigger(request: TriggerRequest): Promise<RunHandle> {
    const response = await this.client.request('PUT', '/api/test-runs', {
      body: buildTriggerBody(request, this.deps.warn),
      schema: triggerResponseSchema,
      retry: 'unsent-only'
    })
    const run = response.data.test_run
    return {
      runId: String(run.id),
      status: RUN_STATE[run.state ?? ''] === 'running' ? 'running' : 'queued',
      rerun: request.rerun !== undefined
    }
  }

  async observe(handle: RunHandle): Promise<Observation> {
    const list = await this.client.get(
      `/api/test-runs?id=${encodeURIComponent(handle.runId)}&per_page=1`,
      listSchema
    )
    const item = list.data.test_runs.items.find(
      (candidate) => String(candidate.id) === handle.runId
    )
    // The list's items may leave out the state (the newer schema's example does); the run itself has it.
    let single: ReturnType<typeof readSingleRun> | undefined
    let state = item?.state
    if (state === undefined) {
      single = readSingleRun(
        await this.client.get(`/api/test-runs/${encodeURIComponent(handle.runId)}`, z.unknown())
      )
      state = single.state
    }
    const signal = mapStatus(RUN_STATE, state ?? '', 'running', () =>
      this.reportUnknown('run', state ?? '(none)')
    )
    const terminal = isFinalSignal(signal)
    // Per-test results once the run is over: the run's summary details (undocumented shape, read defensively).
    if (terminal && single === undefined) single = await this.readDetails(handle.runId)
    const tests = (single?.details ?? []).map((detail) =>
      mapDetail(detail, (value) => this.reportUnknown('test', value))
    )
    const counts = bestCounts(countTests(tests), countsFromItem(item, terminal))
    const slug = list.data.project?.slug
    const startedAt = item?.created_at ?? undefined
    const started = Date.parse(startedAt ?? '')
    return {
      provider: 'empirical',
      runId: handle.runId,
      url: slug
        ? `${this.dashboard()}/${encodeURIComponent(slug)}/test-runs/${encodeURIComponent(handle.runId)}`
        : undefined,
      signal,
      startedAt,
      finishedAt:
        terminal && Number.isFinite(started) && typeof item?.duration === 'number'
          ? new Date(started + item.duration).toISOString()
          : undefined,
      counts,
      tests,
      note: signal === 'failed' ? errorNote(single?.raw, item) : undefined
    }
  }

  /**
   * The project's recent ended runs that ran like this one: the same environment and number of
   * tests (its tags or selection) where an item states them [doc: the list's `state` filter,
   * items' `duration`, `environment_slug` and `total_count`; inferred: duration is in ms].
   */
  async history(request: TriggerRequest, run: { counts: Counts }): Promise<History> {
    const list = await this.client.request(
      'GET',
      `/api/test-runs?state=ended&per_page=${HISTORY_PAGE}`,
      {
        schema: listSchema,
        ...HISTORY_READ
      }
    )
    const thisRun = { environment: environmentOf(request), tests: testCountOf(run.counts) }
    const past = list.data.test_runs.items.map((item) => ({
      durationMs: item.duration ?? 0,
      traits: {
        environment: item.environment_slug ?? undefined,
        tests: item.total_count || undefined
      }
    }))
    return comparableRuns(thisRun, past)
  }

  private async readDetails(runId: string): Promise<ReturnType<typeof readSingleRun> | undefined> {
    try {
      return readSingleRun(
        await this.client.get(`/api/test-runs/${encodeURIComponent(runId)}`, z.unknown())
      )
    } catch (error) {
      if (error instanceof VendorError && error.transient) throw error
      this.deps.warn(
        `Empirical per-test results are unavailable, showing counts only: ${(error as Error).message}`
      )
      return undefined
    }
  }

  /** inferred: runs open in the dashboard at /{project}/test-runs/{id}; elsewhere (self-hosted, tests) at the API's origin. */
  private dashboard(): string {
    return new URL(this.origin).hostname === new URL(DEFAULT_ORIGIN).hostname
      ? DASHBOARD_ORIGIN
      : this.origin
  }

  async cancel(handle: RunHandle): Promise<CancelResult> {
    try {
      await this.client.request(
        'POST',
        `/api/test-runs/${encodeURIComponent(handle.runId)}/cancel`,
        {
          body: { reason: 'The GitHub Actions job was cancelled' },
          schema: z.unknown(),
          retry: 'safe'
        }
      )
      return 'cancelled'
    } catch (error) {
      // 412: the run already reached a final state [doc].
      if (error instanceof VendorError && error.status === 412) return 'already-finished'
      throw error
    }
  }
}

function errorNote(run: Record<string, unknown> | undefined, item: ListItem | undefined): string {
  for (const source of [run, item as Record<string, unknown> | undefined]) {
    for (const key of ERROR_CODE_FIELDS) {
      const value = source?.[key]
      if (typeof value === 'string' && value !== '')
        return `Empirical reports the run errored: ${value}`
    }
  }
  return 'Empirical reports the run errored (no error code given).'
}
