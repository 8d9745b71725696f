// Serves the Octomind simulator on a fixed port for workflows that run the action with `uses: ./`.
//   tsx scripts/simulate.ts --port 8787 --key sim-key [--fail]
import { parseArgs } from 'node:util'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun
} from '../__tests__/simulators/octomind.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    key: { type: 'string', default: 'sim-key' },
    fail: { type: 'boolean', default: false }
  }
})

const cases = sampleTestCases(5)
const finals = cases.map((testCase, i) => ({
  testCaseId: testCase.id,
  status: values.fail && i === 1 ? 'FAILED' : 'PASSED',
  ...(values.fail && i === 1
    ? { errorMessage: 'Expected the order confirmation to be visible' }
    : {})
}))
const simulator = new OctomindSimulator({
  apiKey: values.key,
  testCases: cases,
  script: scriptedRun(finals, { waitingPolls: 2 })
})
simulator.route('health', 'GET', '/healthz', () => ({ status: 200, body: { ok: true } }))
const url = await simulator.start(Number(values.port))
console.log(`Octomind simulator listening on ${url}`)
