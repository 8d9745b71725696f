import { z } from 'zod'

/**
 * Future AGI's contract, as its own server code states it: future-agi/future-agi at 5dc9ff2
 * (2026-08-22), read 2026-11. Where the doc page differs (camelCase body, `calls`, a Bearer key),
 * the server wins: it is what answers. The schemas are ours, written from these files:
 * - execute: `simulate/views/run_test.py` RunTestExecutionView (validated_request with
 *   reject_unknown_fields=True), `simulate/serializers/requests/run_test.py` ExecuteRunTestSerializer;
 * - scenarios of a run test: RunTestScenariosView, `tfc/utils/pagination.py` ExtendedPageNumberPagination;
 * - execution detail: TestExecutionDetailView (query validated by ExecutionDetailQuerySerializer,
 *   unknown query parameters refused too), CallExecutionDetailSerializer (`serializers/test_execution.py`);
 * - statuses: `simulate/models/test_execution.py` ExecutionStatus and CallStatus;
 * - errors: `tfc/utils/api_errors.py` build_error_envelope; auth: `accounts/authentication.py`
 *   (X-Api-Key and X-Secret-Key).
 */

const uuid = z.uuid()

/** ExecuteRunTestSerializer: snake_case, every field optional, nothing else accepted. */
export const executeRequestSchema = z.strictObject({
  scenario_ids: z.array(uuid).optional(),
  simulator_id: uuid.nullable().optional(),
  // read by the serializer, ignored by the view (its line is commented out)
  select_all: z.boolean().optional()
})

/** ExecutionDetailQuerySerializer: the query parameters the detail view accepts. */
export const DETAIL_QUERY_PARAMS = [
  'search',
  'filters',
  'row_groups',
  'group_keys',
  'page',
  'limit'
]

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
  'cancelling',
  'evaluating'
] as const
export const CALL_STATUSES = [
  'pending',
  'queued',
  'ongoing',
  'completed',
  'failed',
  'analyzing',
  'cancelled'
] as const

/** One entry of a call's eval_outputs (get_eval_outputs), keyed by the eval config's id. */
export const evalOutputSchema = z.union([
  // an eval still pending is an empty object
  z.strictObject({}),
  z.strictObject({
    value: z.unknown(),
    reason: z.string(),
    type: z.string(),
    name: z.string(),
    error: z.boolean(),
    status: z.string(),
    skipped: z.boolean()
  })
])

/**
 * The fields of CallExecutionDetailSerializer testgate reads, plus those the fixtures show; the
 * serializer sends many more (metrics, transcripts, snapshots), so unknown keys are allowed here.
 */
export const callSchema = z.looseObject({
  id: uuid,
  status: z.enum(CALL_STATUSES),
  duration: z.number().nullable(),
  start_time: z.string().nullable(),
  timestamp: z.string(),
  scenario: z.string(),
  scenario_id: uuid.nullable(),
  overall_score: z.number().nullable(),
  csat_score: z.number().nullable(),
  audio_url: z.string().nullable(),
  eval_outputs: z.record(z.string(), evalOutputSchema),
  ended_reason: z.string().nullable(),
  test_execution_id: uuid,
  // get_scenario_columns: the call's dataset row by column name; `{}` for a call without a row
  scenario_columns: z.record(
    z.string(),
    z.strictObject({
      value: z.unknown(),
      visible: z.boolean(),
      dataset_column_id: z.string(),
      dataset_id: z.string(),
      column_name: z.string(),
      data_type: z.string()
    })
  )
})

/** The detail view's answer: the pagination envelope with the execution's own fields beside it. */
export const executionDetailSchema = z.strictObject({
  count: z.number().int(),
  next: z.string().nullable(),
  previous: z.string().nullable(),
  results: z.array(callSchema),
  total_pages: z.number().int(),
  current_page: z.number().int(),
  column_order: z.array(z.unknown()),
  error_messages: z.array(z.unknown()),
  status: z.enum(EXECUTION_STATUSES),
  provider: z.string(),
  agent_type: z.string()
})

/** RunTestScenariosView: the paginated scenarios of a run test, newest first. */
export const scenariosPageSchema = z.strictObject({
  count: z.number().int(),
  next: z.string().nullable(),
  previous: z.string().nullable(),
  results: z.array(z.strictObject({ id: uuid, name: z.string(), row_count: z.number().int() })),
  total_pages: z.number().int(),
  current_page: z.number().int()
})

