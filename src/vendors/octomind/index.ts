import { defineVendor } from '../provider.js'
import { DEFAULT_ORIGIN, OWN_INPUTS } from './api.js'
import { DISPLAY_NAME, OctomindProvider } from './provider.js'

/**
 * Octomind: end-to-end tests of a web app, run against the URL under test. Facts: Octomind's
 * OpenAPI file (OctoMind-dev/cli `openapi.yaml` at f9ca737, 2026-01), its doc pages and its own
 * GitHub Action; what they leave open, the code says "inferred".
 */
export const octomind = defineVendor({
  name: 'octomind',
  displayName: DISPLAY_NAME,
  inputs: ['target-id', 'url', 'environment', 'variables', 'tags'],
  ownInputs: OWN_INPUTS,
  capabilities: { rerun: 'tests', history: true, testsUrl: true },
  facts: {
    apiUrl: `${DEFAULT_ORIGIN}/api`,
    credentials: '`x-api-key: <api-key>`',
    key: {
      from: "an organisation's API key, created in the Octomind app's settings",
      secrets: ['OCTOMIND_API_KEY']
    },
    firstRun: "`target-id`, `url` (on `deployment_status`: the deployment's)",
    target: { names: 'the test target', from: "the test target's id in the Octomind app (a UUID)" },
    sends:
      "the test target, the URL under test, `environment`, `variables`, `tags`, `browser`, `breakpoint`, and a `github` context: repository owner and name, the commit SHA and ref under test, the PR number and node id, and the actor's login",
    rerunSends:
      "`testCaseVersionIds`: the failed results' test case versions; `tags` are left out (the versions were chosen by them already), browser, breakpoint and variables stay",
    sources:
      'OpenAPI file (OctoMind-dev/cli f9ca737, 2026-01), doc pages, the official GitHub Action'
  },
  create: (deps) => new OctomindProvider(deps)
})
