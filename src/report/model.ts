/** The normalized report every provider produces and every sink consumes. */

export const RUN_STATUSES = [
  'queued',
  'running',
  'passed',
  'failed',
  'errored',
  'cancelled',
  'timed-out'
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
  name: string
  status: TestStatus
  durationMs?: number
  error?: string
  /** Passed only after retries: shown as passed, and flagged. */
  flaky?: boolean
  /** The vendor's overall score of the test, where it scores them (agent simulations). */
  score?: number
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
}

const TERMINAL: ReadonlySet<RunStatus> = new Set([
  'passed',
  'failed',
  'errored',
  'cancelled',
  'timed-out'
])

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.has(status)
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
