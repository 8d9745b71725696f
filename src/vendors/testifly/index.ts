import { defineVendor } from '../provider.js'
import { DEFAULT_ORIGIN, OWN_INPUTS } from './api.js'
import { DISPLAY_NAME, TestiflyProvider } from './provider.js'

/**
 * Testifly: a project's tests run by an agent (a runner) against the app the project points at.
 * Facts: Testifly's "Test Execution API Workflow" page (read 2026-11), its only public API page.
 */
export const testifly = defineVendor({
  name: 'testifly',
  displayName: DISPLAY_NAME,
  inputs: ['target-id', 'test-ids'],
  ownInputs: OWN_INPUTS,
  capabilities: { rerun: 'tests' },
  facts: {
    apiUrl: DEFAULT_ORIGIN,
    credentials: '`x-api-key: <api-key>`',
    key: { from: "the project's API key", secrets: ['TESTIFLY_API_KEY'] },
    firstRun: '`target-id` and one of `feature-id`, `suite-id`, `test-ids`',
    target: { names: 'the project', from: "the project's id (24 hexadecimal digits)" },
    sends:
      'the project (`target-id`), the selection (`feature-id`, `suite-id` or `test-ids`) and `agent`. No GitHub context',
    rerunSends:
      "`tests` (`testId` for one): the failed tests' `_id`s, instead of `feature-id` / `suite-id` / `test-ids`",
    sources:
      '"Test Execution API Workflow" (testifly.dev/documentation/test-execution-api, read 2026-11)'
  },
  create: (deps) => new TestiflyProvider(deps)
})
