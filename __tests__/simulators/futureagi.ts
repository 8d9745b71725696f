import { randomUUID } from 'node:crypto'
import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * Future AGI's run-test API as documented: execute a run test, read the test execution with its
 * calls (paginated), cancel. Each execution walks through scripted steps, one per read of page 1.
 */

export interface FutureAgiScenario {
  id: string
  name: string
  calls: number
  /** How each of its calls ends. */
  outcome: {
    status: string
    eval_outputs?: unknown
    overall_score?: number
    transcript?: unknown
    recording_url?: string
  }
}

export interface FutureAgiStep {
  status: string
  calls: 'pending' | 'ongoing' | 'final'
}

export interface FutureAgiOptions {
  apiKey: string
  /** When set, X-Api-Key + X-Secret-Key are required; else Bearer <apiKey>. */
  apiSecret?: string
  runTestId: string
  scenarios: FutureAgiScenario[]
  steps: FutureAgiStep[]
  /** How the calls list is wrapped: a plain array, or {count, next, previous, results}. */
  envelope?: 'array' | 'paged'
}

interface StoredExecution {
  id: string
  body: Record<string, unknown>
  scenarios: FutureAgiScenario[]
  reads: number
  cancelled: boolean
}

export class FutureAgiSimulator extends SimServer {
  readonly executions = new Map<string, StoredExecution>()

  constructor(readonly options: FutureAgiOptions) {
    super()
    this.route('execute', 'POST', '/simulate/run-tests/:id/execute/', (req) =>
      this.guard(req, () => this.execute(req))
    )
    this.route('execution', 'GET', '/simulate/test-executions/:id/', (req) =>
      this.guard(req, () => this.read(req))
    )
    this.route('cancel', 'POST', '/simulate/test-executions/:id/cancel/', (req) =>
      this.guard(req, () => this.cancel(req))
    )
  }

  private guard(req: RouteRequest, handle: () => Reply): Reply {
    const { apiKey, apiSecret } = this.options
    const ok = apiSecret
      ? req.headers['x-api-key'] === apiKey && req.headers['x-secret-key'] === apiSecret
      : req.headers.authorization === `Bearer ${apiKey}`
    return ok
      ? handle()
      : {
          status: 401,
          body: { detail: 'Authentication credentials were not provided or are invalid.' }
        }
  }

  private execute(req: RouteRequest): Reply {
    if (req.params.id !== this.options.runTestId)
      return { status: 404, body: { detail: 'Run test not found.' } }
    const body = (req.body ?? {}) as {
      selectAll?: unknown
      scenarioIds?: unknown
      simulatorId?: unknown
    }
    if (typeof body.selectAll !== 'boolean' || !Array.isArray(body.scenarioIds)) {
      return {
        status: 400,
        body: { detail: 'selectAll (boolean) and scenarioIds (array) are required.' }
      }
    }
    const ids = body.scenarioIds as string[]
    const known = new Set(this.options.scenarios.map((scenario) => scenario.id))
    const unknown = ids.filter((id) => !known.has(id))
    if (unknown.length > 0)
      return { status: 400, body: { detail: `Invalid scenario ids: ${unknown.join(', ')}` } }
    const scenarios =
      ids.length === 0
        ? this.options.scenarios
        : this.options.scenarios.filter((scenario) =>
            body.selectAll ? !ids.includes(scenario.id) : ids.includes(scenario.id)
          )
    if (scenarios.length === 0) return { status: 400, body: { detail: 'No scenarios to run.' } }
    const id = randomUUID()
    this.executions.set(id, {
      id,
      body: body as Record<string, unknown>,
      scenarios,
      reads: 0,
      cancelled: false
    })
    const totalCalls = scenarios.reduce((sum, scenario) => sum + scenario.calls, 0)
    return {
      status: 200,
      body: {
        message: 'Test execution started successfully',
        execution_id: id,
        run_test_id: this.options.runTestId,
        status: 'PENDING',
        total_scenarios: scenarios.length,
        total_calls: totalCalls,
        scenario_ids: scenarios.map((scenario) => scenario.id)
      }
    }
  }

  private read(req: RouteRequest): Reply {
    const execution = this.executions.get(req.params.id ?? '')
    if (!execution) return { status: 404, body: { detail: 'Not found.' } }
    const page = Number(req.query.get('page') ?? 1)
    const limit = Number(req.query.get('limit') ?? 30)
    if (page === 1) execution.reads++
    const steps = this.options.steps
    const step = execution.cancelled
      ? { status: 'cancelled', calls: 'final' as const }
      : (steps[Math.min(execution.reads - 1, steps.length - 1)] ?? {
          status: 'pending',
          calls: 'pending' as const
        })
    const calls = execution.scenarios.flatMap((scenario, s) =>
      Array.from({ length: scenario.calls }, (_, c) => {
        const base = {
          id: `${execution.id.slice(0, 8)}-${s}-${c}`,
          scenario: scenario.name,
          created_at: '2026-05-01T09:00:00Z'
        }
        if (step.calls === 'pending') return { ...base, status: 'pending' }
        if (step.calls === 'ongoing') return { ...base, status: 'ongoing' }
        return { ...base, duration: 42 + c, ...scenario.outcome }
      })
    )
    const slice = calls.slice((page - 1) * limit, page * limit)
    const failedCalls =
      step.calls === 'final' ? calls.filter((call) => call.status === 'failed').length : 0
    const nextUrl =
      page * limit < calls.length
        ? `${req.baseUrl}/simulate/test-executions/${execution.id}/?page=${page + 1}&limit=${limit}`
        : null
    return {
      status: 200,
      body: {
        id: execution.id,
        run_test: this.options.runTestId,
        run_test_name: 'Support agent regression',
        status: step.status,
        error_reason: step.status === 'failed' ? 'Agent endpoint returned 503' : null,
        started_at: '2026-05-01T09:00:00Z',
        completed_at: ['completed', 'failed', 'cancelled'].includes(step.status)
          ? '2026-05-01T09:04:30Z'
          : null,
        total_scenarios: execution.scenarios.length,
        total_calls: calls.length,
        completed_calls: step.calls === 'final' ? calls.length - failedCalls : 0,
        failed_calls: failedCalls,
        calls:
          this.options.envelope === 'paged'
            ? { count: calls.length, next: nextUrl, previous: null, results: slice }
            : slice
      }
    }
  }

  private cancel(req: RouteRequest): Reply {
    const execution = this.executions.get(req.params.id ?? '')
    if (!execution) return { status: 404, body: { detail: 'Not found.' } }
    if (execution.cancelled)
      return { status: 400, body: { detail: 'Execution is already in a terminal state.' } }
    execution.cancelled = true
    return {
      status: 200,
      body: { success: true, message: 'Cancelled', test_execution_id: execution.id }
    }
  }
}
