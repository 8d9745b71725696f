import type { EmpiricalOptions } from './empirical.js'
import type { FutureAgiOptions } from './futureagi.js'
import { runAction, type ActionRun } from './runner.js'
import type { TestiflyOptions } from './testifly.js'
import { worldPerTest, type World } from './world.js'
import { empiricalSim } from '../vendors/empirical.js'
import { futureAgiSim } from '../vendors/futureagi.js'
import { testiflySim } from '../vendors/testifly.js'

/**
 * What the vendors' end-to-end files share: one vendor key, a pull request, and a run of the bundle
 * on it with a 1 s poll and a 1 min timeout. Call `vendorWorld()` at the top of a test file: its
 * simulators start and close around each test.
 */

export const KEY = 'vendor-key-0123456789'
export const GITHUB_TOKEN = 'ghs_matrix_token'
export const PR_EVENT = {
  pull_request: {
    number: 21,
    node_id: 'PR_21',
    head: { sha: 'cafe'.repeat(10), ref: 'feature/agents' }
  }
}

type Outcome = 'pass' | 'fail'

export function vendorWorld() {
  const world: World = worldPerTest(GITHUB_TOKEN)
  const run = (inputs: Record<string, string>, overrides: Partial<ActionRun> = {}) =>
    runAction({
      eventName: 'pull_request',
      event: PR_EVENT,
      githubApiUrl: world.github.url,
      ...overrides,
      inputs: {
        'poll-interval-seconds': '1',
        'timeout-minutes': '1',
        'github-token': GITHUB_TOKEN,
        ...inputs
      }
    })
  return {
    world,
    start: world.start,
    run,
    testiflySim: (outcome: Outcome, options: Partial<TestiflyOptions> = {}) =>
      testiflySim(outcome, KEY, options),
    futureAgiSim: (outcome: Outcome, options: Partial<FutureAgiOptions> = {}) =>
      futureAgiSim(outcome, KEY, options),
    empiricalSim: (outcome: Outcome, options: Partial<EmpiricalOptions> = {}) =>
      empiricalSim(outcome, KEY, options)
  }
}
