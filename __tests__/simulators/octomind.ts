import { createHash, randomUUID } from 'node:crypto'
import { z } from 'zod'
import {
  executeRequestSchema,
  executeResponseSchema,
  legacyReportSchema,
  testCaseSchema,
  testReportListSchema,
  testReportSchema
} from '../contracts/octomind.js'
import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * Octomind's public API as its OpenAPI file (2026-01) states it: execute, poll a test report, list
 * test cases, with the v2 paths still served. The execute body is validated against the contract
 * (a 400 lists zod issues, as Octomind's does), and every answer is checked against the contract's
 * schemas before it is sent. Each report walks through a scripted list of states, one per poll.
 */

export interface OctomindTestCase {
  id: string
  description: string
  /** The case's current version; a new one after each edit. Default: derived from the id. */
  versionId?: string
}

export interface OctomindResultState {
  testCaseId: string
  status: string
  errorMessage?: string
}

/**
 * An earlier finished report of the target: how long it took and, where set, the browser and
 * breakpoint it states and how many results it lists (its test selection).
 */
export interface PastReport {
  durationMs: number
  browser?: 'CHROMIUM' | 'FIREFOX' | 'SAFARI'
  breakpoint?: 'MOBILE' | 'TABLET' | 'DESKTOP'
  tests?: number
}

export interface OctomindStep {
  status: string
  results: OctomindResultState[]
}

export interface OctomindOptions {
  apiKey: string
  testCases: OctomindTestCase[]
  /** The states a report goes through: the execute answer shows the first, each poll the next. */
  script: OctomindStep[]
  /**
   * What a result names its test by: 'v3' testCaseVersionId only (spec of 2026-01, the default),
   * 'v3-case' testCaseId (spec of 2025-12), 'v2' testCaseId plus a human name (spec of 2025-02).
   */
  shape?: 'v3' | 'v3-case' | 'v2'
  /** The target's earlier finished reports, newest first, for the history list: durations (ms), or what each ran. */
  history?: (number | PastReport)[]
  /**
   * A report's state as a function of the time since its execute (ms), instead of one script
   * step per poll: the benchmark's simulated clock drives it.
   */
  timeline?: { now: () => number; stepAt: (elapsedMs: number) => OctomindStep }
  /**
   * Which test cases (ids) a run of a `testCaseVersionIds` selection reports. No Octomind source
   * says what the server does with a selection beyond "runs those versions" (stale versions, a
   * partial run): by default it runs exactly the selection; tests try what else it could do.
   */
  selectionRuns?: (selected: ReadonlySet<string>) => ReadonlySet<string>
}

interface StoredReport {
  id: string
  testTargetId: string
  request: z.infer<typeof executeRequestSchema>
  /** The script as it was when the report started: a test may script the next run differently. */
  script: OctomindStep[]
  /** The test cases `testCaseVersionIds` chose; undefined: every scripted test runs. */
  selected?: ReadonlySet<string>
  polls: number
  createdAt: number
  /** Result ids are new on every run, as Octomind's are. */
  resultIds: string[]
}

export function versionIdOf(testCase: OctomindTestCase): string {
  if (testCase.versionId) return testCase.versionId
  // Random-looking throughout, as Octomind's UUIDs are, and the same for a case on every run.
  const hex = createHash('sha256').update(`version of ${testCase.id}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export class OctomindSimulator extends SimServer {
  readonly reports = new Map<string, StoredReport>()

  constructor(readonly options: OctomindOptions) {
    super()
    for (const version of ['v2', 'v3']) {
      this.route('execute', 'POST', `/api/apiKey/${version}/execute`, (req) => this.execute(req))
      this.route(
        'report',
        'GET',
        `/api/apiKey/${version}/test-targets/:target/test-reports/:report`,
        (req) => this.report(req)
      )
      this.route(
        'test-reports',
        'GET',
        `/api/apiKey/${version}/test-targets/:target/test-reports`,
        (req) => this.authorized(req) ?? this.reportList(req)
      )
      this.route(
        'test-cases',
        'GET',
        `/api/apiKey/${version}/test-targets/:target/test-cases`,
        (req) => this.authorized(req) ?? this.testCases(req)
      )
    }
  }

  private authorized(req: RouteRequest): Reply | undefined {
    return req.headers['x-api-key'] === this.options.apiKey
      ? undefined
      : { status: 401, body: 'Invalid or missing API key' }
  }

  private execute(req: RouteRequest): Reply {
    const denied = this.authorized(req)
    if (denied) return denied
    const parsed = executeRequestSchema.safeParse(req.body)
    if (!parsed.success) return { status: 400, body: zodResponse(parsed.error) }
    const selection = this.selection(parsed.data.testCaseVersionIds)
    if ('issues' in selection) return { status: 400, body: selection.issues }
    const id = randomUUID()
    const stored: StoredReport = {
      id,
      testTargetId: parsed.data.testTargetId,
      request: parsed.data,
      script: this.options.script,
      selected:
        selection.cases && (this.options.selectionRuns?.(selection.cases) ?? selection.cases),
      polls: 0,
      createdAt: this.now(),
      resultIds: []
    }
    this.reports.set(id, stored)
    const body = {
      testReportUrl: executeResponseSchema.shape.testReportUrl.parse(
        `${req.baseUrl}/testreports/${id}`
      ),
      testReport: this.snapshot(stored, 0)
    }
    return { status: 200, body }
  }

  /**
   * `testCaseVersionIds` [spec L1566] runs those versions only. The spec does not say what an
   * unknown version does; the simulator refuses it with a 400 in the spec's ZodResponse shape
   * (inferred), so a client that sends test-case ids or result ids where versions belong fails
   * loudly here.
   */
  private selection(
    versionIds: readonly string[] | undefined
  ): { cases?: ReadonlySet<string> } | { issues: Record<string, unknown>[] } {
    if (versionIds === undefined) return {}
    const caseOf = new Map(this.options.testCases.map((c) => [versionIdOf(c), c.id]))
    const issues = versionIds.flatMap((versionId, i) =>
      caseOf.has(versionId)
        ? []
        : [
            {
              code: 'custom',
              path: ['testCaseVersionIds', String(i)],
              message: `Test case version ${versionId} not found`
            }
          ]
    )
    if (issues.length > 0) return { issues }
    return { cases: new Set(versionIds.map((versionId) => caseOf.get(versionId) ?? '')) }
  }

  private report(req: RouteRequest): Reply {
    const denied = this.authorized(req)
    if (denied) return denied
    const stored = this.reports.get(req.params.report ?? '')
    if (!stored || stored.testTargetId !== req.params.target) {
      return { status: 404, body: { status: 'error', error: 'Test report not found' } }
    }
    stored.polls++
    return { status: 200, body: this.snapshot(stored, stored.polls) }
  }

  private now(): number {
    return this.options.timeline?.now() ?? Date.now()
  }

  /** getTestReports: this target's reports, newest first; the spec's only query is key and filter. */
  private reportList(req: RouteRequest): Reply {
    const unknown = [...req.query.keys()].filter((key) => key !== 'key' && key !== 'filter')
    if (unknown.length > 0)
      return {
        status: 400,
        body: unknown.map((key) => ({ path: [key], message: 'Unrecognized key' }))
      }
    const ours = [...this.reports.values()]
      .filter((stored) => stored.testTargetId === req.params.target)
      .reverse()
      .map((stored) => this.snapshot(stored, stored.polls))
    const earlier = (this.options.history ?? []).map((past, i) =>
      this.pastReport(req, typeof past === 'number' ? { durationMs: past } : past, i)
    )
    const schema = testReportListSchema.extend({ data: z.array(this.reportSchema()) })
    const body = schema.parse({ data: [...ours, ...earlier], hasNextPage: false })
    return { status: 200, body }
  }

  /** An earlier finished report of the target, an hour apart from the next. */
  private pastReport(req: RouteRequest, past: PastReport, i: number): unknown {
    const createdAt = this.now() - (i + 1) * 3_600_000
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
    const updatedAt = new Date(createdAt + past.durationMs).toISOString()
    return {
      id,
      testTargetId: req.params.target,
      createdAt: new Date(createdAt).toISOString(),
      updatedAt,
      executionUrl: 'https://preview.shop.example/',
      status: 'PASSED',
      context: { source: 'github', sha: 'abc123' },
      ...(past.browser ? { browser: past.browser } : {}),
      ...(past.breakpoint ? { breakpoint: past.breakpoint } : {}),
      testResults: Array.from({ length: past.tests ?? 0 }, () => ({
        id: randomUUID(),
        testTargetId: req.params.target,
        testReportId: id,
        updatedAt,
        status: 'PASSED'
      }))
    }
  }

  private testCases(req: RouteRequest): Reply {
    const body = this.options.testCases.map((c) =>
      testCaseSchema.parse({
        version: '1',
        id: c.id,
        testTargetId: req.params.target,
        description: c.description,
        status: 'ENABLED',
        runStatus: 'ON',
        tags: []
      })
    )
    return { status: 200, body }
  }

  /** Answers are checked against the contract: a simulator that drifts from it fails loudly. */
  private reportSchema(): typeof testReportSchema | typeof legacyReportSchema {
    return (this.options.shape ?? 'v3') === 'v3' ? testReportSchema : legacyReportSchema
  }

  private snapshot(stored: StoredReport, index: number): unknown {
    const timeline = this.options.timeline
    const scripted = timeline
      ? timeline.stepAt(this.now() - stored.createdAt)
      : (stored.script[Math.min(index, stored.script.length - 1)] ?? {
          status: 'WAITING',
          results: []
        })
    const selected = stored.selected
    const step = selected
      ? { ...scripted, results: scripted.results.filter((r) => selected.has(r.testCaseId)) }
      : scripted
    const at = (offsetS: number): string =>
      new Date(stored.createdAt + offsetS * 1000).toISOString()
    const body = {
      id: stored.id,
      testTargetId: stored.testTargetId,
      createdAt: at(0),
      updatedAt: at(index * 10),
      executionUrl: stored.request.url,
      status: step.status,
      context: stored.request.context,
      breakpoint: stored.request.breakpoint ?? 'DESKTOP',
      browser: stored.request.browser ?? 'CHROMIUM',
      testResults: step.results.map((result, i) => this.result(stored, result, i, at))
    }
    return this.reportSchema().parse(body)
  }

  private result(
    stored: StoredReport,
    result: OctomindResultState,
    i: number,
    at: (offsetS: number) => string
  ): Record<string, unknown> {
    const done = result.status !== 'WAITING'
    const testCase = this.options.testCases.find((c) => c.id === result.testCaseId)
    const shape = this.options.shape ?? 'v3'
    const id = (stored.resultIds[i] ??= randomUUID())
    return {
      id,
      testTargetId: stored.testTargetId,
      testReportId: stored.id,
      ...(shape === 'v3'
        ? { testCaseVersionId: testCase ? versionIdOf(testCase) : randomUUID() }
        : { testCaseId: result.testCaseId }),
      ...(shape === 'v2' && testCase ? { name: testCase.description } : {}),
      createdAt: at(0),
      updatedAt: at(done ? 5 + i : 0),
      status: result.status,
      errorMessage: result.errorMessage ?? null,
      traceUrl: done ? `https://storage.example.test/traces/${id}-trace.zip` : null
    }
  }
}

