import { randomUUID } from 'node:crypto'
import {
  DETAIL_QUERY_PARAMS,
  errorEnvelope,
  executeRequestSchema,
  executeResponseSchema,
  executionDetailSchema,
  executionsPage,
  executionsPageSchema,
  scenariosPageSchema,
  unknownFieldsError
} from '../contracts/futureagi.js'
import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * Future AGI's run-test API as its server code answers (see ../contracts/futureagi.ts): execute a
 * run test (snake_case body, unknown fields refused, `select_all` ignored), list its scenarios,
 * read an execution page by page (unknown query parameters refused), cancel. Only the key pair
 * authenticates. Every answer is checked against the contract before it is sent. Each execution
 * walks through scripted steps, one per read of page 1.
 */

export interface FutureAgiEval {
  name: string
  /** "Pass/Fail" answers Passed or Failed; "score" a number. */
  type: 'Pass/Fail' | 'score'
  value: string | number
  reason?: string
  error?: boolean
}

export interface FutureAgiScenario {
  id: string
  name: string
  calls: number
  /** How each of its calls ends. */
  outcome: {
    status: string
    evals?: FutureAgiEval[]
    /** The CSAT evaluator's 1–10, or where it failed the 0/1 fallback (see the contract). */
    overall_score?: number
    /** conversation_metrics_data's CSAT, set on chat and SDK calls only. */
    csat_score?: number
    transcript?: { speaker_role: string; content: string }[]
    audio_url?: string
    ended_reason?: string
  }
  /** How the call at each index ends, where it differs from `outcome` (a dataset row of its own). */
  callOutcomes?: (FutureAgiScenario['outcome'] | undefined)[]
  /**
   * A scenario of several calls is a dataset, one call per row: each row's `situation` value
   * (default "Situation <n> of <name>"). A call carries its row's values as `scenario_columns`.
   */
  rows?: string[]
}

export interface FutureAgiStep {
  status: string
  calls: 'pending' | 'ongoing' | 'final'
}

export interface FutureAgiOptions {
  apiKey: string
  apiSecret: string
  runTestId: string
  scenarios: FutureAgiScenario[]
  steps: FutureAgiStep[]
  /**
   * The run test's earlier completed executions, newest first: durations (s), or durations and
   * how many calls each placed (default: the contract fixture's).
   */
  history?: (number | { duration: number; calls: number })[]
  /** The first execution starts its dataset rows in reverse, then every other one does. */
  firstRowsReversed?: boolean
  /** What the run test runs: a prompt (history durations are an execution's length) or an agent. */
  sourceType?: 'prompt' | 'agent_definition'
}

interface StoredExecution {
  id: string
  body: Record<string, unknown>
  scenarios: FutureAgiScenario[]
  /** Call ids, new for every execution as the server's are. */
  callIds: string[]
  /**
   * A dataset scenario's calls start at once, in no fixed order [server]: every other execution
   * starts its rows in reverse, so an order one run had is never the next one's.
   */
  rowsReversed: boolean
  reads: number
  cancelled: boolean
}

const DATASET_ID = 'da7a5e70-0000-4000-8000-000000000001'
const SITUATION_COLUMN = 'da7a5e70-0000-4000-8000-00000000c001'

const EVAL_CONFIG_PREFIX = '5d2c1b0a-0000-4000-8000-'

export class FutureAgiSimulator extends SimServer {
  readonly executions = new Map<string, StoredExecution>()

  constructor(readonly options: FutureAgiOptions) {
    super()
    this.route('execute', 'POST', '/simulate/run-tests/:id/execute/', (req) =>
      this.guard(req, () => this.execute(req))
    )
    this.route('scenarios', 'GET', '/simulate/run-tests/:id/scenarios/', (req) =>
      this.guard(req, () => this.scenarios(req))
    )
    this.route('executions', 'GET', '/simulate/run-tests/:id/executions/', (req) =>
      this.guard(req, () => this.executionList(req))
    )
    this.route('execution', 'GET', '/simulate/test-executions/:id/', (req) =>
      this.guard(req, () => this.read(req))
    )
    this.route('cancel', 'POST', '/simulate/test-executions/:id/cancel/', (req) =>
      this.guard(req, () => this.cancel(req))
    )
  }

  /** The key pair only: a Bearer header is read as a user's login token, which an API key is not. */
  private guard(req: RouteRequest, handle: () => Reply): Reply {
    const { apiKey, apiSecret } = this.options
    const ok = req.headers['x-api-key'] === apiKey && req.headers['x-secret-key'] === apiSecret
    return ok
      ? handle()
      : {
          status: 401,
          body: errorEnvelope(401, 'Authentication credentials were not provided.')
        }
  }

