import { shortId } from '../../core/text.js'
import { z } from 'zod'
import { optionalChoice, ownInputs } from '../../core/inputs.js'
import { type TestStatus, type VendorSignal } from '../../report/model.js'
import { type RerunSelection, type TriggerRequest } from '../provider.js'

/**
 * Octomind's API as its OpenAPI file (OctoMind-dev/cli f9ca737, 2026-01) has it: the statuses, the
 * answers testgate reads, the execute body, and how an error and a re-run selection are read.
 */

export const DEFAULT_ORIGIN = 'https://app.octomind.dev'

// The v3 execute request's enums [spec: Browser, Breakpoint].
const BROWSERS = ['CHROMIUM', 'FIREFOX', 'SAFARI'] as const
const BREAKPOINTS = ['DESKTOP', 'TABLET', 'MOBILE'] as const

/** Inputs only Octomind reads (case-insensitive, sent upper case). */
export const OWN_INPUTS = {
  browser: optionalChoice(BROWSERS),
  breakpoint: optionalChoice(BREAKPOINTS)
}

// Report-level statuses (spec: WAITING | PASSED | FAILED). The verdict comes from the results too.
export const REPORT_STATUS: Record<string, VendorSignal> = {
  WAITING: 'running',
  PASSED: 'finished',
  FAILED: 'failed'
}

// Result-level statuses (spec: WAITING | PASSED | FAILED | ERROR; ERROR = Octomind's own fault).
export const RESULT_STATUS: Record<string, TestStatus> = {
  WAITING: 'running',
  PASSED: 'passed',
  FAILED: 'failed',
  ERROR: 'errored'
}

// No field of a result is required by the spec (2026-01). Current v3 results name their test by
// testCaseVersionId only; early v3 (spec of 2025-12) and v2 ones by testCaseId, v2 ones with a
// `name` too. All three parse; unknown fields are kept out.
const testResultSchema = z
  .object({
    id: z.string().nullish(),
    testCaseId: z.string().nullish(),
    testCaseVersionId: z.string().nullish(),
    name: z.string().nullish(),
    status: z.string().default(''),
    errorMessage: z.string().nullish(),
    traceUrl: z.string().nullish(),
    createdAt: z.string().nullish(),
    updatedAt: z.string().nullish()
  })
  .loose()

export const testReportSchema = z
  .object({
    id: z.string(),
    testTargetId: z.string().optional(),
    status: z.string(),
    createdAt: z.string().nullish(),
    updatedAt: z.string().nullish(),
    executionUrl: z.string().nullish(),
    testResults: z.array(testResultSchema).nullish()
  })
  .loose()

export const executeResponseSchema = z
  .object({ testReportUrl: z.string().optional(), testReport: testReportSchema })
  .loose()

// getTestReports: the target's reports, newest first [spec L597–665]; nothing in it is required.
// A report states its browser and breakpoint [spec: TestReport], and its results, whose number is
// its test selection (tags), where the list carries them.
export const pastReportSchema = testReportSchema
  .extend({
    breakpoint: z.string().nullish(),
    browser: z.string().nullish(),
    testResults: z.array(z.unknown()).nullish()
  })
  .loose()
export const testReportListSchema = z.object({ data: z.array(pastReportSchema).nullish() }).loose()

// How many recent finished reports predict a run's end.
export const HISTORY_SIZE = 10

export const testCaseListSchema = z.array(
  z.object({ id: z.string(), description: z.string().nullish() }).loose()
)

// 400 bodies are a list of zod issues: [{ path: [...], message }].
const zodIssuesSchema = z.array(
  z
    .object({ path: z.array(z.union([z.string(), z.number()])).optional(), message: z.string() })
    .loose()
)
const statusErrorSchema = z.object({ error: z.string() }).loose()

export function describeOctomindError(body: unknown): string | undefined {
  const issues = zodIssuesSchema.safeParse(body)
  if (issues.success && issues.data.length > 0) {
    return issues.data
      .map((issue) =>
        issue.path?.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message
      )
      .join('; ')
  }
  const statusError = statusErrorSchema.safeParse(body)
  return statusError.success ? statusError.data.error : undefined
}

/** api-url is the app origin (as in Octomind's own action) or the API base ending in /api. */
export function octomindApiBase(apiUrl: string | undefined): { apiBase: string; origin: string } {
  const url = new URL(apiUrl ?? DEFAULT_ORIGIN)
  const path = url.pathname.replace(/\/+$/, '')
  return { apiBase: `${url.origin}${path === '' ? '/api' : path}`, origin: url.origin }
}

export function buildExecuteBody(request: TriggerRequest): Record<string, unknown> {
  const { settings, context } = request
  const body: Record<string, unknown> = {
    testTargetId: settings.targetId,
    url: settings.url ?? context.deployment?.url,
    context: {
      source: 'github',
      issueNumber: context.pullRequest?.number ?? null,
      ref: context.ref || null,
      sha: context.sha || null,
      repo: context.repo,
      owner: context.owner,
      // inferred: the spec's userId is free text; the GitHub login is the best identity we have
      triggeredBy: context.actor ? { type: 'USER', userId: context.actor } : null,
      nodeId: context.pullRequest?.nodeId ?? null
    },
    environmentName: settings.environment ?? 'default'
  }
  if (Object.keys(settings.variables).length > 0) body.variablesToOverwrite = settings.variables
  if (request.rerun) {
    // A re-run of the failed tests: `testCaseVersionIds` (uuid[]) of TestTargetExecutionRequest
    // [spec: OctoMind-dev/cli openapi.yaml at f9ca737, L1566] runs those exact versions; Octomind's
    // own action sends it with the version ids a YAML push returned. Tags are left out: the spec
    // does not say whether `tags` ("the tags to filter the test cases by") narrows the listed
    // versions or adds the tagged cases to them. The versions came from a run the same tags
    // already narrowed, so leaving tags out loses nothing if they narrow and, if they add, keeps
    // the tests that passed from running again. Environment, variables, browser and breakpoint
    // say how the tests run, not which, and are sent as on the first attempt.
    body.testCaseVersionIds = request.rerun.keys
  } else if (settings.tags.length > 0) body.tags = settings.tags
  const { browser, breakpoint } = ownInputs(settings, OWN_INPUTS)
  if (browser) body.browser = browser
  if (breakpoint) body.breakpoint = breakpoint
  return body
}

export type OctomindReport = z.infer<typeof testReportSchema>
export type OctomindResult = z.infer<typeof testResultSchema>

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Why Octomind cannot re-run just these tests: `testCaseVersionIds` takes UUIDs [spec], and a key
 * that is not one (a result that named neither case nor version) selects nothing Octomind knows.
 * A key that is a test case id (reports of servers older than `testCaseVersionIds`, 2025-12 and
 * before, name only cases) cannot be told from a version id here.
 */
export function octomindRerunProblem(rerun: RerunSelection): string | undefined {
  const bad = rerun.keys.filter((key) => !UUID.test(key))
  return bad.length > 0
    ? `Octomind re-runs tests by test-case version id (a UUID), which not every failure of the earlier attempt has (${bad.slice(0, 3).map(shortId).join(', ')})`
    : undefined
}
