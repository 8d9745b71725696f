import type { z } from 'zod'
import {
  LIST_QUERY_PARAMS,
  listItemSchema,
  listResponseSchema,
  RUN_STATES,
  summaryDetailSchema,
  triggerRequestSchema,
  triggerResponse
} from '../contracts/empirical.js'
import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * Empirical's test-run API: trigger (PUT), the run list filtered by id (state and counts), the
 * single run with its per-test summary, and cancel. Requests and answers are checked against the
 * contract in ../contracts/empirical.ts. Each run walks through scripted states, one per read of
 * the list.
 */

export interface EmpiricalTest {
  name: string
  status: string
  snoozed?: boolean
}

export interface EmpiricalOptions {
  apiKey: string
  environments: string[]
  projectSlug: string
  states: string[]
  tests: EmpiricalTest[]
  /** Leave `state` out of list items, as the newer schema's example does. */
  omitStateInList?: boolean
  errorCode?: string
  /** Tests the single run's per-test list leaves out, though the run's counts include them. */
  hideFromDetails?: string[]
  /**
   * Tests the run's `total_count` has and none of its outcome counts does: the reference does not
   * say the counts always add up.
   */
  unaccounted?: number
  /**
   * The project's earlier ended runs, newest first: durations (ms), by default in its first
   * environment with this run's tests, or where and how many tests each ran.
   */
  history?: (number | EarlierRun)[]
}

/** An earlier ended run: its duration (ms), environment slug and `total_count`. */
export interface EarlierRun {
  duration: number
  environment?: string
  tests?: number
}

/** A test as one run has it: its Playwright test id stays the same in every run. */
interface RunTest extends EmpiricalTest {
  pwTestId: string
}

interface StoredRun {
  id: number
  body: z.infer<typeof triggerRequestSchema>
  /** The run's tests, fixed when it was triggered: a test may script the next run differently. */
  tests: RunTest[]
  reads: number
  cancelled: boolean
  createdAt: string
}

const TERMINAL = ['ended', 'error', 'cancelled']
/** Playwright's outcomes that fail a test; a re-run of failed tests runs these again. */
const FAILING = ['failed', 'timedOut', 'interrupted']

function pwTestIdOf(index: number): string {
  return `a30a6eba6312f6b87ea5-${String(index).padStart(20, '0')}`
}

export class EmpiricalSimulator extends SimServer {
  readonly runs = new Map<number, StoredRun>()
  private nextId = 456

  constructor(readonly options: EmpiricalOptions) {
    super()
    this.route('trigger', 'PUT', '/api/test-runs', (req) =>
      this.guard(req, () => this.trigger(req))
    )
    this.route('list', 'GET', '/api/test-runs', (req) => this.guard(req, () => this.list(req)))
    this.route('run', 'GET', '/api/test-runs/:id', (req) => this.guard(req, () => this.single(req)))
    this.route('cancel', 'POST', '/api/test-runs/:id/cancel', (req) =>
      this.guard(req, () => this.cancel(req))
    )
  }

  private guard(req: RouteRequest, handle: () => Reply): Reply {
    return req.headers.authorization === `Bearer ${this.options.apiKey}`
      ? handle()
      : { status: 401, body: { error: 'Unauthorized' } }
  }

  private trigger(req: RouteRequest): Reply {
    const parsed = triggerRequestSchema.safeParse(req.body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return { status: 400, body: { error: `${issue?.path.join('.')}: ${issue?.message}` } }
    }
    const body = parsed.data
    if (!this.options.environments.includes(body.environment)) {
      return {
        status: 400,
        body: {
          error: `Unknown environment "${body.environment}". Available: ${this.options.environments.join(', ')}`
        }
      }
    }
    const tests = this.testsOf(body)
    if ('error' in tests) return { status: 400, body: { error: tests.error } }
    const id = this.nextId++
    const createdAt = '2026-06-01T12:00:00.000Z'
    this.runs.set(id, { id, body, tests, reads: 0, cancelled: false, createdAt })
    return { status: 200, body: triggerResponse(id, createdAt) }
  }

  /**
   * What a run runs: every scripted test, or for a re-run [reference: `rerun_source_id`,
   * `rerun_only_failed`] the source run's tests, only its failed ones when asked, each with the
   * outcome the script now gives it. inferred (the reference describes neither): a re-run needs
   * an existing, finished source run, and `rerun_only_failed` a source.
   */
  private testsOf(body: z.infer<typeof triggerRequestSchema>): RunTest[] | { error: string } {
    const current = this.options.tests
    if (body.rerun_source_id === undefined) {
      if (body.rerun_only_failed) return { error: 'rerun_only_failed: needs rerun_source_id' }
      return current.map((test, i) => ({ ...test, pwTestId: pwTestIdOf(i) }))
    }
    const source = this.runs.get(body.rerun_source_id)
    if (!source) return { error: `rerun_source_id: test run ${body.rerun_source_id} not found` }
    if (!TERMINAL.includes(this.state(source)))
      return { error: `rerun_source_id: test run ${source.id} has not finished` }
    const chosen = body.rerun_only_failed
      ? source.tests.filter((test) => FAILING.includes(test.status))
      : source.tests
    return chosen.map((test) => ({
      ...test,
      ...current.find((now) => now.name === test.name),
      pwTestId: test.pwTestId
    }))
  }

