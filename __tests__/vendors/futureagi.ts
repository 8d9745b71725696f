import { expect } from 'vitest'
import {
  FutureAgiSimulator,
  type FutureAgiOptions,
  type FutureAgiScenario
} from '../simulators/futureagi.js'
import { SimServer, type Reply } from '../simulators/harness.js'
import { SELF_TEST_TITLES, type VendorKit } from './kit.js'

/** Future AGI's test kit (see ./kit.ts). Ids are UUIDs; a call is keyed by its scenario. */

export const RUN_TEST = '0b5a4d0e-1111-4222-8333-444455556666'
export const FAGI_SECRET = 'fagi-secret-key-9876'
export const SCENARIO = {
  refund: 'a1a1a1a1-0000-4000-8000-000000000001',
  angry: 'a1a1a1a1-0000-4000-8000-000000000002',
  billing: 'a1a1a1a1-0000-4000-8000-000000000003'
}

/** The refund scenario's dataset: one call per row. */
export const REFUND_ROWS = ['Parcel arrived damaged', 'Charged twice for one order']

export function scenarios(outcome: 'pass' | 'fail'): FutureAgiScenario[] {
  const passing = {
    status: 'completed',
    overall_score: 9,
    evals: [{ name: 'Task completion', type: 'Pass/Fail' as const, value: 'Passed' }]
  }
  return [
    {
      id: SCENARIO.refund,
      name: 'Refund request',
      calls: 2,
      rows: REFUND_ROWS,
      outcome: passing
    },
    {
      id: SCENARIO.angry,
      name: 'Angry customer',
      calls: 1,
      outcome:
        outcome === 'fail'
          ? {
              status: 'completed',
              overall_score: 3,
              evals: [
                {
                  name: 'Task completion',
                  type: 'Pass/Fail',
                  value: 'Failed',
                  reason: 'Agent never offered the refund'
                },
                { name: 'Tone', type: 'score', value: 8 }
              ],
              transcript: [
                { speaker_role: 'user', content: 'I want my money back!' },
                { speaker_role: 'assistant', content: 'Please hold.' }
              ],
              audio_url: 'https://recordings.futureagi.example/call-3.wav'
            }
          : passing
    }
  ]
}

export function futureAgiSim(
  outcome: 'pass' | 'fail',
  key: string,
  options: Partial<FutureAgiOptions> = {}
): FutureAgiSimulator {
  return new FutureAgiSimulator({
    apiKey: key,
    apiSecret: FAGI_SECRET,
    runTestId: RUN_TEST,
    scenarios: scenarios(outcome),
    steps: [
      { status: 'running', calls: 'pending' },
      { status: 'running', calls: 'ongoing' },
      { status: 'evaluating', calls: 'ongoing' },
      { status: 'completed', calls: 'final' }
    ],
    ...options
  })
}

// ---- re-run: 5 scenarios of one call, the 2nd and 4th failing ---------------------------------

export const SCENARIO_IDS = [1, 2, 3, 4, 5].map((n) => `a1a1a1a1-0000-4000-8000-00000000000${n}`)
const FAILING = [1, 3]

function rerunScenarios(failing: boolean): FutureAgiScenario[] {
  return SCENARIO_IDS.map((id, i) => {
    const fails = failing && FAILING.includes(i)
    return {
      id,
      name: `Scenario ${i + 1}`,
      calls: 1,
      outcome: {
        status: 'completed',
        overall_score: fails ? 3 : 9,
        evals: [
          {
            name: 'Task completion',
            type: 'Pass/Fail' as const,
            value: fails ? 'Failed' : 'Passed'
          }
        ]
      }
    }
  })
}

// ---- a hostile Future AGI: every field that reaches the log carries the payload ----------------

function hostileServer(payload: string): SimServer {
  let reads = 0
  return new SimServer()
    .route('execute', 'POST', '/simulate/run-tests/:id/execute/', () => ({
      status: 200,
      body: { execution_id: `ex${payload}`, total_scenarios: 1, total_calls: 1 }
    }))
    .route('execution', 'GET', '/simulate/test-executions/:id/', (): Reply => {
      reads++
      if (reads === 1) return { status: 502, body: { detail: `bad gateway${payload}` } }
      return {
        status: 200,
        body: {
          count: 1,
          next: null,
          status: 'completed',
          results: [
            {
              id: `call${payload}`,
              status: 'failed',
              scenario: `scenario${payload}`,
              scenario_id: `sc${payload}`,
              ended_reason: `ended${payload}`,
              overall_score: 3,
              eval_outputs: {
                e: {
                  value: 'Failed',
                  reason: `why${payload}`,
                  type: 'Pass/Fail',
                  name: `eval${payload}`
                }
              }
            }
          ]
        }
      }
    })
}