  /** RunTestExecutionsView: earlier executions, filtered by the stored (lower-case) status. */
  private executionList(req: RouteRequest): Reply {
    if (req.params.id !== this.options.runTestId)
      return { status: 404, body: errorEnvelope(404, 'Run test not found.') }
    const status = req.query.get('status')
    const limit = Number(req.query.get('limit') ?? 10)
    const items = (this.options.history ?? [])
      .map((earlier, i) =>
        this.executionItem(typeof earlier === 'number' ? { duration: earlier } : earlier, i)
      )
      .filter((item) => !status || item.status?.toLowerCase() === status)
      .slice(0, limit)
    const body = executionsPageSchema.parse({
      count: items.length,
      next: null,
      previous: null,
      results: items,
      total_pages: 1,
      current_page: 1
    })
    return { status: 200, body }
  }

  private executionItem(earlier: { duration: number; calls?: number }, i: number) {
    const fixture = executionsPage.results[0]
    return {
      ...fixture,
      id: `7b1e2c4a-5d6f-4a8b-9c0d-${String(i).padStart(12, '0')}`,
      duration: earlier.duration,
      calls: earlier.calls ?? fixture?.calls,
      source_type: this.options.sourceType ?? 'prompt'
    }
  }

  private execute(req: RouteRequest): Reply {
    if (req.params.id !== this.options.runTestId)
      return { status: 404, body: errorEnvelope(404, 'Run test not found') }
    const body = (req.body ?? {}) as Record<string, unknown>
    const declared = Object.keys(executeRequestSchema.shape)
    const unknown = Object.keys(body).filter((key) => !declared.includes(key))
    if (unknown.length > 0) return { status: 400, body: unknownFieldsError(unknown) }
    const parsed = executeRequestSchema.safeParse(body)
    if (!parsed.success)
      return { status: 400, body: errorEnvelope(400, parsed.error.issues[0]?.message ?? '') }
    // The view runs exactly scenario_ids when given, every scenario otherwise; select_all is not read.
    // Ids that are not the run test's scenarios pass the view's gate ("silently ignored",
    // simulate/utils/scenario_completeness.py) and are left to the executor: none of them runs.
    // A re-run's selection is read from `executions` (each keeps the body it was sent).
    const ids = parsed.data.scenario_ids ?? []
    const scenarios =
      ids.length === 0
        ? this.options.scenarios
        : this.options.scenarios.filter((scenario) => ids.includes(scenario.id))
    if (scenarios.length === 0)
      return {
        status: 400,
        body: errorEnvelope(400, 'At least one scenario is required to execute the test.')
      }
    const id = randomUUID()
    const callCount = scenarios.reduce((sum, scenario) => sum + scenario.calls, 0)
    this.executions.set(id, {
      id,
      body,
      scenarios,
      callIds: Array.from({ length: callCount }, () => randomUUID()),
      rowsReversed: (this.executions.size % 2 === 1) !== (this.options.firstRowsReversed ?? false),
      reads: 0,
      cancelled: false
    })
    const answer = executeResponseSchema.parse({
      message: 'Test execution started successfully',
      execution_id: id,
      run_test_id: this.options.runTestId,
      status: 'started',
      total_scenarios: scenarios.length,
      total_calls: 0,
      scenario_ids: scenarios.map((scenario) => scenario.id)
    })
    return { status: 200, body: answer }
  }

  private scenarios(req: RouteRequest): Reply {
    if (req.params.id !== this.options.runTestId)
      return { status: 404, body: errorEnvelope(404, 'Run test not found') }
    const all = this.options.scenarios.map((scenario) => ({
      id: scenario.id,
      name: scenario.name,
      row_count: scenario.calls > 1 ? scenario.calls : 0
    }))
    return { status: 200, body: scenariosPageSchema.parse(page(req, all, 10)) }
  }

  private read(req: RouteRequest): Reply {
    const unknown = [...req.query.keys()].filter((key) => !DETAIL_QUERY_PARAMS.includes(key))
    if (unknown.length > 0) return { status: 400, body: unknownFieldsError(unknown) }
    const execution = this.executions.get(req.params.id ?? '')
    if (!execution) return { status: 404, body: errorEnvelope(404, 'Not found.') }
    if (Number(req.query.get('page') ?? 1) === 1) execution.reads++
    const step = this.step(execution)
    // The view pages calls newest-updated first.
    const calls = this.calls(execution, step).reverse()
    const body = {
      ...page(req, calls, 30),
      column_order: [],
      error_messages: [],
      status: step.status,
      provider: 'vapi',
      agent_type: 'voice'
    }
    return { status: 200, body: executionDetailSchema.parse(body) }
  }

