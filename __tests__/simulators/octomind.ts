import { randomUUID } from 'node:crypto'
import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * Octomind's public API as documented (v3, with the v2 paths still served): execute, poll a test
 * report, list test cases. Each report walks through a scripted list of states, one per poll.
 */

export interface OctomindTestCase {
  id: string
  description: string
}

export interface OctomindResultState {
  testCaseId: string
  status: string
  errorMessage?: string
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
   * What a result names its test by: 'v3' testCaseVersionId (2026-01 spec), 'v3-case' testCaseId
   * (2025-10 spec), 'v2' testCaseId plus a human name.
   */
  shape?: 'v3' | 'v3-case' | 'v2'
}

interface StoredReport {
  id: string
  testTargetId: string
  request: Record<string, unknown>
  polls: number
  createdAt: number
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
        'test-cases',
        'GET',
        `/api/apiKey/${version}/test-targets/:target/test-cases`,
        (req) =>
          this.authorized(req) ?? {
            status: 200,
            body: this.options.testCases.map((c) => ({
              ...c,
              testTargetId: req.params.target,
              status: 'ENABLED',
              runStatus: 'ON',
              tags: []
            }))
          }
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
    const body = req.body as Record<string, unknown>
    const issues = validateExecute(body)
    if (issues.length > 0) return { status: 400, body: issues }
    const id = randomUUID()
    const stored: StoredReport = {
      id,
      testTargetId: String(body.testTargetId),
      request: body,
      polls: 0,
      createdAt: Date.now()
    }
    this.reports.set(id, stored)
    return {
      status: 200,
      body: {
        testReportUrl: `${req.baseUrl}/testreports/${id}`,
        testReport: this.snapshot(stored, 0)
      }
    }
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

  private snapshot(stored: StoredReport, index: number): Record<string, unknown> {
    const script = this.options.script
    const step = script[Math.min(index, script.length - 1)] ?? { status: 'WAITING', results: [] }
    const shape = this.options.shape ?? 'v3'
    const at = (offsetS: number): string =>
      new Date(stored.createdAt + offsetS * 1000).toISOString()
    return {
      id: stored.id,
      testTargetId: stored.testTargetId,
      createdAt: at(0),
      updatedAt: at(index * 10),
      executionUrl: stored.request.url,
      status: step.status,
      context: stored.request.context,
      breakpoint: stored.request.breakpoint ?? 'DESKTOP',
      browser: stored.request.browser ?? 'CHROMIUM',
      testResults: step.results.map((result, i) => {
        const done = result.status !== 'WAITING'
        const testCase = this.options.testCases.find((c) => c.id === result.testCaseId)
        return {
          id: `${stored.id.slice(0, 8)}-result-${i}`,
          testTargetId: stored.testTargetId,
          testReportId: stored.id,
          ...(shape === 'v3'
            ? { testCaseVersionId: `${result.testCaseId}-v1` }
            : { testCaseId: result.testCaseId }),
          ...(shape === 'v2' && testCase ? { name: testCase.description } : {}),
          createdAt: at(0),
          updatedAt: at(done ? 5 + i : 0),
          status: result.status,
          errorMessage: result.errorMessage ?? null,
          traceUrl: done ? `https://storage.example.test/traces/${stored.id}-${i}-trace.zip` : null,
          someFieldFromTheFuture: { nested: true }
        }
      })
    }
  }
}

/** The 400 answer: a list of zod issues, as Octomind sends it. */
function validateExecute(body: unknown): Record<string, unknown>[] {
  const issues: Record<string, unknown>[] = []
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const expect = (key: string, type: string): void => {
    if (typeof record[key] !== type) {
      issues.push({
        code: 'invalid_type',
        expected: type,
        received: typeof record[key],
        path: [key],
        message: `Required ${type} at ${key}`
      })
    }
  }
  expect('testTargetId', 'string')
  expect('url', 'string')
  expect('context', 'object')
  if (record.variablesToOverwrite !== undefined) {
    const values = Object.values(record.variablesToOverwrite as Record<string, unknown>)
    if (!values.every((value) => Array.isArray(value))) {
      issues.push({
        code: 'invalid_type',
        expected: 'array',
        path: ['variablesToOverwrite'],
        message: 'Expected array, received string'
      })
    }
  }
  return issues
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
