import type { SimServer } from './harness.js'
import { runAction, type ActionResult } from './runner.js'
import { worldPerTest } from './world.js'
import { vendorModule } from '../../src/vendors/index.js'
import { KITS, kitOf } from '../vendors/index.js'
import type { VendorKit } from '../vendors/kit.js'

/**
 * What the re-run end-to-end files share: a PR, a workflow run whose attempts run the bundle, and
 * each vendor kit's re-run case (5 tests, the 2nd and 4th failing until passNext()). Call
 * `rerunWorld()` at the top of a test file: its simulators start and close around each test.
 */

export const KEY = 'vendor-key-0123456789'
export const GITHUB_TOKEN = 'ghs_rerun_token_0123456789'
export const PR = 31
export const PR_EVENT = {
  pull_request: {
    number: PR,
    node_id: 'PR_31',
    head: { sha: 'beef'.repeat(10), ref: 'feature/rerun' }
  },
  sender: { login: 'octocat' }
}
/** Attempt 1 fails these of the 5 tests (0-based): the 2nd and the 4th. */
export const FAILING = [1, 3]

/** A kit's re-run case bound to the simulator it starts in this test's world. */
export interface RerunCase {
  display: string
  start(): Promise<SimServer>
  inputs(url: string): Record<string, string>
  triggerRoute: string
  passNext(): void
  expectRerun(body: Record<string, unknown>, first: ActionResult): void
  expectAll(body: Record<string, unknown>): void
}

/** The bodies a simulator was sent on a route (its triggers). */
export const triggers = (sim: SimServer, route: string) =>
  sim.requestsTo(route).map((request) => request.body as Record<string, unknown>)

export function rerunWorld() {
  const world = worldPerTest(GITHUB_TOKEN)
  const start = world.start

  function attempt(
    attemptNumber: number,
    inputs: Record<string, string>,
    options: { runId?: string } = {}
  ): Promise<ActionResult> {
    return runAction({
      eventName: 'pull_request',
      event: PR_EVENT,
      githubApiUrl: world.github.url,
      env: { GITHUB_RUN_ID: options.runId ?? '4242', GITHUB_RUN_ATTEMPT: String(attemptNumber) },
      inputs: {
        'poll-interval-seconds': '1',
        'timeout-minutes': '1',
        'github-token': GITHUB_TOKEN,
        ...inputs
      }
    })
  }

  /** testgate's own comment on the PR (the one with its marker). */
  const ourComment = () =>
    world.github.commentsOn(PR).find((comment) => comment.body.startsWith('<!-- testgate:'))

  // ---- the vendors, from their test kits: 5 tests, the 2nd and 4th fail, until passNext() -------

  function caseOf(kit: VendorKit): () => RerunCase {
    return () => {
      let sim: SimServer | undefined
      const started = (): SimServer => {
        if (!sim) throw new Error('start the simulator first')
        return sim
      }
      return {
        display: kit.display,
        start: async () => (sim = await start(kit.rerun.simulator(KEY))),
        inputs: (url) => kit.rerun.inputs(url, KEY),
        triggerRoute: kit.rerun.triggerRoute,
        passNext: () => kit.rerun.passNext(started()),
        expectRerun: (body, first) => kit.rerun.expectRerun(body, first, started()),
        expectAll: (body) => kit.rerun.expectAll(body)
      }
    }
  }

  const octomindCase = caseOf(kitOf('octomind'))
  const testiflyCase = caseOf(kitOf('testifly'))
  const futureAgiCase = caseOf(kitOf('futureagi'))
  const empiricalCase = caseOf(kitOf('empirical'))

  // Every kit, however many; whether its vendor re-runs a selection is its module's to say.
  const CASES = KITS.map((kit) => ({
    display: kit.display,
    make: caseOf(kit),
    selects: vendorModule(kit.provider).capabilities.rerun !== 'none'
  }))

  return {
    world,
    start,
    attempt,
    ourComment,
    octomindCase,
    testiflyCase,
    futureAgiCase,
    empiricalCase,
    CASES
  }
}
