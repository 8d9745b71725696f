import { failedTests, type Digest } from './digest.js'
import type { RunReport, TestResult } from './model.js'

/**
 * What changed since the last run the sticky comment recorded: failures that are new, failures
 * that remain, tests fixed since, and tests that failed and then passed on the same commit (flaky:
 * the code did not change, the outcome did).
 */

export interface Changes {
  /** The commit and vendor run compared against. */
  since: { sha: string; runId: string; url?: string; sameCommit: boolean }
  newFailures: TestResult[]
  stillFailing: TestResult[]
  /** Failed last time, passed now on another commit. */
  fixed: TestResult[]
  /** Failed last time, passed now on the same commit. */
  flaky: TestResult[]
  /** Failed last time and not in this run at all (removed, renamed, or not selected). */
  gone: number
  /**
   * The last run had more failures than its digest lists: tests it does not list cannot be told
   * apart from new failures, so only the counts are compared.
   */
  incomplete?: { listed: number; failed: number }
}

export function changesSince(previous: Digest, report: RunReport, sha: string): Changes {
  const since = {
    sha: previous.sha,
    runId: previous.runId,
    url: previous.url,
    sameCommit: previous.sha === sha
  }
  const before = new Set(previous.failures.map((failure) => failure.id))
  const failing = failedTests(report.tests)
  const byId = new Map(report.tests.map((test) => [test.id, test]))
  const passedNow = [...before].flatMap((id) => {
    const test = byId.get(id)
    return test?.status === 'passed' ? [test] : []
  })
  const changes: Changes = {
    since,
    newFailures: failing.filter((test) => !before.has(test.id)),
    stillFailing: failing.filter((test) => before.has(test.id)),
    fixed: since.sameCommit ? [] : passedNow,
    flaky: since.sameCommit ? passedNow : [],
    gone: [...before].filter((id) => !byId.has(id)).length
  }
  if (previous.unlisted === 0) return changes
  const failed = previous.failures.length + previous.unlisted
  return { ...changes, incomplete: { listed: previous.failures.length, failed } }
}

/** Nothing to tell: no failure came, went or stayed. */
export function isQuiet(changes: Changes): boolean {
  return (
    changes.newFailures.length +
      changes.stillFailing.length +
      changes.fixed.length +
      changes.flaky.length +
      changes.gone ===
    0
  )
}
