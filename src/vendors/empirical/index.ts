import { defineVendor } from '../provider.js'
import { DEFAULT_ORIGIN } from './api.js'
import { DISPLAY_NAME, EmpiricalProvider } from './provider.js'

/**
 * Empirical: Playwright tests of a project, run against an environment (and a build's URL). Facts:
 * Empirical's API doc pages, its own GitHub Action (empirical-run/dispatch-action) and its
 * dashboard's public tests; what they leave open, the code says "inferred".
 */
export const empirical = defineVendor({
  name: 'empirical',
  displayName: DISPLAY_NAME,
  inputs: ['url', 'environment', 'variables', 'tags'],
  ownInputs: {},
  capabilities: { rerun: 'run', cancel: true, history: true, testsUrl: true },
  facts: {
    apiUrl: DEFAULT_ORIGIN,
    credentials: '`Authorization: Bearer <api-key>`',
    key: {
      from: "a project's API key, from the Empirical dashboard",
      secrets: ['EMPIRICAL_API_KEY']
    },
    firstRun: "`environment` (on `deployment_status`: the deployment's)",
    sends:
      '`environment`, the build (URL under test, branch, commit SHA, commit URL, the tag of a tag push), metadata (PR number, workflow run URL, actor, repository) and the actor as `github_actor`, `variables`, `tags`',
    rerunSends:
      "`rerun_only_failed: true` with `rerun_source_id`: the previous run's id; `tags` are left out",
    sources: "API doc pages, empirical-run/dispatch-action, the dashboard's public tests"
  },
  create: (deps) => new EmpiricalProvider(deps)
})
