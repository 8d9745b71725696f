import { shortId } from '../../core/text.js'
import { z } from 'zod'
import { optionalText, ownInputs, type Settings } from '../../core/inputs.js'
import { type TestStatus, type VendorSignal } from '../../report/model.js'
import { type RerunSelection } from '../provider.js'

/**
 * Future AGI's API as its server code has it: execution and call statuses, the paged answers
 * testgate reads, the strict snake_case execute body, the key pair, and the checks of the ids.
 */

export const DEFAULT_BASE = 'https://api.futureagi.com'
// History: one page of the run test's recent executions.
export const HISTORY_PAGE = 10

/** Inputs only Future AGI reads: the simulator to use [server: simulator_id]. */
export const OWN_INPUTS = { 'simulator-id': optionalText }

function simulatorIds(settings: Settings): string[] {
  const { 'simulator-id': id } = ownInputs(settings, OWN_INPUTS)
  return id ? [id] : []
}
// The detail view takes `limit` without an upper bound; 100 keeps each answer small.
export const PAGE_SIZE = 100
// A bound on paging, so a server that always says "next" cannot keep a look going forever.
export const MAX_PAGES = 100

// Execution statuses [server: TestExecution.ExecutionStatus, lower case]. `evaluating` and
// `cancelling` are still going; `completed` says nothing of the calls' verdicts.
export const EXECUTION_STATUS: Record<string, VendorSignal> = {
  pending: 'queued',
  running: 'running',
  evaluating: 'running',
  cancelling: 'running',
  completed: 'finished',
  failed: 'failed',
  cancelled: 'cancelled'
}

// Call statuses [server: CallExecution.CallStatus]. A completed call can still fail by its evals.
export const CALL_STATUS: Record<string, TestStatus> = {
  pending: 'queued',
  queued: 'queued',
  ongoing: 'running',
  analyzing: 'running',
  completed: 'passed',
  failed: 'failed',
  cancelled: 'skipped'
}

export const executeResponseSchema = z
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
    // the CSAT evaluator's own result, where it ran on a chat or SDK call [server:
    // CallExecutionDetailSerializer.get_csat_score]; see ./score.ts
    csat_score: z.number().nullish(),
    eval_outputs: z.record(z.string(), z.unknown()).nullish(),
    audio_url: z.string().nullish(),
    ended_reason: z.string().nullish(),
    // the call's dataset row, by column name [server: get_scenario_columns]; see ./rows.ts
    scenario_columns: z.record(z.string(), z.unknown()).nullish().catch(undefined)
  })
  .loose()

// The detail answer is a page of calls with the execution's status beside it [server].
export const executionPageSchema = z
  .object({
    count: z.number(),
    next: z.string().nullish(),
    results: z.array(callSchema),
    status: z.string()
  })
  .loose()

export const scenariosPageSchema = z
  .object({
    count: z.number(),
    next: z.string().nullish(),
    results: z.array(z.object({ id: z.string(), name: z.string().nullish() }).loose())
  })
  .loose()

// The run test's executions, newest first [server: RunTestExecutionsView]; duration in seconds.
export const executionsPageSchema = z
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

export type Call = z.infer<typeof callSchema>

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

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
