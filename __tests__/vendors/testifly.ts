import { expect } from 'vitest'
import { SimServer, type Reply } from '../simulators/harness.js'
import {
  TestiflySimulator,
  type TestiflyOptions,
  type TestiflyStep
} from '../simulators/testifly.js'
import { SELF_TEST_TITLES, type VendorKit } from './kit.js'

/** Testifly's test kit (see ./kit.ts). Ids are 24-hex ObjectIds, as Testifly's are. */

export const PROJECT = '67f8cb3fe236b8d41b7700ac'

// The project's tests, by the ids its run reports give them (the selection takes these).
export const TESTIFLY_IDS = [
  '6804f1f1d2d4e0a1c1a0d701',
  '6804f1f1d2d4e0a1c1a0d702',
  '6804f1f1d2d4e0a1c1a0d703'
]

export function testiflyScript(outcome: 'pass' | 'fail'): TestiflyStep[] {
  const titles = ['Login works for valid users', 'Cart keeps items', 'Checkout charges the card']
  const final = titles.map((title, i) =>
    outcome === 'fail' && i === 2
      ? {
          id: TESTIFLY_IDS[i],
          title,
          status: 'Failed',
          error: 'Expected "Order placed" but saw "Card declined"',
          timeline: [
            { title: 'Click Pay', status: 'passed' },
            { title: 'See confirmation', status: 'failed' }
          ]
        }
      : { id: TESTIFLY_IDS[i], title, status: 'Passed' }
  )
  return [
    { job: 'Pending' },
    { job: 'PendingAgentConnection' },
    {
      job: 'InProgress',
      tests: titles.map((title, i) => ({
        id: TESTIFLY_IDS[i],
        title,
        status: i === 0 ? 'Passed' : 'Running'
      }))
    },
    { job: outcome === 'fail' ? 'Failed' : 'Success', tests: final }
  ]
}

export function testiflySim(
  outcome: 'pass' | 'fail',
  key: string,
  options: Partial<TestiflyOptions> = {}
): TestiflySimulator {
  return new TestiflySimulator({
    apiKey: key,
    projectId: PROJECT,
    script: testiflyScript(outcome),
    ...options
  })
}

// ---- re-run: 5 tests, the 2nd and 4th failing ----------------------------------------------

export const RERUN_IDS = [0, 1, 2, 3, 4].map((i) => `6804f1f1d2d4e0a1c1a0d7${i}0`)
const FAILING = [1, 3]

function rerunScript(failing: boolean): TestiflyStep[] {
  const tests = RERUN_IDS.map((id, i) => {
    const fails = failing && FAILING.includes(i)
    return {
      id,
      title: `Flow ${i + 1}`,
      status: fails ? 'Failed' : 'Passed',
      ...(fails ? { error: `Flow ${i + 1} broke` } : {})
    }
  })
  return [
    { job: 'Pending' },
    { job: 'InProgress', tests: tests.map((test) => ({ ...test, status: 'Running' })) },
    { job: tests.some((test) => test.status === 'Failed') ? 'Failed' : 'Success', tests }
  ]
}

// ---- a hostile Testifly: every field that reaches the log carries the payload ------------------

function hostileServer(payload: string): SimServer {
  let polls = 0
  return new SimServer()
    .route('execute', 'POST', '/api/testExecution/:p', () => ({
      status: 200,
      body: { success: true, scheduleStatus: 'Success', jobId: `job${payload}` }
    }))
    .route('jobs', 'POST', '/api/jobs/:p', (req): Reply => {
      polls++
      if (polls === 1) return { status: 500, body: { message: `down${payload}` } }
      const jobId = (req.body as { jobIds: string[] }).jobIds[0]
      return {
        status: 200,
        body: {
          success: true,
          jobs: [{ jobId, status: 'Failed', updatedAt: 'x', testRunId: `run${payload}` }],
          missingJobIds: []
        }
      }
    })
    .route('run', 'GET', '/api/testRun/:p/:r', () => ({
      status: 200,
      body: {
        runId: 'r',
        tests: [
          { _id: `t${payload}`, title: `title${payload}`, status: 'Failed', error: `e${payload}` }
        ]
      }
    }))
}