const inputs = (url: string, key: string) => ({
  provider: 'futureagi',
  'api-key': key,
  'api-secret': FAGI_SECRET,
  'api-url': url,
  'target-id': RUN_TEST
})

export const futureAgiKit: VendorKit = {
  provider: 'futureagi',
  display: 'Future AGI',
  matrix: {
    simulator: (outcome, key) => futureAgiSim(outcome, key),
    inputs,
    triggerRoute: 'execute',
    pollRoute: 'execution',
    total: 3,
    failingTest: 'Angry customer',
    failingError: 'Failed evals: Task completion',
    badInput: {
      inputs: { 'test-ids': 'a', 'exclude-test-ids': 'b' },
      message: 'either "test-ids"'
    },
    ignoredInput: { 'feature-id': 'feat-1' }
  },
  rerun: {
    simulator: (key) =>
      new FutureAgiSimulator({
        apiKey: key,
        apiSecret: FAGI_SECRET,
        runTestId: RUN_TEST,
        scenarios: rerunScenarios(true),
        steps: [
          { status: 'running', calls: 'ongoing' },
          { status: 'completed', calls: 'final' }
        ]
      }),
    inputs,
    triggerRoute: 'execute',
    passNext: (sim) => ((sim as FutureAgiSimulator).options.scenarios = rerunScenarios(false)),
    expectRerun: (body, _first, sim) => {
      expect(Object.keys(body)).toEqual(['scenario_ids'])
      expect([...(body.scenario_ids as string[])].sort()).toEqual(
        FAILING.map((i) => SCENARIO_IDS[i])
      )
      // The server ran exactly those.
      const executions = [...(sim as FutureAgiSimulator).executions.values()]
      expect(
        executions
          .at(-1)
          ?.scenarios.map((s) => s.id)
          .sort()
      ).toEqual(FAILING.map((i) => SCENARIO_IDS[i]))
    },
    expectAll: (body) => expect(body).toEqual({})
  },
  hostile: {
    server: hostileServer,
    inputs: (secret) => ({ 'target-id': SCENARIO.refund, 'api-secret': secret })
  },
  demo: {
    title: 'Future AGI (agent simulation with the key pair: 3 calls, one fails its eval)',
    simulator: (key, secret) =>
      new FutureAgiSimulator({
        apiKey: key,
        apiSecret: secret,
        runTestId: RUN_TEST,
        scenarios: [
          {
            id: SCENARIO.refund,
            name: 'Refund request',
            calls: 2,
            rows: REFUND_ROWS,
            outcome: {
              status: 'completed',
              overall_score: 9,
              evals: [{ name: 'Task completion', type: 'Pass/Fail', value: 'Passed' }]
            }
          },
          {
            id: SCENARIO.angry,
            name: 'Angry customer',
            calls: 1,
            outcome: {
              status: 'completed',
              overall_score: 4,
              evals: [
                {
                  name: 'Policy adherence',
                  type: 'Pass/Fail',
                  value: 'Failed',
                  reason: 'The agent promised a refund it may not give.'
                },
                { name: 'Tone', type: 'score', value: 7 }
              ]
            }
          }
        ],
        steps: [
          { status: 'running', calls: 'ongoing' },
          { status: 'evaluating', calls: 'ongoing' },
          { status: 'completed', calls: 'final' }
        ]
      }),
    inputs: (url, key, secret) => ({
      provider: 'futureagi',
      'api-key': key,
      'api-secret': secret,
      'api-url': url,
      'target-id': RUN_TEST
    }),
    expected: 'failed'
  },
  selfTest: {
    simulator: (key, secret) =>
      new FutureAgiSimulator({
        apiKey: key,
        apiSecret: secret,
        runTestId: RUN_TEST,
        scenarios: SELF_TEST_TITLES.map((name, i) => ({
          id: `a1a1a1a1-0000-4000-8000-00000000000${i}`,
          name,
          calls: 1,
          outcome: { status: 'completed' }
        })),
        steps: [
          { status: 'running', calls: 'ongoing' },
          { status: 'completed', calls: 'final' }
        ]
      }),
    inputs: { 'target-id': RUN_TEST }
  }
}