  private step(execution: StoredExecution): FutureAgiStep {
    if (execution.cancelled) return { status: 'cancelled', calls: 'final' }
    const steps = this.options.steps
    return (
      steps[Math.min(execution.reads - 1, steps.length - 1)] ?? {
        status: 'pending',
        calls: 'pending'
      }
    )
  }

  private calls(execution: StoredExecution, step: FutureAgiStep): Record<string, unknown>[] {
    let n = 0
    return execution.scenarios.flatMap((scenario) => {
      const first = n
      return Array.from({ length: scenario.calls }, (_, c) => {
        const index = n++
        const started = first + (execution.rowsReversed ? scenario.calls - 1 - c : c)
        const base = {
          id: execution.callIds[index],
          status: step.calls === 'pending' ? 'pending' : 'ongoing',
          duration: null,
          start_time: `2026-08-01T09:00:${String(started % 60).padStart(2, '0')}Z`,
          timestamp: `2026-08-01T09:0${1 + (index % 8)}:00Z`,
          scenario: scenario.name,
          scenario_id: scenario.id,
          scenario_columns: scenarioColumns(scenario, c),
          overall_score: null,
          csat_score: null,
          audio_url: null,
          eval_outputs: {},
          ended_reason: null,
          test_execution_id: execution.id,
          transcript: []
        }
        return step.calls === 'final' ? { ...base, ...finalCall(scenario, c) } : base
      })
    })
  }

  /** Like the server, cancel does not look at the state: a finished execution is overwritten too. */
  private cancel(req: RouteRequest): Reply {
    const execution = this.executions.get(req.params.id ?? '')
    if (!execution) return { status: 404, body: errorEnvelope(404, 'Test execution not found') }
    execution.cancelled = true
    return {
      status: 200,
      body: {
        success: true,
        message: 'Test execution cancellation initiated',
        test_execution_id: execution.id
      }
    }
  }
}

/** A call's dataset row [server: get_scenario_columns]: `{}` for a scenario of one call. */
function scenarioColumns(scenario: FutureAgiScenario, row: number): Record<string, unknown> {
  if (scenario.calls < 2) return {}
  const value = scenario.rows?.[row] ?? `Situation ${row + 1} of ${scenario.name}`
  return {
    situation: {
      value,
      visible: true,
      dataset_column_id: SITUATION_COLUMN,
      dataset_id: DATASET_ID,
      column_name: 'situation',
      data_type: 'text'
    }
  }
}

function finalCall(scenario: FutureAgiScenario, callIndex: number): Record<string, unknown> {
  const { evals = [], ...outcome } = scenario.callOutcomes?.[callIndex] ?? scenario.outcome
  return {
    duration: 42 + callIndex,
    overall_score: outcome.overall_score ?? null,
    csat_score: outcome.csat_score ?? null,
    audio_url: outcome.audio_url ?? null,
    ended_reason: outcome.ended_reason ?? 'customer-ended-call',
    transcript: outcome.transcript ?? [],
    status: outcome.status,
    eval_outputs: Object.fromEntries(
      evals.map((e, i) => [
        `${EVAL_CONFIG_PREFIX}${String(i).padStart(12, '0')}`,
        {
          value: e.value,
          reason: e.reason ?? '',
          type: e.type,
          name: e.name,
          error: e.error ?? false,
          status: e.error ? 'error' : 'completed',
          skipped: false
        }
      ])
    )
  }
}

/** ExtendedPageNumberPagination: `page` and `limit`, with total_pages and current_page added. */
function page<T>(req: RouteRequest, all: T[], defaultSize: number): Record<string, unknown> {
  const size = Number(req.query.get('limit') ?? defaultSize)
  const number = Number(req.query.get('page') ?? 1)
  const url = (n: number): string => {
    const next = new URL(req.baseUrl)
    next.searchParams.set('page', String(n))
    next.searchParams.set('limit', String(size))
    return next.href
  }
  return {
    count: all.length,
    next: number * size < all.length ? url(number + 1) : null,
    previous: number > 1 ? url(number - 1) : null,
    results: all.slice((number - 1) * size, number * size),
    total_pages: Math.max(1, Math.ceil(all.length / size)),
    current_page: number
  }
}
