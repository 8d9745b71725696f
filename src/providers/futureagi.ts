import { z } from 'zod'
import { VendorError, type HttpClient } from '../http.js'
import { InputError, type Settings } from '../inputs.js'
import {
  countTests,
  isTerminal,
  type Link,
  type RunReport,
  type RunStatus,
  type TestResult,
  type TestStatus
} from '../report/model.js'
import {
  mapStatus,
  unknownStatusReporter,
  type Provider,
  type ProviderDeps,
  type RunHandle,
  type TriggerRequest
} from './provider.js'

/**
 * Future AGI agent simulations: executing a run test starts a test execution, which places calls
 * (simulated conversations) and evaluates each one. `GET /simulate/test-executions/{id}/` gives the
 * execution's status and its calls. Facts: Future AGI's API reference (run tests, test
 * executions); the verdict rules and the reading of eval outputs are inferred, all in the tables below.
 */

const DEFAULT_BASE = 'https://api.futureagi.com'
const CALLS_PER_PAGE = 100
// A bound on paging, so a server that always says "next" cannot keep a look going forever.
const MAX_PAGES = 50

// Execution statuses [doc: pending | running | evaluating | completed | failed | cancelling |
// cancelled; upper case in other answers, so compared case-insensitively]. `completed` is decided
// by the calls; `evaluating` and `cancelling` are not terminal (inferred from the wording).
const EXECUTION_STATUS: Record<string, RunStatus | 'decide-by-calls'> = {
  pending: 'queued',
  running: 'running',
  evaluating: 'running',
  cancelling: 'running',
  completed: 'decide-by-calls',
  failed: 'errored',
  cancelled: 'cancelled'
}

// Call statuses [doc: pending | queued | ongoing | analyzing | completed | failed | cancelled].
// A completed call can still fail by its evals (inferred, see evalVerdicts).
const CALL_STATUS: Record<string, TestStatus> = {
  pending: 'queued',
  queued: 'queued',
  ongoing: 'running',
  analyzing: 'running',
  completed: 'passed',
  failed: 'failed',
  cancelled: 'skipped'
}

// Eval outputs that mean "this eval failed" (inferred: the shape of eval_outputs is not documented).
const FAILING_OUTPUTS = new Set(['fail', 'failed', 'false', 'no'])
// Fields that may carry a recording of the call (inferred: none is documented).
const RECORDING_FIELDS = ['recording_url', 'recording', 'audio_url', 'stereo_recording_url']

const executeResponseSchema = z
  .object({
    execution_id: z.string(),
    status: z.string().optional(),
    total_scenarios: z.number().nullish(),
    total_calls: z.number().nullish()
  })
  .loose()

const callSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    status: z.string(),
    duration: z.number().nullish(),
    transcript: z.unknown().optional(),
    overall_score: z.number().nullish(),
    eval_outputs: z.unknown().optional(),
    scenario: z.unknown().optional(),
    created_at: z.string().nullish()
  })
  .loose()

const callsSchema = z.union([
  z.array(callSchema),
  z
    .object({
      count: z.number().nullish(),
      next: z.string().nullish(),
      results: z.array(callSchema)
    })
    .loose()
])

const executionSchema = z
  .object({
    status: z.string(),
    error_reason: z.string().nullish(),
    started_at: z.string().nullish(),
    completed_at: z.string().nullish(),
    total_calls: z.number().nullish(),
    failed_calls: z.number().nullish(),
    calls: callsSchema.nullish()
  })
  .loose()

type Call = z.infer<typeof callSchema>

/** test-ids → only those scenarios; exclude-test-ids → all but those; neither → all; both → error. */
export function buildExecuteBody(settings: Settings): Record<string, unknown> {
  if (settings.testIds.length > 0 && settings.excludeTestIds.length > 0) {
    throw new InputError(
      'Future AGI takes either "test-ids" (run only these scenarios) or "exclude-test-ids" (run all but these), not both.'
    )
  }
  const body: Record<string, unknown> =
    settings.testIds.length > 0
      ? { selectAll: false, scenarioIds: settings.testIds }
      : { selectAll: true, scenarioIds: settings.excludeTestIds }
  if (settings.simulatorId) body.simulatorId = settings.simulatorId
  return body
}

export function authHeaders(settings: Settings): Record<string, string> {
  // The current reference uses a key pair; the older page, a Bearer key.
  return settings.apiSecret
    ? { 'X-Api-Key': settings.apiKey, 'X-Secret-Key': settings.apiSecret }
    : { authorization: `Bearer ${settings.apiKey}` }
}

interface EvalVerdict {
  name: string
  failed: boolean
  text: string
}

