import { expect } from 'vitest'
import {
  EmpiricalSimulator,
  type EmpiricalOptions,
  type EmpiricalTest
} from '../simulators/empirical.js'
import { SimServer, type Reply } from '../simulators/harness.js'
import { SELF_TEST_TITLES, type VendorKit } from './kit.js'

/** Empirical's test kit (see ./kit.ts). The key is a project key: no target. */

export function empiricalSim(
  outcome: 'pass' | 'fail',
  key: string,
  options: Partial<EmpiricalOptions> = {}
): EmpiricalSimulator {
  return new EmpiricalSimulator({
    apiKey: key,
    environments: ['staging', 'preview', 'production'],
    projectSlug: 'acme-shop',
    states: ['queued', 'started', 'ended'],
    tests: [
      { name: 'home page renders', status: 'passed' },
      { name: 'search returns products', status: outcome === 'fail' ? 'failed' : 'passed' },
      { name: 'checkout completes', status: 'flaky' }
    ],
    ...options
  })
}

// ---- re-run: 5 specs, the 2nd and 4th failing; Empirical picks the failed ones itself ---------

const FAILING = [1, 3]
const rerunTests = (failing: boolean): EmpiricalTest[] =>
  [0, 1, 2, 3, 4].map((i) => ({
    name: `spec ${i + 1}`,
    status: failing && FAILING.includes(i) ? 'failed' : 'passed'
  }))

// ---- a hostile Empirical: every field that reaches the log carries the payload ---------------

function hostileServer(payload: string): SimServer {
  let reads = 0
  return new SimServer()
    .route('trigger', 'PUT', '/api/test-runs', () => ({
      status: 200,
      body: { data: { test_run: { id: 77, state: 'queued' } } }
    }))
    .route('list', 'GET', '/api/test-runs', (): Reply => {
      reads++
      if (reads === 1) return { status: 503, body: { error: `down${payload}` } }
      return {
        status: 200,
        body: {
          data: {
            project: { slug: `slug${payload}` },
            test_runs: {
              items: [{ id: 77, state: 'error', total_count: 1, error_code: payload }]
            }
          }
        }
      }
    })
    .route('run', 'GET', '/api/test-runs/:id', () => ({
      status: 200,
      body: {
        data: {
          test_run: {
            testRun: { id: 77, state: 'error', error_code: `code${payload}` },
            flattenedSummaryDetails: [
              { name: `name${payload}`, status: 'failed', error: `e${payload}` }
            ]
          }
        }
      }
    }))
}

export const empiricalKit: VendorKit = {
  provider: 'empirical',
  display: 'Empirical',
  matrix: {
    simulator: (outcome, key) => empiricalSim(outcome, key),
    inputs: (url, key) => ({
      provider: 'empirical',
      'api-key': key,
      'api-url': url,
      environment: 'staging'
    }),
    triggerRoute: 'trigger',
    pollRoute: 'list',
    total: 3,
    failingTest: 'search returns products',
    failingError: '',
    badInput: {
      inputs: { environment: '' },
      message: 'Input "environment" is required for Empirical'
    },
    ignoredInput: { 'target-id': 'abc' }
  },
  rerun: {
    simulator: (key) =>
      new EmpiricalSimulator({
        apiKey: key,
        environments: ['staging'],
        projectSlug: 'acme-shop',
        states: ['queued', 'started', 'ended'],
        tests: rerunTests(true)
      }),
    inputs: (url, key) => ({
      provider: 'empirical',
      'api-key': key,
      'api-url': url,
      environment: 'staging',
      tags: '@smoke'
    }),
    triggerRoute: 'trigger',
    passNext: (sim) => ((sim as EmpiricalSimulator).options.tests = rerunTests(false)),
    expectRerun: (body, first, sim) => {
      expect(body).toMatchObject({
        environment: 'staging',
        rerun_source_id: Number(first.outputs['run-id']),
        rerun_only_failed: true
      })
      expect(body).not.toHaveProperty('tags')
      // Empirical ran the source run's 2 failures again, nothing else.
      const rerun = [...(sim as EmpiricalSimulator).runs.values()].at(-1)
      expect(rerun?.tests.map((test) => test.name).sort()).toEqual(['spec 2', 'spec 4'])
    },
    expectAll: (body) => {
      expect(body).not.toHaveProperty('rerun_source_id')
      expect(body).not.toHaveProperty('rerun_only_failed')
      expect(body.tags).toEqual(['@smoke'])
    }
  },
  hostile: {
    server: hostileServer,
    inputs: () => ({ environment: 'staging' })
  },
  demo: {
    title: 'Empirical (one flaky test)',
    simulator: (key) =>
      new EmpiricalSimulator({
        apiKey: key,
        environments: ['staging'],
        projectSlug: 'acme-shop',
        states: ['queued', 'started', 'ended'],
        tests: [
          { name: 'home page renders', status: 'passed' },
          { name: 'checkout completes', status: 'flaky' },
          { name: 'search returns products', status: 'passed' }
        ]
      }),
    inputs: (url, key) => ({
      provider: 'empirical',
      'api-key': key,
      'api-url': url,
      environment: 'staging',
      url: 'https://staging.shop.example'
    }),
    expected: 'passed'
  },
  selfTest: {
    simulator: (key) =>
      new EmpiricalSimulator({
        apiKey: key,
        environments: ['staging'],
        projectSlug: 'sim-project',
        states: ['queued', 'started', 'ended'],
        tests: SELF_TEST_TITLES.map((name) => ({ name, status: 'passed' }))
      }),
    inputs: { url: 'https://shop.example', environment: 'staging' }
  }
}
