import { shortId } from '../../text.js'
import { z } from 'zod'
import type { HttpClient } from '../../http.js'
import { InputError, optionalText, ownInputs, type Settings } from '../../inputs.js'
import {
  countTests,
  isFinalSignal,
  type Link,
  type Counts,
  type Observation,
  type TestResult,
  type TestStatus,
  type VendorSignal
} from '../../report/model.js'
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

/**
 * Future AGI agent simulations: executing a run test starts a test execution, which places calls
 * (simulated conversations) and evaluates each one. Facts follow Future AGI's server code (its
 * open-source platform: the run-test views and serializers of `futureagi/simulate/`), which differs
 * from the doc page: a snake_case body checked strictly, calls in a paginated `results` envelope,
 * and an API key pair. What the code does not settle is marked "inferred".
 */

export const DISPLAY_NAME = 'Future AGI'

export const DEFAULT_BASE = 'https://api.futureagi.com'
// History: one page of the run test's recent executions.
const HISTORY_PAGE = 10

/** Inputs only Future AGI reads: the simulator to use [server: simulator_id]. */
export const OWN_INPUTS = { 'simulator-id': optionalText }

function simulatorIds(settings: Settings): string[] {
  const { 'simulator-id': id } = ownInputs(settings, OWN_INPUTS)
  return id ? [id] : []
}
// The detail view takes `limit` without an upper bound; 100 keeps each answer small.
const PAGE_SIZE = 100
// A bound on paging, so a server that always says "next" cannot keep a look going forever.
const MAX_PAGES = 100

// Execution statuses [server: TestExecution.ExecutionStatus, lower case]. `evaluating` and
// `cancelling` are still going; `completed` says nothing of the calls' verdicts.
const EXECUTION_STATUS: Record<string, VendorSignal> = {
  pending: 'queued',
  running: 'running',
  evaluating: 'running',
  cancelling: 'running',
  completed: 'finished',
  failed: 'failed',
  cancelled: 'cancelled'
}

// Call statuses [server: CallExecution.CallStatus]. A completed call can still fail by its evals.
const CALL_STATUS: Record<string, TestStatus> = {
  pending: 'queued',
  queued: 'queued',
  ongoing: 'running',
  analyzing: 'running',
  completed: 'passed',
  failed: 'failed',
  cancelled: 'skipped'
}

const executeResponseSchema = z
  .object({
    execution_id: z.string(),
    total_scenarios: z.number().nullish(),
    total_calls: z.number().nullish()
  })
  .loose()

const callSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    duration: z.number().nullish(),
    start_time: z.string().nullish(),
    timestamp: z.string().nullish(),
    transcript: z.unknown().optional(),
    scenario: z.string().nullish(),
    scenario_id: z.string().nullish(),
    overall_score: z.number().nullish(),
    eval_outputs: z.record(z.string(), z.unknown()).nullish(),
    audio_url: z.string().nullish(),
    ended_reason: z.string().nullish()
  })
  .loose()

// The detail answer is a page of calls with the execution's status beside it [server].
const executionPageSchema = z
  .object({
    count: z.number(),
    next: z.string().nullish(),
    results: z.array(callSchema),
    status: z.string()
  })
  .loose()

const scenariosPageSchema = z
  .object({
    count: z.number(),
    next: z.string().nullish(),
    results: z.array(z.object({ id: z.string(), name: z.string().nullish() }).loose())
  })
  .loose()

// The run test's executions, newest first [server: RunTestExecutionsView]; duration in seconds.
const executionsPageSchema = z
  .object({
    results: z.array(
      z
        .object({
          duration: z.number().nullish(),
          source_type: z.string().nullish(),
          calls: z.number().nullish()
        })
        .loose()
    )
  })
  .loose()

type Call = z.infer<typeof callSchema>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The execute body [server: ExecuteRunTestSerializer]. The server ignores `select_all` and runs
 * exactly `scenario_ids` when it is not empty, all scenarios when it is: so exclusion sends the
 * complement of the excluded ids among the run test's scenarios.
 */
export function buildExecuteBody(
  settings: Settings,
  runTestScenarios: readonly string[] = [],
  rerun?: RerunSelection
): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  // A re-run of failed calls runs their scenarios: `scenario_ids` [server:
  // ExecuteRunTestSerializer, a list of UUIDs] runs exactly those, nothing else (the view at
  // futureagi/simulate/views/run_test.py, RunTestExecutionView.post). A scenario with several
  // calls runs all of them again: the server selects scenarios, not rows.
  if (rerun) body.scenario_ids = [...new Set(rerun.keys)]
  else if (settings.testIds.length > 0) body.scenario_ids = settings.testIds
  else if (settings.excludeTestIds.length > 0) {
    const excluded = new Set(settings.excludeTestIds)
    body.scenario_ids = runTestScenarios.filter((id) => !excluded.has(id))
  }
  const { 'simulator-id': simulatorId } = ownInputs(settings, OWN_INPUTS)
  if (simulatorId) body.simulator_id = simulatorId
  return body
}

