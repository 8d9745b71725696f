// Serves one vendor's simulator on a fixed port, with a passing run of 5 tests scripted (its test
// kit's self-test case), for workflows that run the action with `uses: ./`:
//   tsx scripts/simulate.ts --vendor octomind --port 8787 --key sim-key --secret sim-secret
import { parseArgs } from 'node:util'
import { KITS, kitOf } from '../__tests__/vendors/index.js'

const { values } = parseArgs({
  options: {
    vendor: { type: 'string', default: 'octomind' },
    port: { type: 'string', default: '8787' },
    key: { type: 'string', default: 'sim-key' },
    // Future AGI's second credential
    secret: { type: 'string', default: 'sim-secret' }
  }
})

if (!KITS.some((kit) => kit.provider === values.vendor))
  throw new Error(`--vendor: one of ${KITS.map((kit) => kit.provider).join(', ')}`)
const simulator = kitOf(values.vendor).selfTest.simulator(values.key, values.secret)
simulator.route('health', 'GET', '/healthz', () => ({ status: 200, body: { ok: true } }))
const url = await simulator.start(Number(values.port))
console.log(`${values.vendor} simulator listening on ${url}`)