export const testiflyKit: VendorKit = {
  provider: 'testifly',
  display: 'Testifly',
  matrix: {
    simulator: (outcome, key) => testiflySim(outcome, key),
    inputs: (url, key) => ({
      provider: 'testifly',
      'api-key': key,
      'api-url': url,
      'target-id': PROJECT,
      'feature-id': 'feat-1'
    }),
    triggerRoute: 'execute',
    pollRoute: 'jobs',
    total: 3,
    failingTest: 'Checkout charges the card',
    failingError: 'Expected "Order placed" but saw "Card declined"',
    badInput: { inputs: { 'suite-id': 'suite-9' }, message: 'set exactly one of "feature-id"' },
    ignoredInput: { browser: 'FIREFOX' }
  },
  rerun: {
    simulator: (key) =>
      new TestiflySimulator({ apiKey: key, projectId: PROJECT, script: rerunScript(true) }),
    inputs: (url, key) => ({
      provider: 'testifly',
      'api-key': key,
      'api-url': url,
      'target-id': PROJECT,
      'feature-id': 'feat-checkout',
      agent: 'runner-7'
    }),
    triggerRoute: 'execute',
    passNext: (sim) => ((sim as TestiflySimulator).options.script = rerunScript(false)),
    expectRerun: (body) => {
      // The failed tests instead of the feature: exactly one selection, as Testifly takes it.
      expect(Object.keys(body).sort()).toEqual(['action', 'agentName', 'tests'])
      expect([...(body.tests as string[])].sort()).toEqual(FAILING.map((i) => RERUN_IDS[i]))
      expect(body).toMatchObject({ action: 'executeTests', agentName: 'runner-7' })
    },
    expectAll: (body) =>
      expect(body).toEqual({
        action: 'executeTests',
        featureId: 'feat-checkout',
        agentName: 'runner-7'
      })
  },
  hostile: {
    server: hostileServer,
    inputs: () => ({ 'target-id': 'p1', 'feature-id': 'f1' })
  },
  demo: {
    title: 'Testifly (an agent connects late; one test fails)',
    simulator: (key) =>
      new TestiflySimulator({
        apiKey: key,
        projectId: 'proj-demo',
        script: [
          { job: 'Pending' },
          { job: 'PendingAgentConnection' },
          { job: 'PendingAgentConnection' },
          {
            job: 'InProgress',
            tests: [
              { title: 'Login works', status: 'Passed' },
              { title: 'Export CSV', status: 'Running' }
            ]
          },
          {
            job: 'Failed',
            tests: [
              { title: 'Login works', status: 'Passed' },
              {
                title: 'Export CSV',
                status: 'Failed',
                error: 'Download never started',
                timeline: [{ title: 'Click Export', status: 'failed' }]
              }
            ]
          }
        ]
      }),
    inputs: (url, key) => ({
      provider: 'testifly',
      'api-key': key,
      'api-url': url,
      'target-id': 'proj-demo',
      'feature-id': 'feature-reports',
      agent: 'ci-agent'
    }),
    expected: 'failed'
  },
  selfTest: {
    simulator: (key) =>
      new TestiflySimulator({
        apiKey: key,
        projectId: 'sim-project',
        script: [
          { job: 'Pending' },
          {
            job: 'InProgress',
            tests: SELF_TEST_TITLES.map((title) => ({ title, status: 'Running' }))
          },
          { job: 'Success', tests: SELF_TEST_TITLES.map((title) => ({ title, status: 'Passed' })) }
        ]
      }),
    inputs: { 'target-id': 'sim-project', 'feature-id': 'sim-feature' }
  }
}