/** The key pair [server: APIKeyAuthentication reads X-Api-Key and X-Secret-Key]. */
export function authHeaders(settings: Settings): Record<string, string> {
  return { 'X-Api-Key': settings.apiKey, 'X-Secret-Key': settings.apiSecret ?? '' }
}

/**
 * Why Future AGI cannot re-run just these calls: `scenario_ids` takes UUIDs [server:
 * ExecuteRunTestSerializer, a 400 for anything else], and a call that named no scenario id is
 * keyed by its scenario's name or its own id.
 */
export function futureAgiRerunProblem(rerun: RerunSelection): string | undefined {
  const bad = rerun.keys.filter((key) => !UUID.test(key))
  return bad.length > 0
    ? `Future AGI re-runs calls by their scenario's id, which not every failed call of the earlier attempt named (${bad.slice(0, 3).map(shortId).join(', ')})`
    : undefined
}

/** Input errors found before anything is sent: every one names its input. */
export function inputProblems(settings: Settings): string[] {
  const problems: string[] = []
  if (!settings.apiSecret)
    problems.push(
      'Input "api-secret" is required for Future AGI: the secret key that goes with "api-key" (sent as X-Secret-Key). ' +
        "Future AGI's API takes the key pair; a key alone is read as a login token and refused."
    )
  if (!settings.targetId)
    problems.push('Input "target-id" is required for Future AGI: the run test id (a UUID).')
  if (settings.testIds.length > 0 && settings.excludeTestIds.length > 0)
    problems.push(
      'Future AGI takes either "test-ids" (run only these scenarios) or "exclude-test-ids" (run all but these), not both.'
    )
  for (const [input, ids] of [
    ['target-id', settings.targetId ? [settings.targetId] : []],
    ['test-ids', settings.testIds],
    ['exclude-test-ids', settings.excludeTestIds],
    ['simulator-id', simulatorIds(settings)]
  ] as const) {
    const bad = ids.filter((id) => !UUID.test(id))
    if (bad.length > 0)
      problems.push(
        `Input "${input}": expected UUIDs, got ${bad.map((id) => `"${id}"`).join(', ')}`
      )
  }
  return problems
}

/** Scenario ids of the inputs that are not scenarios of the run test, as an input error. */
export function unknownScenarios(
  settings: Settings,
  runTestScenarios: readonly string[]
): string[] {
  const known = new Set(runTestScenarios)
  return (
    [
      ['test-ids', settings.testIds],
      ['exclude-test-ids', settings.excludeTestIds]
    ] as const
  ).flatMap(([input, ids]) => {
    const unknown = ids.filter((id) => !known.has(id))
    return unknown.length === 0
      ? []
      : [`Input "${input}": not scenarios of run test ${settings.targetId}: ${unknown.join(', ')}`]
  })
}

interface EvalVerdict {
  name: string
  outcome: 'passed' | 'failed' | 'errored' | 'not judged'
  text: string
}

// Pass/Fail evals answer "Passed" or "Failed" [server tests: output_type "Pass/Fail"].
const FAILING_VALUES = new Set(['failed', 'fail'])

const evalOutputSchema = z
  .object({
    value: z.unknown(),
    reason: z.string().nullish(),
    type: z.string().nullish(),
    name: z.string().nullish(),
    error: z.boolean().nullish(),
    status: z.string().nullish(),
    skipped: z.boolean().nullish()
  })
  .loose()

/**
 * A call's evals [server: CallExecutionDetailSerializer.get_eval_outputs, keyed by eval config id:
 * {value, reason, type, name, error, status, skipped}]. A Pass/Fail eval that failed fails the
 * call; an eval that errored leaves it unjudged (errored). The call's overall_score is not judged
 * here: the verdict policy (min-score, min-average-score) judges it, as it judges any vendor's.
 */
export function evalVerdicts(outputs: Record<string, unknown> | null | undefined): EvalVerdict[] {
  return Object.entries(outputs ?? {}).flatMap(([id, raw]) => {
    const parsed = evalOutputSchema.safeParse(raw)
    if (!parsed.success || Object.keys(parsed.data).length === 0) return []
    const output = parsed.data
    const value = typeof output.value === 'string' ? output.value : JSON.stringify(output.value)
    const outcome: EvalVerdict['outcome'] = output.skipped
      ? 'not judged'
      : output.error || output.status === 'error'
        ? 'errored'
        : FAILING_VALUES.has(String(output.value).trim().toLowerCase()) || output.value === false
          ? 'failed'
          : output.type === 'Pass/Fail'
            ? 'passed'
            : 'not judged'
    const text = [value === undefined ? undefined : `${value}`, output.reason || undefined]
    return [{ name: output.name || id, outcome, text: text.filter(Boolean).join(' · ') }]
  })
}