/** Reads eval_outputs as a map or a list of evals; what cannot be judged is shown, never judged. */
export function evalVerdicts(outputs: unknown): EvalVerdict[] {
  const entries: [string, unknown][] = Array.isArray(outputs)
    ? outputs.map((value, i) => [evalName(value) ?? `eval ${i + 1}`, value])
    : outputs && typeof outputs === 'object'
      ? Object.entries(outputs)
      : []
  return entries.map(([name, value]) => {
    const record =
      value && typeof value === 'object' ? (value as Record<string, unknown>) : { output: value }
    const output = record.output ?? record.result ?? record.value ?? record.status
    const failed =
      record.passed === false ||
      output === false ||
      (typeof output === 'string' && FAILING_OUTPUTS.has(output.trim().toLowerCase()))
    const parts = [
      output === undefined
        ? undefined
        : `output ${typeof output === 'string' ? output : JSON.stringify(output)}`,
      typeof record.score === 'number' ? `score ${record.score}` : undefined,
      typeof record.reason === 'string' ? record.reason : undefined
    ].filter(Boolean)
    return { name, failed, text: parts.join(' · ') || JSON.stringify(value) }
  })
}

function evalName(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined
  const record = value as Record<string, unknown>
  const name = record.name ?? record.eval_name ?? record.eval
  return typeof name === 'string' ? name : undefined
}

function scenarioName(scenario: unknown): string | undefined {
  if (typeof scenario === 'string') return scenario
  if (
    scenario &&
    typeof scenario === 'object' &&
    'name' in scenario &&
    typeof scenario.name === 'string'
  )
    return scenario.name
  return undefined
}

function transcriptText(transcript: unknown): string | undefined {
  if (typeof transcript === 'string') return transcript
  if (!Array.isArray(transcript)) return undefined
  return transcript
    .map((turn) => {
      if (!turn || typeof turn !== 'object') return String(turn)
      const record = turn as Record<string, unknown>
      const who = record.role ?? record.speaker ?? ''
      const said = record.content ?? record.text ?? record.message ?? ''
      return `${String(who)}: ${String(said)}`
    })
    .join('\n')
}

