// Serves one vendor's simulator on a fixed port, with a passing run scripted, for workflows that
// run the action with `uses: ./`:
//   tsx scripts/simulate.ts --vendor octomind --port 8787 --key sim-key --secret sim-secret
import { parseArgs } from 'node:util'
import { EmpiricalSimulator } from '../__tests__/simulators/empirical.js'
import { FutureAgiSimulator } from '../__tests__/simulators/futureagi.js'
import type { SimServer } from '../__tests__/simulators/harness.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun
} from '../__tests__/simulators/octomind.js'
import { TestiflySimulator } from '../__tests__/simulators/testifly.js'

const { values } = parseArgs({
  options: {
    vendor: { type: 'string', default: 'octomind' },
    port: { type: 'string', default: '8787' },
    key: { type: 'string', default: 'sim-key' },
    // Future AGI's second credential
    secret: { type: 'string', default: 'sim-secret' }
  }
})
const apiKey = values.key
const titles = sampleTestCases(5).map((testCase) => testCase.description)

const simulators: Record<string, () => SimServer> = {
  octomind: () => {
    const cases = sampleTestCases(5)
    return new OctomindSimulator({
      apiKey,
      testCases: cases,
      script: scriptedRun(
        cases.map((testCase) => ({ testCaseId: testCase.id, status: 'PASSED' })),
        { waitingPolls: 2 }
      )
    })
  },
  // target-id: sim-project
  testifly: () =>
    new TestiflySimulator({
      apiKey,
      projectId: 'sim-project',
      script: [
        { job: 'Pending' },
        { job: 'InProgress', tests: titles.map((title) => ({ title, status: 'Running' })) },
        { job: 'Success', tests: titles.map((title) => ({ title, status: 'Passed' })) }
      ]
    }),
  // target-id: 0b5a4d0e-1111-4222-8333-444455556666, api-secret: the --secret value
  futureagi: () =>
    new FutureAgiSimulator({
      apiKey,
      apiSecret: values.secret,
      runTestId: '0b5a4d0e-1111-4222-8333-444455556666',
      scenarios: titles.map((name, i) => ({
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
  // environment: staging
  empirical: () =>
    new EmpiricalSimulator({
      apiKey,
      environments: ['staging'],
      projectSlug: 'sim-project',
      states: ['queued', 'started', 'ended'],
      tests: titles.map((name) => ({ name, status: 'passed' }))
    })
}

const create = simulators[values.vendor]
if (!create) throw new Error(`--vendor: one of ${Object.keys(simulators).join(', ')}`)
const simulator = create()
simulator.route('health', 'GET', '/healthz', () => ({ status: 200, body: { ok: true } }))
const url = await simulator.start(Number(values.port))
console.log(`${values.vendor} simulator listening on ${url}`)