/** Octomind's 400 body: the zod issues of the request, each with its path and message. */
function zodResponse(error: z.ZodError): Record<string, unknown>[] {
  return error.issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map(String),
    message: issue.message
  }))
}

/** A run of the given tests: all waiting, then half finished, then every final status. */
export function scriptedRun(
  finals: OctomindResultState[],
  options: { reportStatus?: string; waitingPolls?: number } = {}
): OctomindStep[] {
  const waiting = finals.map((result) => ({ testCaseId: result.testCaseId, status: 'WAITING' }))
  const half = finals.map((result, i) =>
    i < finals.length / 2 ? result : { testCaseId: result.testCaseId, status: 'WAITING' }
  )
  const reportStatus =
    options.reportStatus ??
    (finals.every((result) => result.status === 'PASSED') ? 'PASSED' : 'FAILED')
  const waitingSteps = Array.from({ length: options.waitingPolls ?? 1 }, () => ({
    status: 'WAITING',
    results: waiting
  }))
  return [
    ...waitingSteps,
    { status: 'WAITING', results: half },
    { status: reportStatus, results: finals }
  ]
}

export function sampleTestCases(count: number): OctomindTestCase[] {
  const titles = [
    'User can log in',
    'Checkout with a saved card',
    'Search shows results',
    'Profile page loads',
    'Sign out ends the session'
  ]
  return Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    description:
      titles[i % titles.length] +
      (i >= titles.length ? ` (${Math.floor(i / titles.length) + 1})` : '')
  }))
}

/** The inputs of an Octomind step aimed at a simulator: what every e2e file starts from. */
export function octomindInputs(
  simulator: { url: string } | undefined,
  ids: { apiKey: string; targetId: string; githubToken: string }
): Record<string, string> {
  return {
    provider: 'octomind',
    'api-key': ids.apiKey,
    'api-url': simulator?.url ?? '',
    'target-id': ids.targetId,
    url: 'https://preview.shop.example',
    'poll-interval-seconds': '1',
    'github-token': ids.githubToken
  }
}