/** RunTestExecutionView's 200 answer. */
export const executeResponseSchema = z.strictObject({
  message: z.string(),
  execution_id: uuid,
  run_test_id: uuid,
  status: z.string(),
  total_scenarios: z.number().int(),
  total_calls: z.number().int(),
  scenario_ids: z.array(uuid)
})

/** build_error_envelope: every 4xx/5xx body of these views. */
export function errorEnvelope(
  status: number,
  message: string,
  details?: Record<string, string[]>
): Record<string, unknown> {
  const kind: Record<number, [string, string]> = {
    400: ['validation_error', 'invalid'],
    401: ['authentication_error', 'not_authenticated'],
    404: ['not_found', 'not_found']
  }
  const [type, code] = kind[status] ?? ['api_error', 'error']
  return {
    status: false,
    type,
    code,
    detail: message,
    message,
    error: message,
    result: message,
    ...(details ? { attr: Object.keys(details)[0], details } : {})
  }
}

/** The 400 for a body with keys the serializer does not declare, e.g. the doc page's camelCase. */
export function unknownFieldsError(keys: string[]): Record<string, unknown> {
  const details = Object.fromEntries(keys.map((key) => [key, ['Unknown field.']]))
  const message = keys.map((key) => `${key}: Unknown field.`).join('; ')
  return errorEnvelope(400, message, details)
}

/**
 * A completed execution page as the server serializes it: one call passed its evals, one did not,
 * one passed with no satisfaction score. `overall_score` is the CSAT evaluator's choice, "1" to
 * "10" stored as a float; where that evaluation failed, the voice paths store the provider's
 * success evaluation instead, 1.0 for "true" (`simulate/services/test_executor.py`;
 * `ee/voice/temporal/activities/voice_xl.py` calculate_voice_csat_score). `csat_score` is
 * conversation_metrics_data's, null on a voice call the CSAT block scored (it writes only
 * overall_score).
 */
export const completedExecutionPage = {
  count: 3,
  next: null,
  previous: null,
  results: [
    {
      id: '7c0e6a52-2b1d-4c59-9a8e-3f4b5c6d7e80',
      status: 'completed',
      duration: 61.5,
      start_time: '2026-08-01T09:00:05Z',
      timestamp: '2026-08-01T09:02:00Z',
      scenario: 'Refund request',
      scenario_id: 'a1a1a1a1-0000-4000-8000-000000000001',
      overall_score: 4,
      csat_score: null,
      audio_url: null,
      eval_outputs: {
        '5d2c1b0a-0000-4000-8000-00000000e001': {
          value: 'Failed',
          reason: 'The agent promised a refund it may not give.',
          type: 'Pass/Fail',
          name: 'Policy adherence',
          error: false,
          status: 'completed',
          skipped: false
        },
        '5d2c1b0a-0000-4000-8000-00000000e002': {
          value: 6,
          reason: 'Polite, but long.',
          type: 'score',
          name: 'Tone',
          error: false,
          status: 'completed',
          skipped: false
        }
      },
      ended_reason: 'customer-ended-call',
      test_execution_id: '0e0e0e0e-1111-4222-8333-444455556666',
      scenario_columns: {}
    },
    {
      id: '8d1f7b63-3c2e-4d6a-8b9f-4a5b6c7d8e91',
      status: 'completed',
      duration: 44,
      start_time: '2026-08-01T09:00:06Z',
      timestamp: '2026-08-01T09:01:30Z',
      scenario: 'Order status',
      scenario_id: 'a1a1a1a1-0000-4000-8000-000000000002',
      overall_score: 9,
      csat_score: null,
      audio_url: 'https://storage.futureagi.example/recordings/8d1f7b63.mp3',
      eval_outputs: {
        '5d2c1b0a-0000-4000-8000-00000000e001': {
          value: 'Passed',
          reason: 'Stayed within policy.',
          type: 'Pass/Fail',
          name: 'Policy adherence',
          error: false,
          status: 'completed',
          skipped: false
        }
      },
      ended_reason: 'assistant-ended-call',
      test_execution_id: '0e0e0e0e-1111-4222-8333-444455556666',
      scenario_columns: {}
    },
    {
      id: '9e2a8c74-4d3f-4e7b-9c0a-5b6c7d8e9fa2',
      status: 'completed',
      duration: 38,
      start_time: '2026-08-01T09:00:07Z',
      timestamp: '2026-08-01T09:01:10Z',
      scenario: 'Address change',
      scenario_id: 'a1a1a1a1-0000-4000-8000-000000000003',
      // the CSAT evaluation failed: the provider's successEvaluation "true", stored as 1.0
      overall_score: 1,
      csat_score: null,
      audio_url: null,
      eval_outputs: {
        '5d2c1b0a-0000-4000-8000-00000000e001': {
          value: 'Passed',
          reason: 'Stayed within policy.',
          type: 'Pass/Fail',
          name: 'Policy adherence',
          error: false,
          status: 'completed',
          skipped: false
        }
      },
      ended_reason: 'customer-ended-call',
      test_execution_id: '0e0e0e0e-1111-4222-8333-444455556666',
      scenario_columns: {}
    }
  ],
  total_pages: 1,
  current_page: 1,
  column_order: [],
  error_messages: [],
  status: 'completed',
  provider: 'vapi',
  agent_type: 'voice'
}