  private state(run: StoredRun): string {
    if (run.cancelled) return 'cancelled'
    const states = this.options.states
    return states[Math.min(Math.max(run.reads - 1, 0), states.length - 1)] ?? 'queued'
  }

  private counts(run: StoredRun) {
    const state = this.state(run)
    const tests = run.tests
    const done = TERMINAL.includes(state)
      ? tests
      : state === 'started'
        ? tests.slice(0, Math.floor(tests.length / 2))
        : []
    const n = (status: string, snoozed?: boolean) =>
      done.filter(
        (test) =>
          test.status === status && (snoozed === undefined || Boolean(test.snoozed) === snoozed)
      ).length
    const failed = n('failed') + n('timedOut') + n('interrupted')
    const snoozed = n('failed', true)
    return {
      total_count: tests.length + (this.options.unaccounted ?? 0),
      success_count: n('passed') + n('flaky'),
      failed_count: failed,
      failed_count_after_snoozing: failed - snoozed,
      snoozed_count: snoozed,
      skipped_count: n('skipped'),
      flaky_count: n('flaky')
    }
  }

  /** The run list [reference]: unknown query parameters and bad values are refused. */
  private list(req: RouteRequest): Reply {
    const unknown = [...req.query.keys()].filter((key) => !LIST_QUERY_PARAMS.includes(key))
    const perPage = Number(req.query.get('per_page') ?? 20)
    const state = req.query.get('state')
    if (unknown.length > 0)
      return { status: 400, body: { error: `Unknown query: ${unknown.join(', ')}` } }
    if (!(perPage >= 1 && perPage <= 100))
      return { status: 400, body: { error: 'per_page: 1–100' } }
    if (state && !(RUN_STATES as readonly string[]).includes(state))
      return { status: 400, body: { error: `Unknown state "${state}"` } }
    const id = Number(req.query.get('id'))
    const runs = [...this.runs.values()].filter((run) => !req.query.get('id') || run.id === id)
    // A read of one run moves its script on; a listing of recent runs does not.
    if (req.query.get('id')) for (const run of runs) run.reads++
    const items = [...runs.reverse().map((run) => this.item(run)), ...this.earlierRuns()]
      .filter((item) => !state || item.state === state)
      .slice(0, perPage)
    const body = listResponseSchema.parse({
      data: {
        project: { id: 4, name: 'Shop', slug: this.options.projectSlug, repo_name: 'shop-tests' },
        test_runs: { items }
      },
      pagination: { page: 1, per_page: perPage, total: items.length, total_pages: 1 }
    })
    if (this.options.omitStateInList)
      for (const item of body.data.test_runs.items) delete item.state
    return { status: 200, body }
  }

  private item(run: StoredRun) {
    return listItemSchema.parse({
      id: run.id,
      state: this.state(run),
      ...this.counts(run),
      duration: 120000,
      environment_slug: run.body.environment,
      created_at: run.createdAt
    })
  }

  /** Earlier ended runs, an hour apart, from options.history. */
  private earlierRuns() {
    return (this.options.history ?? []).map((earlier, i) => {
      const run = typeof earlier === 'number' ? { duration: earlier } : earlier
      const tests = run.tests ?? this.options.tests.length
      return listItemSchema.parse({
        id: 100 + i,
        state: 'ended',
        total_count: tests,
        success_count: tests,
        failed_count: 0,
        skipped_count: 0,
        flaky_count: 0,
        duration: run.duration,
        environment_slug: run.environment ?? this.options.environments[0],
        created_at: new Date(Date.parse('2026-06-01T11:00:00.000Z') - i * 3_600_000).toISOString()
      })
    })
  }

  private single(req: RouteRequest): Reply {
    const run = this.runs.get(Number(req.params.id))
    if (!run) return { status: 404, body: { error: 'Test run not found' } }
    if (this.options.omitStateInList) run.reads++
    const state = this.state(run)
    const finished = TERMINAL.includes(state)
    return {
      status: 200,
      body: {
        data: {
          test_run: {
            testRun: {
              id: run.id,
              run_id: 1234567890123,
              state,
              total_count: run.tests.length,
              ...(state === 'error' && this.options.errorCode
                ? { error_code: this.options.errorCode }
                : {})
            },
            flattenedSummaryDetails: finished
              ? this.visibleTests(run).map((test, i) =>
                  summaryDetailSchema.parse({
                    name: test.name,
                    pw_test_id: test.pwTestId,
                    status: test.status,
                    slug: test.status === 'failed' ? `diag-${i}` : null,
                    snooze_info: test.snoozed ? [{ until: '2026-07-01' }] : []
                  })
                )
              : []
          }
        }
      }
    }
  }

  private visibleTests(run: StoredRun): RunTest[] {
    const hidden = new Set(this.options.hideFromDetails ?? [])
    return run.tests.filter((test) => !hidden.has(test.name))
  }

  private cancel(req: RouteRequest): Reply {
    const run = this.runs.get(Number(req.params.id))
    if (!run) return { status: 404, body: { error: 'Test run not found' } }
    if (TERMINAL.includes(this.state(run)))
      return { status: 412, body: { error: 'Test run already finished' } }
    run.cancelled = true
    return { status: 200, body: { message: 'Test run cancelled successfully' } }
  }
}
