import { z } from 'zod'
import type { HttpClient } from '../../core/http.js'
import { InputError, ownInputs, type Settings } from '../../core/inputs.js'
import { countTests, isFinalSignal, type Counts, type Observation } from '../../report/model.js'
import {
  mapStatus,
  rerunFallbackLine,
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
import {
  Call,
  DEFAULT_BASE,
  EXECUTION_STATUS,
  HISTORY_PAGE,
  MAX_PAGES,
  OWN_INPUTS,
  PAGE_SIZE,
  authHeaders,
  buildExecuteBody,
  executeResponseSchema,
  executionPageSchema,
  executionsPageSchema,
  futureAgiRerunProblem,
  inputProblems,
  scenariosPageSchema,
  unknownScenarios
} from './api.js'
import { callIdentities, callTimes, mapCall } from './mapping.js'

/**
 * Future AGI agent simulations: executing a run test starts a test execution, which places calls
 * (simulated conversations) and evaluates each one. Facts follow Future AGI's server code (its
 * open-source platform: the run-test views and serializers of `futureagi/simulate/`), which differs
 * from the doc page: a snake_case body checked strictly, calls in a paginated `results` envelope,
 * and an API key pair. What the code does not settle is marked "inferred".
 */

export const DISPLAY_NAME = 'Future AGI'

export class FutureAgiProvider implements VendorOperations {
  private readonly client: HttpClient
  private readonly reportUnknown: (kind: string, value: string) => void

  constructor(private readonly deps: ProviderDeps) {
    this.reportUnknown = unknownStatusReporter(DISPLAY_NAME, deps.warn)
    this.client = deps.http({
      vendor: DISPLAY_NAME,
      baseUrl: deps.settings.apiUrl ?? DEFAULT_BASE,
      headers: authHeaders(deps.settings)
    })
  }

  validate({ settings }: TriggerRequest): void {
    const problems = inputProblems(settings)
    if (problems.length > 0) throw new InputError(problems.join('\n'))
  }

  rerunProblem(rerun: RerunSelection): string | undefined {
    return futureAgiRerunProblem(rerun)
  }

  async trigger(request: TriggerRequest): Promise<RunHandle> {
    const { settings } = request
    const runTest = encodeURIComponent(settings.targetId ?? '')
    const rerun = request.rerun && (await this.rerunSelection(request.rerun))
    const scenarios = rerun ? [] : await this.scenariosToCheck(settings)
    const body = buildExecuteBody(settings, scenarios, rerun)
    if (settings.excludeTestIds.length > 0 && (body.scenario_ids as string[]).length === 0)
      throw new InputError(
        `Input "exclude-test-ids" excludes every scenario of run test ${settings.targetId}: nothing would run.`
      )
    const response = await this.client.request('POST', `/simulate/run-tests/${runTest}/execute/`, {
      body,
      schema: executeResponseSchema,
      retry: 'unsent-only'
    })
    const size = [
      response.total_scenarios == null ? undefined : `${response.total_scenarios} scenarios`,
      response.total_calls ? `${response.total_calls} calls` : undefined
    ].filter(Boolean)
    if (size.length > 0)
      this.deps.log(`Future AGI execution ${response.execution_id}: ${size.join(', ')}`)
    return {
      runId: response.execution_id,
      targetId: settings.targetId,
      status: 'queued',
      rerun: rerun !== undefined
    }
  }

  /**
   * The re-run's scenarios that are still the run test's: the server does not check that
   * `scenario_ids` belong to the run test (scenario_completeness.py: others "are silently ignored
   * by the gate … handled — or rejected — downstream by the executor"), so one removed since
   * the earlier attempt is left out here. None left: every test runs, and the log says why. (Keys
   * that are no scenario ids never get here: the pipeline asks rerunProblem first.)
   */
  private async rerunSelection(rerun: RerunSelection): Promise<RerunSelection | undefined> {
    const known = new Set(await this.runTestScenarios(this.deps.settings))
    const gone = rerun.keys.filter((key) => !known.has(key))
    const keys = rerun.keys.filter((key) => known.has(key))
    if (keys.length === 0) {
      this.deps.warn(
        rerunFallbackLine(
          `the scenarios that failed in the earlier attempt are no longer scenarios of run test ${this.deps.settings.targetId}`
        )
      )
      return undefined
    }
    if (gone.length > 0)
      this.deps.warn(
        `Future AGI: not re-running ${gone.join(', ')}: no longer scenarios of run test ${this.deps.settings.targetId}.`
      )
    return { ...rerun, keys }
  }

  /**
   * The run test's scenarios, when the inputs name some: exclusion needs them, and an id that is
   * not among them is an input error before anything runs.
   */
  private async scenariosToCheck(settings: Settings): Promise<string[]> {
    if (settings.testIds.length === 0 && settings.excludeTestIds.length === 0) return []
    const ids = await this.runTestScenarios(settings)
    const unknown = unknownScenarios(settings, ids)
    if (unknown.length > 0) throw new InputError(unknown.join('\n'))
    return ids
  }

  /** Every scenario id of the run test [server: RunTestScenariosView, paginated]. */
  private async runTestScenarios(settings: Settings): Promise<string[]> {
    const path = `/simulate/run-tests/${encodeURIComponent(settings.targetId ?? '')}/scenarios/`
    const ids: string[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await this.client.get(
        `${path}?page=${page}&limit=${PAGE_SIZE}`,
        scenariosPageSchema
      )
      ids.push(...answer.results.map((scenario) => scenario.id))
      if (!answer.next || answer.results.length === 0 || ids.length >= answer.count) break
    }
    return ids
  }

  /**
   * The run test's recent completed executions that ran as many calls as this one (its scenario
   * selection) [server: RunTestExecutionsView, item `calls`]. Only a prompt run test's duration is
   * the execution's length (first to last chat message); an agent one's is the sum of its calls'
   * durations, which overlap, so it predicts nothing and is left out. An item does not state its
   * simulator, so a simulator-id stays unverified.
   */
  async history({ settings }: TriggerRequest, run: { counts: Counts }): Promise<History> {
    const runTest = encodeURIComponent(settings.targetId ?? '')
    const page = await this.client.request(
      'GET',
      `/simulate/run-tests/${runTest}/executions/?status=completed&page=1&limit=${HISTORY_PAGE}`,
      {
        schema: executionsPageSchema,
        ...HISTORY_READ
      }
    )
    const thisRun = {
      simulator: ownInputs(settings, OWN_INPUTS)['simulator-id'],
      tests: testCountOf(run.counts)
    }
    const past = page.results.flatMap((execution) =>
      execution.source_type === 'prompt' && execution.duration
        ? [
            {
              durationMs: execution.duration * 1000,
              traits: { tests: execution.calls ?? undefined }
            }
          ]
        : []
    )
    return comparableRuns(thisRun, past)
  }

  async observe(handle: RunHandle): Promise<Observation> {
    const { status, calls, complete } = await this.readExecution(handle.runId)
    const executionSignal = mapStatus(EXECUTION_STATUS, status.toLowerCase(), 'running', () =>
      this.reportUnknown('execution', status)
    )
    // Calls are paged newest-updated first, so a page can shift while it is read: a final
    // answer counts only once every call was seen, else the next look reads them again.
    const signal = isFinalSignal(executionSignal) && !complete ? 'running' : executionSignal
    const identities = callIdentities(calls)
    const tests = calls.map((call, i) =>
      mapCall(call, identities[i] ?? { id: call.id, name: call.id }, (value) =>
        this.reportUnknown('call', value)
      )
    )
    return {
      provider: 'futureagi',
      targetId: handle.targetId,
      runId: handle.runId,
      signal,
      ...callTimes(calls, isFinalSignal(signal)),
      counts: countTests(tests),
      tests,
      note:
        signal === 'failed'
          ? 'Future AGI reports the execution failed (its answer gives no reason beyond the calls).'
          : undefined
    }
  }

  /** Every call of the execution, page by page, each once. */
  private async readExecution(
    executionId: string
  ): Promise<{ status: string; calls: Call[]; complete: boolean }> {
    const path = `/simulate/test-executions/${encodeURIComponent(executionId)}/`
    const calls = new Map<string, Call>()
    let status = ''
    let count = 0
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await this.client.get(
        `${path}?page=${page}&limit=${PAGE_SIZE}`,
        executionPageSchema
      )
      if (page === 1) status = answer.status
      count = answer.count
      for (const call of answer.results) calls.set(call.id, call)
      if (!answer.next || answer.results.length === 0 || calls.size >= count) break
    }
    return { status, calls: [...calls.values()], complete: calls.size >= count }
  }

  /**
   * The server's cancel call does not check the execution's state: on a finished execution it
   * answers 200 and overwrites its status with `cancelled`. So the state is read first, and a
   * finished execution is left as it is.
   */
  async cancel(handle: RunHandle): Promise<CancelResult> {
    const path = `/simulate/test-executions/${encodeURIComponent(handle.runId)}/`
    const { status } = await this.client.get(`${path}?page=1&limit=1`, executionPageSchema)
    const signal = mapStatus(EXECUTION_STATUS, status.toLowerCase(), 'running', () => {})
    if (isFinalSignal(signal)) return 'already-finished'
    await this.client.request('POST', `${path}cancel/`, {
      body: {},
      schema: z.unknown(),
      retry: 'safe'
    })
    return 'cancelled'
  }
}
