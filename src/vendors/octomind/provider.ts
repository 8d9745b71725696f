import { shortId } from '../../text.js'
import { z } from 'zod'
import type { HttpClient } from '../../http.js'
import { InputError, optionalChoice, ownInputs, type Settings } from '../../inputs.js'
import {
  countTests,
  isFinalSignal,
  type Counts,
  type Link,
  type Observation,
  type TestResult,
  type TestStatus,
  type VendorSignal
} from '../../report/model.js'
import { comparableRuns, testCountOf, type History, type PastRun } from '../history.js'
import {
  mapStatus,
  unknownStatusReporter,
  HISTORY_READ,
  type VendorOperations,
  type ProviderDeps,
  type RerunSelection,
  type RunHandle,
  type TriggerRequest
} from '../provider.js'

/**
 * Octomind: `POST /apiKey/v3/execute` starts a test report, `GET .../test-reports/{id}` is polled
 * until it leaves WAITING. Facts: Octomind's OpenAPI spec (v3, 2026-01) and its docs; where they
 * are silent the code says "inferred".
 */

export const DISPLAY_NAME = 'Octomind'

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
const REPORT_STATUS: Record<string, VendorSignal> = {
  WAITING: 'running',
  PASSED: 'finished',
  FAILED: 'failed'
}