/**
 * A re-run of the failed calls' scenarios as testgate sends it: `scenario_ids` of
 * ExecuteRunTestSerializer (future-agi/future-agi 5dc9ff2, `simulate/serializers/requests/
 * run_test.py`, read 2026-11); the view runs exactly these. No `select_all`: the view ignores it.
 */
export const rerunExecuteRequest = {
  scenario_ids: ['a1a1a1a1-0000-4000-8000-000000000001', 'a1a1a1a1-0000-4000-8000-000000000003'],
  simulator_id: 'b2b2b2b2-0000-4000-8000-000000000001'
}

/**
 * RunTestExecutionsView (`GET /simulate/run-tests/{id}/executions/`, `simulate/views/run_test.py`
 * at 5dc9ff2, items built in its get(), TestExecutionItemResponseSerializer in
 * `serializers/response/run_test.py`): newest first, paginated by ExtendedPageNumberPagination.
 * Query `search`, `status` (an exact match on the stored, lower-case status), `page`, `limit`.
 * `status` comes back Title case; `duration` is whole seconds: first to last chat message for a
 * prompt run test, the sum of the calls' durations for an agent one.
 */
export const EXECUTIONS_QUERY_PARAMS = ['search', 'status', 'page', 'limit']

export const executionItemSchema = z.strictObject({
  id: uuid,
  status: z.enum(EXECUTION_STATUSES.map((s) => s[0]!.toUpperCase() + s.slice(1))),
  scenarios: z.string(),
  start_time: z.string().nullable(),
  duration: z.number().int(),
  error_reason: z.string().nullable(),
  success_rate: z.number(),
  avg_response_time: z.number(),
  calls: z.number().int(),
  calls_attempted: z.number().int(),
  connected_calls: z.number().int(),
  agent_version: z.string(),
  agent_definition: z.string(),
  calls_connected_percentage: z.number(),
  total_chats: z.number().int(),
  agent_type: z.string(),
  total_number_of_fagi_agent_turns: z.number().int(),
  source_type: z.enum(['agent_definition', 'prompt'])
})

export const executionsPageSchema = z.strictObject({
  count: z.number().int(),
  next: z.string().nullable(),
  previous: z.string().nullable(),
  results: z.array(executionItemSchema),
  total_pages: z.number().int(),
  current_page: z.number().int()
})

/** A page of that list for a prompt run test, shaped by the view (ids and values invented). */
export const executionsPage = {
  count: 12,
  next: 'https://api.futureagi.com/simulate/run-tests/0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c/executions/?limit=2&page=2&status=completed',
  previous: null,
  results: [
    {
      id: '7b1e2c4a-5d6f-4a8b-9c0d-1e2f3a4b5c6d',
      status: 'Completed',
      scenarios: 'Order status, Refund request',
      start_time: '2026-08-22T10:18:55.250000+00:00',
      duration: 141,
      error_reason: null,
      success_rate: 100.0,
      avg_response_time: 1.214,
      calls: 2,
      calls_attempted: 2,
      connected_calls: 2,
      agent_version: 'v3',
      agent_definition: 'Support prompt',
      calls_connected_percentage: 100.0,
      total_chats: 2,
      agent_type: 'TEXT',
      total_number_of_fagi_agent_turns: 14,
      source_type: 'prompt'
    }
  ],
  total_pages: 6,
  current_page: 1
}
