import { failedTests, type Digest } from './digest.js'
import type { RunReport, RunStatus, TestResult } from './model.js'

/**
 * Each failure of a PR's run judged against the base branch: the records that runs of the same
 * configuration left on the base branch's latest commits (src/github/base-records.ts reads them)
 * say whether a failed test is new, failed there too, or comes and goes there.
 *
 * A record lists the failed tests of its run, not the passed ones: a test it does not list did not
 * fail there (it passed, or that run did not have it). A record that lists only part of its
 * failures says nothing of the tests it leaves out.
 */

/** A base-branch run whose record was read: signed with the api-key, of this configuration. */
export interface BaseRecord {
  digest: Digest
  /** The check run that carries it. */
  checkUrl?: string
}

/** What reading the base branch found: its records, newest first, or why there are none. */
export interface BaseReading {
  branch: string
  records: BaseRecord[]
  /** Why nothing (or not everything) could be read: the failures are then unknown. */
  problem?: string
  /**
   * No check run of this step's name on the base branch's latest commits, whatever wrote it:
   * testgate does not run there (or writes no check run), so there is nothing to tell a reader.
   */
  absent?: boolean
}

/** A base run compared with, as the summary and the comment name it. */
export interface BaseRun {
  sha: string
  runId: string
  url?: string
  status: RunStatus
  checkUrl?: string
}

export interface BaseComparison {
  branch: string
  /** The base runs compared with, newest first. */
  runs: BaseRun[]
  /** Why no base run could be compared with. */
  problem?: string
  /** The base branch has no check run of this step's name at all (see BaseReading.absent). */
  absent: boolean
  /** Did not fail in the base's recent runs. */
  newFailures: TestResult[]
  /** Failed in the base's latest run that says anything of them. */
  failingOnBase: TestResult[]
  /** Passed in that run, failed in another recent one. */
  flakyOnBase: TestResult[]
  /** No base run says anything of them. */
  unknown: TestResult[]
  /** Failed tests the report counts without listing them: nothing to compare them by. */
  unlisted: number
}

/** What one base record says of a test. */
type Outcome = 'failed' | 'not-failed' | 'unknown'

/**
 * Only a base run that ran its tests to a verdict says anything of them: one that errored, timed
 * out, was cancelled or ran nothing has no results to compare with.
 */
function ranTests(record: BaseRecord): boolean {
  return record.digest.status === 'passed' || record.digest.status === 'failed'
}

function outcomeIn(digest: Digest, id: string): Outcome {
  if (digest.failures.some((failure) => failure.id === id)) return 'failed'
  return digest.unlisted === 0 ? 'not-failed' : 'unknown'
}

export function compareWithBase(reading: BaseReading, report: RunReport): BaseComparison {
  const usable = reading.records.filter(ranTests)
  const failing = failedTests(report.tests)
  const comparison: BaseComparison = {
    branch: reading.branch,
    runs: usable.map(({ digest, checkUrl }) => ({
      sha: digest.sha,
      runId: digest.runId,
      url: digest.url,
      status: digest.status,
      checkUrl
    })),
    problem: usable.length > 0 ? undefined : (reading.problem ?? noResults(reading)),
    absent: reading.absent === true,
    newFailures: [],
    failingOnBase: [],
    flakyOnBase: [],
    unknown: [],
    unlisted: Math.max(0, report.counts.failed + report.counts.errored - failing.length)
  }
  const ambiguous = repeatedIds(report.tests)
  for (const test of failing) {
    // Two tests of this run under one id: a base record of that id cannot say which it was.
    const verdict = ambiguous.has(test.id) ? 'unknown' : classOf(usable, test.id)
    listOf(comparison, verdict).push(test)
  }
  return comparison
}

/** The ids more than one test of the run has. */
function repeatedIds(tests: readonly TestResult[]): Set<string> {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const { id } of tests) (seen.has(id) ? repeated : seen).add(id)
  return repeated
}

type Verdict = 'new' | 'failing' | 'flaky' | 'unknown'

/** From the base runs, newest first: the newest that knows decides, the older ones show a mix. */
function classOf(records: readonly BaseRecord[], id: string): Verdict {
  const known = records
    .map((record) => outcomeIn(record.digest, id))
    .filter((outcome) => outcome !== 'unknown')
  if (known.length === 0) return 'unknown'
  if (known[0] === 'failed') return 'failing'
  return known.includes('failed') ? 'flaky' : 'new'
}

function listOf(comparison: BaseComparison, verdict: Verdict): TestResult[] {
  if (verdict === 'new') return comparison.newFailures
  if (verdict === 'failing') return comparison.failingOnBase
  if (verdict === 'flaky') return comparison.flakyOnBase
  return comparison.unknown
}

function noResults(reading: BaseReading): string {
  return reading.records.length > 0
    ? `the latest runs of this configuration on ${reading.branch} have no test results (they errored, timed out, were cancelled or ran nothing)`
    : `no run of this configuration on ${reading.branch} left a record`
}

/**
 * The failures that count as new for `fail-on: new-failures`: the new ones, those no base run
 * says anything of, and those the report does not list. A failed run whose failures cannot be
 * told apart at all counts as one new failure: without evidence, a failure is new.
 */
export function newFailureCount(report: RunReport, base: BaseComparison | undefined): number {
  const failures = base ? failureCount(base) : report.counts.failed + report.counts.errored
  if (report.status === 'failed' && failures === 0) return 1
  return base ? base.newFailures.length + base.unknown.length + base.unlisted : failures
}

/** How many failures of the run were judged (or counted without a name). */
function failureCount(base: BaseComparison): number {
  return (
    base.newFailures.length +
    base.failingOnBase.length +
    base.flakyOnBase.length +
    base.unknown.length +
    base.unlisted
  )
}

/** Every failure of the run is in one of the lists (or unlisted): nothing to show when none. */
export function hasFailures(base: BaseComparison): boolean {
  return failureCount(base) > 0
}