// Result-level statuses (spec: WAITING | PASSED | FAILED | ERROR; ERROR = Octomind's own fault).
const RESULT_STATUS: Record<string, TestStatus> = {
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

const testReportSchema = z
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

const executeResponseSchema = z
  .object({ testReportUrl: z.string().optional(), testReport: testReportSchema })
  .loose()

// getTestReports: the target's reports, newest first [spec L597–665]; nothing in it is required.
// A report states its browser and breakpoint [spec: TestReport], and its results, whose number is
// its test selection (tags), where the list carries them.
const pastReportSchema = testReportSchema
  .extend({
    breakpoint: z.string().nullish(),
    browser: z.string().nullish(),
    testResults: z.array(z.unknown()).nullish()
  })
  .loose()
const testReportListSchema = z.object({ data: z.array(pastReportSchema).nullish() }).loose()

// How many recent finished reports predict a run's end.
const HISTORY_SIZE = 10

const testCaseListSchema = z.array(
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

type OctomindReport = z.infer<typeof testReportSchema>
type OctomindResult = z.infer<typeof testResultSchema>

export interface ReportMapping {
  origin: string
  targetId: string
  reportUrl?: string
  testCaseNames: ReadonlyMap<string, string>
  onUnknownStatus: (kind: 'report' | 'result', value: string) => void
}

export function mapReport(report: OctomindReport, mapping: ReportMapping): Observation {
  const reportLink = `${mapping.origin}/testtargets/${encodeURIComponent(mapping.targetId)}/testreports/${encodeURIComponent(report.id)}`
  const tests = (report.testResults ?? []).map((result) => mapResult(result, reportLink, mapping))
  const signal = mapStatus(REPORT_STATUS, report.status, 'running', (value) =>
    mapping.onUnknownStatus('report', value)
  )
  return {
    provider: 'octomind',
    targetId: mapping.targetId,
    runId: report.id,
    url: mapping.reportUrl ?? reportLink,
    signal,
    startedAt: report.createdAt ?? undefined,
    finishedAt: isFinalSignal(signal) ? (report.updatedAt ?? undefined) : undefined,
    counts: countTests(tests),
    tests
  }
}

function mapResult(result: OctomindResult, reportLink: string, mapping: ReportMapping): TestResult {
  const status = mapStatus(RESULT_STATUS, result.status, 'running', (value) =>
    mapping.onUnknownStatus('result', value || '(none)')
  )
  const links: Link[] = []
  if (result.id) {
    const url = `${reportLink}/testresults/${encodeURIComponent(result.id)}`
    links.push({ label: 'result', url, kind: 'page' })
  }
  if (result.traceUrl) links.push({ label: 'trace', url: result.traceUrl, kind: 'artifact' })
  const test: TestResult = { ...testIdentity(result, mapping.testCaseNames), status, links }
  // inferred: results carry no duration; updatedAt − createdAt of a finished result is the closest.
  const finished = status !== 'running'
  const start = Date.parse(result.createdAt ?? '')
  const end = Date.parse(result.updatedAt ?? '')
  if (finished && Number.isFinite(start) && Number.isFinite(end) && end >= start)
    test.durationMs = end - start
  if (result.errorMessage && status !== 'passed') test.error = result.errorMessage
  return test
}

/**
 * Who a result is, the same on every run: its test case where the report names one, else its
 * test-case version (current v3 reports name nothing else), never the result, which is new each
 * run. The name is the case's own where known; Octomind documents no way from a version to its
 * case or name, so a version alone is labelled by its id, and the result link leads to the test.
 */
export function testIdentity(
  result: OctomindResult,
  caseNames: ReadonlyMap<string, string>
): { id: string; rerunKey?: string; name: string } {
  const caseName = result.testCaseId ? caseNames.get(result.testCaseId) : undefined
  const id = result.testCaseId || result.testCaseVersionId || result.id || 'unknown result'
  const label = result.testCaseId
    ? `test case ${result.testCaseId}`
    : result.testCaseVersionId
      ? `test case version ${result.testCaseVersionId}`
      : `result ${id}`
  const identity: { id: string; rerunKey?: string; name: string } = {
    id,
    name: result.name || caseName || label
  }
  // A re-run selects versions (`testCaseVersionIds`), so a result named by its case keeps its
  // version beside it; a current v3 result's id is its version already.
  if (result.testCaseVersionId && result.testCaseVersionId !== id)
    identity.rerunKey = result.testCaseVersionId
  return identity
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

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

export class OctomindProvider implements VendorOperations {
  private readonly client: HttpClient
  private readonly origin: string
  private testCaseNames: Map<string, string> | undefined
  private readonly reportUnknown: (kind: string, value: string) => void

  constructor(private readonly deps: ProviderDeps) {
    this.reportUnknown = unknownStatusReporter(DISPLAY_NAME, deps.warn)
    const { apiBase, origin } = octomindApiBase(deps.settings.apiUrl)
    this.origin = origin
    this.client = deps.http({
      vendor: DISPLAY_NAME,
      baseUrl: apiBase,
      headers: { 'x-api-key': deps.settings.apiKey },
      describeError: describeOctomindError
    })
  }

  variant(settings: Settings): string | undefined {
    const { browser, breakpoint } = ownInputs(settings, OWN_INPUTS)
    const parts = [browser, breakpoint].filter((part) => part !== undefined)
    return parts.length > 0 ? parts.join('/') : undefined
  }

  validate({ settings, context }: TriggerRequest): void {
    const missing: string[] = []
    if (!settings.targetId)
      missing.push('Input "target-id" is required for Octomind: the test target id (a UUID).')
    if (!settings.url && !context.deployment?.url) {
      missing.push(
        'Input "url" is required for Octomind: the URL to test. On deployment_status events it defaults to the deployment URL.'
      )
    }
    if (missing.length > 0) throw new InputError(missing.join('\n'))
  }

  rerunProblem(rerun: RerunSelection): string | undefined {
    return octomindRerunProblem(rerun)
  }

  async trigger(request: TriggerRequest): Promise<RunHandle> {
    const response = await this.client.request('POST', '/apiKey/v3/execute', {
      body: buildExecuteBody(request),
      schema: executeResponseSchema,
      retry: 'unsent-only'
    })
    const targetId = request.settings.targetId ?? ''
    return {
      runId: response.testReport.id,
      url: response.testReportUrl,
      targetId,
      status: 'running',
      rerun: request.rerun !== undefined
    }
  }

  async observe(handle: RunHandle): Promise<Observation> {
    const targetId = handle.targetId ?? ''
    const report = await this.client.get(
      `/apiKey/v3/test-targets/${encodeURIComponent(targetId)}/test-reports/${encodeURIComponent(handle.runId)}`,
      testReportSchema
    )
    const needsNames = (report.testResults ?? []).some(
      (result) => result.testCaseId && !result.name
    )
    if (needsNames && this.testCaseNames === undefined)
      this.testCaseNames = await this.loadTestCaseNames(targetId)
    return mapReport(report, {
      origin: this.origin,
      targetId,
      reportUrl: handle.url,
      testCaseNames: this.testCaseNames ?? new Map(),
      onUnknownStatus: (kind, value) => this.reportUnknown(kind, value)
    })
  }

  /**
   * The target's recent finished reports that ran like this one: the same browser, breakpoint and
   * number of tests where a report states them. A report does not state its environment [spec:
   * TestReport], so that stays unverified.
   */
  async history({ settings }: TriggerRequest, run: { counts: Counts }): Promise<History> {
    const list = await this.client.request(
      'GET',
      `/apiKey/v3/test-targets/${encodeURIComponent(settings.targetId ?? '')}/test-reports`,
      {
        schema: testReportListSchema,
        ...HISTORY_READ
      }
    )
    const { browser, breakpoint } = ownInputs(settings, OWN_INPUTS)
    const thisRun = {
      environment: settings.environment ?? 'default',
      // inferred: a run asked for neither runs Chromium on a desktop, the official action's defaults
      browser: browser ?? 'CHROMIUM',
      breakpoint: breakpoint ?? 'DESKTOP',
      tests: testCountOf(run.counts)
    }
    return comparableRuns(thisRun, pastReports(list.data ?? []).slice(0, HISTORY_SIZE))
  }

  /** Test names live on the test cases; a failure here costs names, never the verdict. */
  private async loadTestCaseNames(targetId: string): Promise<Map<string, string>> {
    try {
      const cases = await this.client.get(
        `/apiKey/v3/test-targets/${encodeURIComponent(targetId)}/test-cases`,
        testCaseListSchema
      )
      return new Map(
        cases.flatMap((testCase) =>
          testCase.description ? [[testCase.id, testCase.description]] : []
        )
      )
    } catch (error) {
      this.deps.warn(
        `Octomind test names are unavailable, showing ids instead: ${(error as Error).message}`
      )
      return new Map()
    }
  }
}

/**
 * The finished reports among these, each with its duration (inferred: updatedAt − createdAt, a
 * report being last updated when it finishes) and what it states of how it ran. A report still
 * WAITING has no duration; an empty result list states no test count.
 */
export function pastReports(reports: readonly z.infer<typeof pastReportSchema>[]): PastRun[] {
  return reports.flatMap((report) => {
    const final = Object.hasOwn(REPORT_STATUS, report.status) && report.status !== 'WAITING'
    const durationMs = Date.parse(report.updatedAt ?? '') - Date.parse(report.createdAt ?? '')
    if (!final || !(durationMs > 0)) return []
    const traits = {
      browser: report.browser ?? undefined,
      breakpoint: report.breakpoint ?? undefined,
      tests: report.testResults?.length || undefined
    }
    return [{ durationMs, traits }]
  })
}