function transcriptText(transcript: unknown): string | undefined {
  if (typeof transcript === 'string') return transcript
  if (!Array.isArray(transcript)) return undefined
  return transcript
    .map((turn) => {
      if (!turn || typeof turn !== 'object') return String(turn)
      const record = turn as Record<string, unknown>
      const who = record.speaker_role ?? record.role ?? ''
      const said = record.content ?? record.text ?? ''
      return `${String(who)}: ${String(said)}`
    })
    .join('\n')
}

const EVAL_MARK: Record<EvalVerdict['outcome'], string> = {
  passed: '✓',
  failed: '✗',
  errored: '!',
  'not judged': '·'
}

export function mapCall(
  call: Call,
  identity: { id: string; rerunKey?: string; name: string },
  onUnknownStatus: (value: string) => void
): TestResult {
  let status = mapStatus(CALL_STATUS, call.status.toLowerCase(), 'running', () =>
    onUnknownStatus(call.status)
  )
  const evals = evalVerdicts(call.eval_outputs)
  if (status === 'passed' && evals.some((e) => e.outcome === 'failed')) status = 'failed'
  else if (status === 'passed' && evals.some((e) => e.outcome === 'errored')) status = 'errored'
  const links: Link[] = []
  if (call.audio_url && /^https?:\/\//.test(call.audio_url))
    links.push({ label: 'recording', url: call.audio_url, kind: 'artifact' })
  const test: TestResult = { ...identity, status, links }
  if (typeof call.duration === 'number') test.durationMs = Math.round(call.duration * 1000)
  if (typeof call.overall_score === 'number') test.score = call.overall_score
  if (status === 'failed' || status === 'errored') test.error = failureText(call, evals)
  return test
}

function failureText(call: Call, evals: EvalVerdict[]): string {
  const lines: string[] = []
  const failed = evals.filter((e) => e.outcome === 'failed' || e.outcome === 'errored')
  if (failed.length > 0) lines.push(`Failed evals: ${failed.map((e) => e.name).join(', ')}`)
  if (call.status.toLowerCase() === 'failed')
    lines.push(`The call failed${call.ended_reason ? `: ${call.ended_reason}` : ''}`)
  if (typeof call.overall_score === 'number') lines.push(`Overall score: ${call.overall_score}`)
  for (const verdict of evals)
    lines.push(`${EVAL_MARK[verdict.outcome]} ${verdict.name}: ${verdict.text}`)
  const transcript = transcriptText(call.transcript)
  if (transcript) lines.push('', 'Transcript (end):', transcript.slice(-1500))
  return lines.join('\n')
}

/**
 * A call is a test. Its identity is its scenario, the same on every run (a call id is new each
 * time); a scenario with several calls (a dataset scenario, one call per row) numbers them in the
 * order they started (inferred: the answer names no row).
 */
export function callIdentities(
  calls: readonly Call[]
): { id: string; rerunKey?: string; name: string }[] {
  const key = (call: Call): string => call.scenario_id || call.scenario || call.id
  const byScenario = new Map<string, Call[]>()
  for (const call of calls) byScenario.set(key(call), [...(byScenario.get(key(call)) ?? []), call])
  for (const group of byScenario.values())
    group.sort(
      (a, b) => (a.start_time ?? '').localeCompare(b.start_time ?? '') || a.id.localeCompare(b.id)
    )
  return calls.map((call) => {
    const group = byScenario.get(key(call)) ?? [call]
    const name = call.scenario || `call ${call.id}`
    if (group.length < 2) return { id: key(call), name }
    const index = group.indexOf(call) + 1
    // A numbered call is re-run by its scenario: `scenario_ids` takes the scenario's UUID.
    const rerunKey = call.scenario_id ? { rerunKey: call.scenario_id } : {}
    return { id: `${key(call)}#${index}`, ...rerunKey, name: `${name} (call ${index})` }
  })
}

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

/** inferred: the execution's answer has no times of its own; its calls' first start and last update stand in. */
function callTimes(
  calls: readonly Call[],
  final: boolean
): { startedAt?: string; finishedAt?: string } {
  const starts = calls.flatMap((call) => (call.start_time ? [call.start_time] : [])).sort()
  const ends = calls.flatMap((call) => (call.timestamp ? [call.timestamp] : [])).sort()
  return { startedAt: starts[0], finishedAt: final ? ends[ends.length - 1] : undefined }
}