export function mapCall(
  call: Call,
  name: string,
  onUnknownStatus: (value: string) => void
): TestResult {
  let status = mapStatus(CALL_STATUS, call.status.toLowerCase(), 'running', () =>
    onUnknownStatus(call.status)
  )
  const evals = evalVerdicts(call.eval_outputs)
  const failedEvals = evals.filter((verdict) => verdict.failed)
  if (status === 'passed' && failedEvals.length > 0) status = 'failed'
  const links: Link[] = []
  for (const field of RECORDING_FIELDS) {
    const value = (call as Record<string, unknown>)[field]
    if (typeof value === 'string' && /^https?:\/\//.test(value))
      links.push({ label: 'recording', url: value, kind: 'artifact' })
  }
  const test: TestResult = { id: call.id, name, status, links }
  if (typeof call.duration === 'number') test.durationMs = Math.round(call.duration * 1000)
  if (typeof call.overall_score === 'number') test.score = call.overall_score
  if (status === 'failed') {
    const lines: string[] = []
    if (failedEvals.length > 0)
      lines.push(`Failed evals: ${failedEvals.map((verdict) => verdict.name).join(', ')}`)
    if (typeof call.overall_score === 'number') lines.push(`Overall score: ${call.overall_score}`)
    for (const verdict of evals)
      lines.push(`${verdict.failed ? '✗' : '✓'} ${verdict.name}: ${verdict.text}`)
    const transcript = transcriptText(call.transcript)
    if (transcript) lines.push('', 'Transcript (end):', transcript.slice(-1500))
    test.error = lines.join('\n')
  }
  return test
}

/** Scenario name, numbered when a scenario has several calls. */
function callNames(calls: readonly Call[]): string[] {
  const totals = new Map<string, number>()
  const names = calls.map((call) => scenarioName(call.scenario) ?? `call ${call.id}`)
  for (const name of names) totals.set(name, (totals.get(name) ?? 0) + 1)
  const seen = new Map<string, number>()
  return names.map((name) => {
    if ((totals.get(name) ?? 0) < 2) return name
    const index = (seen.get(name) ?? 0) + 1
    seen.set(name, index)
    return `${name} (call ${index})`
  })
}

/** One page of calls, and whether another may follow: `next` when given, else a full page. */
function pageOf(calls: z.infer<typeof callsSchema> | null | undefined): {
  results: Call[]
  more: boolean
} {
  if (calls == null) return { results: [], more: false }
  if (Array.isArray(calls)) return { results: calls, more: calls.length >= CALLS_PER_PAGE }
  const more =
    calls.next === undefined ? calls.results.length >= CALLS_PER_PAGE : Boolean(calls.next)
  return { results: calls.results, more }
}

class FutureAgiProvider implements Provider {
  readonly name = 'futureagi' as const
  readonly displayName = 'Future AGI'
  readonly inputs = [
    'api-secret',
    'target-id',
    'test-ids',
    'exclude-test-ids',
    'simulator-id'
  ] as const
  private readonly client: HttpClient
  private readonly reportUnknown: (kind: string, value: string) => void

  constructor(private readonly deps: ProviderDeps) {
    this.reportUnknown = unknownStatusReporter(this.displayName, deps.warn)
    this.client = deps.http({
      vendor: this.displayName,
      baseUrl: deps.settings.apiUrl ?? DEFAULT_BASE,
      headers: authHeaders(deps.settings)
    })
  }

  validate({ settings }: TriggerRequest): void {
    if (!settings.targetId)
      throw new InputError(
        'Input "target-id" is required for Future AGI: the run test id (a UUID).'
      )
    buildExecuteBody(settings)
  }

  async trigger({ settings }: TriggerRequest): Promise<RunHandle> {
    const response = await this.client.request(
      'POST',
      `/simulate/run-tests/${encodeURIComponent(settings.targetId ?? '')}/execute/`,
      { body: buildExecuteBody(settings), schema: executeResponseSchema, retry: 'unsent-only' }
    )
    const size = [
      response.total_scenarios == null ? undefined : `${response.total_scenarios} scenarios`,
      response.total_calls == null ? undefined : `${response.total_calls} calls`
    ].filter(Boolean)
    if (size.length > 0)
      this.deps.log(`Future AGI execution ${response.execution_id}: ${size.join(', ')}`)
    return {
      runId: response.execution_id,
      targetId: settings.targetId,
      status: 'queued',
      extra: {
        ...(response.total_scenarios == null
          ? {}
          : { totalScenarios: String(response.total_scenarios) }),
        ...(response.total_calls == null ? {} : { totalCalls: String(response.total_calls) })
      }
    }
  }

  async observe(handle: RunHandle): Promise<RunReport> {
    const path = `/simulate/test-executions/${encodeURIComponent(handle.runId)}/`
    const first = await this.client.get(`${path}?page=1&limit=${CALLS_PER_PAGE}`, executionSchema)
    const calls = await this.allCalls(path, first)
    const names = callNames(calls)
    const tests = calls.map((call, i) =>
      mapCall(call, names[i] ?? call.id, (value) => this.reportUnknown('call', value))
    )
    const counts = countTests(tests)
    const mapped = mapStatus(EXECUTION_STATUS, first.status.toLowerCase(), 'running', () =>
      this.reportUnknown('execution', first.status)
    )
    const status: RunStatus =
      mapped === 'decide-by-calls'
        ? counts.failed > 0 || (first.failed_calls ?? 0) > 0
          ? 'failed'
          : 'passed'
        : mapped
    return {
      provider: this.name,
      targetId: handle.targetId,
      runId: handle.runId,
      status,
      startedAt: first.started_at ?? undefined,
      finishedAt: isTerminal(status) ? (first.completed_at ?? undefined) : undefined,
      counts,
      tests,
      note:
        status === 'errored' && first.error_reason ? `Future AGI: ${first.error_reason}` : undefined
    }
  }

  /** The calls come paginated; the envelope is not documented, so both a list and {results, next} are read. */
  private async allCalls(path: string, first: z.infer<typeof executionSchema>): Promise<Call[]> {
    let page = pageOf(first.calls)
    const all = [...page.results]
    for (let number = 2; page.more && number <= MAX_PAGES; number++) {
      if (first.total_calls != null && all.length >= first.total_calls) break
      const next = await this.client.get(
        `${path}?page=${number}&limit=${CALLS_PER_PAGE}`,
        executionSchema
      )
      page = pageOf(next.calls)
      if (page.results.length === 0) break
      all.push(...page.results)
    }
    return all
  }

  async cancel(handle: RunHandle): Promise<void> {
    try {
      await this.client.request(
        'POST',
        `/simulate/test-executions/${encodeURIComponent(handle.runId)}/cancel/`,
        {
          body: {},
          schema: z.unknown(),
          retry: 'safe'
        }
      )
    } catch (error) {
      // 400: the execution already finished, so there is nothing left to cancel.
      if (error instanceof VendorError && error.status === 400) return
      throw error
    }
  }
}

export function createFutureAgi(deps: ProviderDeps): Provider {
  return new FutureAgiProvider(deps)
}
