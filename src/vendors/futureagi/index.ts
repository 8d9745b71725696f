import { defineVendor } from '../provider.js'
import { DEFAULT_BASE, OWN_INPUTS } from './api.js'
import { DISPLAY_NAME, FutureAgiProvider } from './provider.js'

/**
 * Future AGI: simulated calls with a voice or chat agent, each scored and evaluated. Facts: Future
 * AGI's server code (future-agi/future-agi, futureagi/simulate/, 2026-08-22), which wins where the
 * doc page differs.
 */
export const futureAgi = defineVendor({
  name: 'futureagi',
  displayName: DISPLAY_NAME,
  inputs: ['api-secret', 'target-id', 'test-ids', 'exclude-test-ids'],
  ownInputs: OWN_INPUTS,
  // Each call's overall_score [server: CallExecution.overall_score].
  capabilities: { rerun: 'tests', cancel: true, history: true, scores: true },
  facts: {
    apiUrl: DEFAULT_BASE,
    credentials: '`X-Api-Key: <api-key>` and `X-Secret-Key: <api-secret>`',
    key: {
      from: "the API key and secret key pair of the Future AGI account's keys",
      secrets: ['FUTUREAGI_API_KEY', 'FUTUREAGI_SECRET_KEY']
    },
    firstRun: '`api-secret`, `target-id`',
    target: { names: 'the run test', from: "the run test's id (a UUID)" },
    sends: 'the run test (`target-id`), the scenario ids and `simulator-id`. No GitHub context',
    rerunSends:
      "`scenario_ids`: the failed calls' scenarios, each once, left out if the run test no longer has it",
    sources: 'server code (future-agi/future-agi, futureagi/simulate/, 2026-08-22), doc pages'
  },
  create: (deps) => new FutureAgiProvider(deps)
})
