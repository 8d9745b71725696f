import { shortId } from '../../core/text.js'
import { z } from 'zod'
import { type TestStatus, type VendorSignal } from '../../report/model.js'
import { type RerunSelection, type TriggerRequest } from '../provider.js'

/**
 * Empirical's API as its doc pages and own action have it: run states and test statuses, the
 * answers testgate reads, and the trigger body.
 */

export const DEFAULT_ORIGIN = 'https://api.empirical.run'
export const DASHBOARD_ORIGIN = 'https://dash.empirical.run'
// History: one page of the project's recent runs.
export const HISTORY_PAGE = 20

// Run states [doc]: pending, queued, started, cancelling are still going; ended, error, cancelled
// are final. `ended` says the run finished, not that its tests passed [doc]; `error` is a failure
// on Empirical's side.
export const RUN_STATE: Record<string, VendorSignal> = {
  pending: 'queued',
  queued: 'queued',
  started: 'running',
  cancelling: 'running',
  ended: 'finished',
  error: 'failed',
  cancelled: 'cancelled'
}

// Per-test statuses (inferred: Playwright's outcomes as Empirical's summaries name them).
export const TEST_STATUS: Record<string, { status: TestStatus; flaky?: boolean }> = {
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
export const ERROR_CODE_FIELDS = ['error_code', 'error', 'failure_reason', 'error_type', 'reason']

export const triggerResponseSchema = z.object({
  data: z
    .object({ test_run: z.object({ id: z.number().int(), state: z.string().optional() }).loose() })
    .loose()
})

export const count = z.number().nullish()
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

export const listSchema = z
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

export type ListItem = z.infer<typeof listItemSchema>
export type SummaryDetail = z.infer<typeof summaryDetailSchema>

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
export function environmentOf({ settings, context }: TriggerRequest): string | undefined {
  return (settings.environment ?? context.deployment?.environment)?.toLowerCase()
}

/** api-url may be the origin or end in /api: the paths carry /api themselves. */
export function empiricalOrigin(apiUrl: string | undefined): string {
  const url = new URL(apiUrl ?? DEFAULT_ORIGIN)
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api$/, '')}`
}
