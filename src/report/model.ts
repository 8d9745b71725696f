/** The normalized report every provider produces and every sink consumes. */

export const RUN_STATUSES = [
  'queued',
  'running',
  'passed',
  'failed',
  'errored',
  'cancelled',
  'timed-out',
  /** The vendor finished the run, but no test ran: not a pass. */
  'no-tests'
] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export const TEST_STATUSES = [
  'passed',
  'failed',
  'skipped',
  'errored',
  'running',
  'queued'
] as const
export type TestStatus = (typeof TEST_STATUSES)[number]

export interface Link {
  label: string
  url: string
  /** page: the vendor's web page for the test; artifact: a file it produced (trace, video, recording). */
  kind?: 'page' | 'artifact'
}

export interface TestResult {
  id: string
  /**
   * What the vendor's own selection takes to run this test again (Octomind's test case version id,
   * Future AGI's scenario id), when that is not `id`. A re-run of failed tests sends these.
   */
  rerunKey?: string
  name: string
  /**
   * A shorter label for the summary and the comment, where `name` is only an id (an Octomind
   * test-case version): JUnit, Testmo and the report file keep `name`, which stays unique.
   */
  shortName?: string
  status: TestStatus
  durationMs?: number
  error?: string
  /** Passed only after retries: shown as passed, and flagged. */
  flaky?: boolean
  /** The vendor's overall score of the test, where it scores them (agent simulations). */
  score?: number
  /**
   * What the vendor sent in place of a score that is not one on its scale (Future AGI's 0/1
   * fallback), shown beside the test and never judged, e.g. "none (fallback 1)".
   */
  scoreNote?: string
  /**
   * Set by the verdict policy, on a test the vendor passed that a score threshold fails (its score
   * below min-score): shown and counted as failed by the summary, the comment and the outputs.
   */
  belowThreshold?: { rule: 'min-score' | 'min-average-score'; threshold: number }
  /**
   * A failure the vendor suppresses by the team's choice (a snoozed or muted test): counted as
   * skipped, and this says why, e.g. "failed; snoozed in Empirical".
   */
  suppressed?: string
  links: Link[]
}

export interface Counts {
  total: number
  passed: number
  failed: number
  errored: number
  skipped: number
  /** Tests not finished yet (queued or running). */
  pending: number
}

export interface RunReport {
  provider: string
  /** What was run: the vendor's target (test target, project, run test). */
  targetId?: string
  runId: string
  url?: string
  status: RunStatus
  startedAt?: string
  finishedAt?: string
  counts: Counts
  tests: TestResult[]
  /** Why the run ended the way it did when the vendor gave no verdict (timeout, lost contact). */
  note?: string
  /** What a run that is not running yet waits for, e.g. "waiting for an agent to connect". */
  phase?: string
  /** Set on a re-run of an earlier attempt's failed tests (`rerun: failed`). */
  rerunOf?: EarlierAttempt
}

/** The attempt a re-run repeated the failed tests of. */
export interface EarlierAttempt {
  /** The workflow's attempt number. */
  attempt: number
  /** The vendor's run of that attempt, and its page. */
  runId: string
  url?: string
  /** How many of its failed tests this run repeated. */
  rerun: number
  /**
   * Its passed tests outside the re-run's selection: counted as passed in this report's counts,
   * not listed in its tests.
   */
  passed: number
  /** Tests of the selection the vendor returned no result for: counted as failed. */
  notRerun: number
  /** Names of tests the vendor ran though they were not selected and that did not fail: not counted. */
  outside: string[]
}

/**
 * What the vendor says of the run as a whole, before its tests are judged: still waiting, running,
 * finished (no claim about the tests), failed (a vendor-side failure or verdict), or cancelled.
 */
export type VendorSignal = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled'

/** One look at a run, as a provider maps it: the vendor's signal and tests, no verdict yet. */
export type Observation = Omit<RunReport, 'status'> & { signal: VendorSignal }

const TERMINAL: ReadonlySet<RunStatus> = new Set([
  'passed',
  'failed',
  'errored',
  'cancelled',
  'timed-out',
  'no-tests'
])

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.has(status)
}

/** The vendor is done with the run (whatever its tests say). */
export function isFinalSignal(signal: VendorSignal): boolean {
  return signal !== 'queued' && signal !== 'running'
}

export function countTests(tests: readonly TestResult[]): Counts {
  const counts: Counts = {
    total: tests.length,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    pending: 0
  }
  for (const test of tests) {
    if (test.status === 'running' || test.status === 'queued') counts.pending++
    else counts[test.status]++
  }
  return counts
}

/** Failed and errored tests first, then the rest; stable within each group. */
export function failuresFirst(tests: readonly TestResult[]): TestResult[] {
  const rank = (t: TestResult): number => (t.status === 'failed' || t.status === 'errored' ? 0 : 1)
  return [...tests].sort((a, b) => rank(a) - rank(b))
}

/** Where a report's tests live, for tools that group them: the vendor and what it ran. */
export function testFolder(report: RunReport): string {
  return `${report.provider}/${report.targetId ?? 'default'}`
}
