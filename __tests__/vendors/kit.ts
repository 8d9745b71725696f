import type { ActionResult } from '../simulators/runner.js'
import type { SimServer } from '../simulators/harness.js'

/**
 * A vendor's test kit: everything the shared test matrices (end to end, re-run, hostile world,
 * the self-test workflow, scripts/simulate.ts and the demo) need of one vendor, in one file
 * beside its simulator and contract. Adding a vendor is its module under src/vendors/ and its kit
 * here, listed in ./index.ts; __tests__/unit/kits.test.ts checks that every vendor has one.
 */
export interface VendorKit {
  /** The name users write in `provider:`. */
  provider: string
  display: string
  /** The shared matrix: one run that passes, or fails one test, of `total` tests. */
  matrix: MatrixCase
  /**
   * Re-running only what failed: 5 tests, the 2nd and 4th failing until `passNext`. A vendor whose
   * module declares no selective re-run runs every test again: its `expectAll` holds for both.
   */
  rerun: RerunCase
  /** A vendor whose every field that reaches the log carries `payload`. */
  hostile: HostileCase
  /** A passing run of 5 tests on a fixed address, for the self-test workflow. */
  selfTest: SelfTestCase
  /** What `npm run demo` shows of the vendor: a run telling its story, and how it should end. */
  demo: DemoCase
}

export interface MatrixCase {
  simulator(outcome: 'pass' | 'fail', key: string): SimServer
  /** The step's inputs aimed at the simulator at `url`. */
  inputs(url: string, key: string): Record<string, string>
  /** The simulator's routes for the trigger and for the look the poll loop repeats. */
  triggerRoute: string
  pollRoute: string
  total: number
  failingTest: string
  failingError: string
  /** An input mistake this vendor stops on before anything is sent, and what it says. */
  badInput: { inputs: Record<string, string>; message: string }
  /** A vendor-specific input of another vendor's, which this one ignores with a warning. */
  ignoredInput: Record<string, string>
}

export interface RerunCase {
  simulator(key: string): SimServer
  inputs(url: string, key: string): Record<string, string>
  triggerRoute: string
  /** Scripts the vendor so that whatever runs next passes. */
  passNext(simulator: SimServer): void
  /**
   * The re-run's trigger selected exactly attempt 1's failures, in the vendor's own field (only
   * asked of a vendor that re-runs a selection).
   */
  expectRerun(body: Record<string, unknown>, first: ActionResult, simulator: SimServer): void
  /** A trigger that runs every test, as on attempt 1. */
  expectAll(body: Record<string, unknown>): void
}

export interface HostileCase {
  server(payload: string): SimServer
  /** The vendor's inputs besides provider, api-key and api-url (`secret`: a second credential). */
  inputs(secret: string): Record<string, string>
}

/** The 5 tests every kit's self-test run reports, as .github/workflows/self-test.yml expects. */
export const SELF_TEST_TITLES = [
  'User can log in',
  'Checkout with a saved card',
  'Search shows results',
  'Profile page loads',
  'Sign out ends the session'
]

export interface SelfTestCase {
  simulator(key: string, secret: string): SimServer
  /** The inputs besides provider, api-key, api-secret and api-url. */
  inputs: Record<string, string>
}

export interface DemoCase {
  title: string
  simulator(key: string, secret: string): SimServer
  inputs(url: string, key: string, secret: string): Record<string, string>
  /** The `status` output the scripted run ends with. */
  expected: string
  /**
   * What the demo's story does next with the same simulator, where the kit tells one: the failed
   * test fixed (for a re-run), then another test broken (for the next commit).
   */
  story?: { fix(simulator: SimServer): void; breakAnother(simulator: SimServer): void }
}
