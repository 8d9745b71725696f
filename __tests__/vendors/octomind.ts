import { expect } from 'vitest'
import { SimServer, type Reply } from '../simulators/harness.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun,
  versionIdOf
} from '../simulators/octomind.js'
import type { VendorKit } from './kit.js'

/**
 * Octomind's test kit (see ./kit.ts). A test is its test case, else its test-case version;
 * `testCaseVersionIds` selects versions.
 */

export const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'

const inputs = (url: string, key: string) => ({
  provider: 'octomind',
  'api-key': key,
  'api-url': url,
  'target-id': TARGET,
  url: 'https://preview.shop.example'
})

function scripted(cases: ReturnType<typeof sampleTestCases>, failing: readonly number[]) {
  return scriptedRun(
    cases.map((c, i) =>
      failing.includes(i)
        ? { testCaseId: c.id, status: 'FAILED', errorMessage: `step ${i} failed` }
        : { testCaseId: c.id, status: 'PASSED' }
    )
  )
}

// ---- the matrix: 3 test cases named by the case, the 2nd failing -------------------------------

const MATRIX_CASES = sampleTestCases(3)

// ---- re-run: 5 test cases, the 2nd and 4th failing ---------------------------------------------

export const RERUN_CASES = sampleTestCases(5)
const FAILING = [1, 3]

// ---- a hostile Octomind: every field that reaches the log carries the payload -----------------

function hostileServer(payload: string): SimServer {
  let polls = 0
  const report = (status: string) => ({
    id: `rep${payload}`,
    status,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:01:00Z',
    testResults: [
      {
        id: `res${payload}`,
        testCaseVersionId: `ver${payload}`,
        status: status === 'WAITING' ? 'WAITING' : 'FAILED',
        errorMessage: `err${payload}`,
        traceUrl: `https://t.example/${payload}`
      }
    ]
  })
  return new SimServer()
    .route('execute', 'POST', '/api/apiKey/v3/execute', () => ({
      status: 200,
      body: { testReportUrl: `https://app.example/r${payload}`, testReport: report('WAITING') }
    }))
    .route('report', 'GET', '/api/apiKey/v3/test-targets/:t/test-reports/:r', (): Reply => {
      polls++
      if (polls === 1) return { status: 503, body: { message: `down${payload}` } }
      if (polls === 2)
        return { status: 429, body: `slow${payload}`, headers: { 'retry-after': '0' } }
      return { status: 200, body: report('FAILED') }
    })
}

// ---- the demo: six test cases of a shop, the checkout failing first ---------------------------

const DEMO_CASES = sampleTestCases(6)
const DEMO_FAILURE = {
  index: 1,
  message: [
    'Error: expect(locator).toBeVisible() failed',
    '',
    "Locator: getByRole('heading', { name: 'Thank you for your order' })",
    'Expected: visible',
    'Timeout: 5000ms',
    'Error: element(s) not found'
  ].join('\n')
}

function demoScript(failure?: { index: number; message: string }) {
  return scriptedRun(
    DEMO_CASES.map((testCase, i) =>
      i === failure?.index
        ? { testCaseId: testCase.id, status: 'FAILED', errorMessage: failure.message }
        : { testCaseId: testCase.id, status: 'PASSED' }
    ),
    { waitingPolls: 2 }
  )
}

export const octomindKit: VendorKit = {
  provider: 'octomind',
  display: 'Octomind',
  matrix: {
    simulator: (outcome, key) =>
      new OctomindSimulator({
        apiKey: key,
        testCases: MATRIX_CASES,
        shape: 'v3-case',
        script: scripted(MATRIX_CASES, outcome === 'fail' ? [1] : [])
      }),
    inputs,
    triggerRoute: 'execute',
    pollRoute: 'report',
    total: 3,
    failingTest: MATRIX_CASES[1]?.description ?? '',
    failingError: 'step 1 failed',
    badInput: { inputs: { browser: 'netscape' }, message: 'Input "browser": expected one of' },
    ignoredInput: { 'feature-id': 'feat-1' }
  },
  rerun: {
    simulator: (key) =>
      new OctomindSimulator({
        apiKey: key,
        testCases: RERUN_CASES,
        script: scripted(RERUN_CASES, FAILING)
      }),
    inputs: (url, key) => ({ ...inputs(url, key), tags: 'smoke' }),
    triggerRoute: 'execute',
    passNext: (sim) => ((sim as OctomindSimulator).options.script = scripted(RERUN_CASES, [])),
    expectRerun: (body) => {
      expect([...(body.testCaseVersionIds as string[])].sort()).toEqual(
        FAILING.map((i) => versionIdOf(RERUN_CASES[i]!)).sort()
      )
      // The tags narrowed attempt 1 already; with versions they are not sent (see the provider).
      expect(body).not.toHaveProperty('tags')
      expect(body).toMatchObject({ testTargetId: TARGET, environmentName: 'default' })
    },
    expectAll: (body) => {
      expect(body).not.toHaveProperty('testCaseVersionIds')
      expect(body.tags).toEqual(['smoke'])
    }
  },
  hostile: {
    server: hostileServer,
    inputs: () => ({ 'target-id': TARGET, url: 'https://a.example' })
  },
  demo: {
    title: 'Octomind (a preview deployment; one test fails, a poll answered 503)',
    simulator: (key) => {
      const sim = new OctomindSimulator({
        apiKey: key,
        testCases: DEMO_CASES,
        // current v3 reports: results name only their test-case version, which a re-run selects
        script: demoScript(DEMO_FAILURE)
      })
      // A flaky moment while polling, to show it is survived.
      sim.inject('report', null, {
        kind: 'status',
        status: 503,
        body: { message: 'upstream unavailable' }
      })
      return sim
    },
    inputs: (url, key) => ({
      provider: 'octomind',
      'api-key': key,
      'api-url': url,
      'target-id': TARGET,
      url: 'https://shop-git-feature-checkout.vercel.app',
      tags: 'smoke, checkout'
    }),
    expected: 'failed',
    story: {
      fix: (sim) => ((sim as OctomindSimulator).options.script = demoScript()),
      breakAnother: (sim) =>
        ((sim as OctomindSimulator).options.script = demoScript({
          index: 4,
          message: 'Error: expected 3 items in the cart, found 2'
        }))
    }
  },
  selfTest: {
    simulator: (key) => {
      const cases = sampleTestCases(5)
      return new OctomindSimulator({
        apiKey: key,
        testCases: cases,
        script: scriptedRun(
          cases.map((testCase) => ({ testCaseId: testCase.id, status: 'PASSED' })),
          { waitingPolls: 2 }
        )
      })
    },
    inputs: { 'target-id': TARGET, url: 'https://shop.example' }
  }
}
