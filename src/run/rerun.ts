import type { RunContext } from '../github/context.js'
import type { PreviousRun } from '../github/previous.js'
import type { Settings } from '../core/inputs.js'
import { rerunFallbackLine, type RerunSelection } from '../vendors/provider.js'
import { selectionKey, type Digest, type DigestFailure } from '../report/digest.js'
import {
  countTests,
  type Counts,
  type EarlierAttempt,
  type RunReport,
  type RunStatus,
  type TestResult
} from '../report/model.js'

/**
 * `rerun: failed`: on a re-run of the workflow, only the tests that failed in the attempt before,
 * as the digest in testgate's own PR comment lists them. Everything else (no comment, an older
 * testgate's comment, a digest of another workflow run) runs every test, and says why.
 */

export interface RerunPlan {
  /** The tests to run; unset: run every test. */
  selection?: RerunSelection
  /** The attempt the selection comes from. */
  earlier?: Digest
  /** A line for the log: what is re-run, or why everything runs. */
  explanation?: string
}

/** Whether this run should look for the previous attempt's failures before it starts. */
export function wantsRerun(settings: Settings, context: RunContext): boolean {
  return settings.rerun === 'failed' && (context.runAttempt ?? 1) > 1
}

/**
 * `vendorProblem` is the provider's `rerunProblem`: why the vendor cannot select these keys (e.g.
 * Empirical's run id is not an integer); then every test runs, and the earlier passes are not
 * added to a run that ran them again.
 */
export function planRerun(
  context: RunContext,
  previous: PreviousRun,
  vendorProblem?: (selection: RerunSelection) => string | undefined
): RerunPlan {
  const { digest } = previous
  const refusal = digest ? refusalOf(digest, context) : previous.reason
  if (!digest || refusal)
    return { explanation: rerunFallbackLine(refusal ?? 'the PR comment has no record') }
  const keys = [...new Set(digest.failures.map(selectionKey))]
  const problem = vendorProblem?.({ previousRunId: digest.runId, keys })
  if (problem) return { explanation: rerunFallbackLine(problem) }
  const failed = digest.failures.length
  const tests = failed === 1 ? 'the 1 test that' : `the ${failed} tests that`
  // Several calls of one scenario are one selection: say so when the counts differ.
  const sent = keys.length === failed ? '' : ` (${keys.length} to select)`
  const link = digest.url ? `: ${digest.url}` : ''
  return {
    selection: { previousRunId: digest.runId, keys },
    earlier: digest,
    explanation: `Re-running ${tests} failed in attempt ${digest.attempt}${sent}${link}`
  }
}

/** Why a digest cannot choose this attempt's tests; undefined when it can. */
function refusalOf(digest: Digest, context: RunContext): string | undefined {
  const attempt = `attempt ${digest.attempt ?? '?'}`
  if (!digest.workflowRunId || digest.workflowRunId !== context.workflowRunId)
    return `the PR comment records workflow run ${digest.workflowRunId ?? '(unknown)'}, not an earlier attempt of this one`
  if (!digest.attempt || digest.attempt >= (context.runAttempt ?? 1))
    return `the PR comment records ${attempt}, not an earlier one`
  if (digest.status !== 'failed')
    return `${attempt} ended ${digest.status}, not with failed tests, so there is nothing to narrow to`
  if (digest.unlisted > 0)
    return `${attempt} had ${digest.failures.length + digest.unlisted} failed tests, more than its digest lists (${digest.failures.length})`
  return digest.failures.length === 0 ? `${attempt} had no failed tests` : undefined
}

/**
 * The re-run's report, checked against the selection it asked for, with the earlier attempt's
 * passes counted. No vendor documents what it does with an id it no longer knows, so nothing is
 * taken on trust:
 * - every failure of the earlier attempt must come back with a result: one without (not run, or
 *   only skipped) counts as failed, "not re-run";
 * - a test outside the selection is reported and never counted as a pass; one that failed is a
 *   failure of this commit and counts;
 * - the earlier attempt's passes outside the selection count as passed: they passed on this
 *   commit and were not run again. Their names are not kept (the record holds failures only), so
 *   they count in the totals and the pass rate, not in the list of tests.
 * A run the vendor did not finish (cancelled, timed out) keeps its status; what it left undone is
 * not turned into failures.
 */
export function rerunReport(report: RunReport, earlier: Digest, vendor: string): RunReport {
  const finished = FINISHED.has(report.status)
  const selected = new Set(earlier.failures.map((failure) => failure.id))
  const keys = new Set(earlier.failures.map(selectionKey))
  const inSelection = (test: TestResult): boolean =>
    selected.has(test.id) || keys.has(selectionKey(test))
  const outside = report.tests.filter((test) => !inSelection(test))
  // Every result is kept: a test the vendor returns twice (one failed, one passed) is judged by
  // both, as a run that was not a re-run would judge it.
  const results = report.tests.filter(inSelection)
  const answered = new Set(results.filter(hasResult).map((test) => test.id))
  const missing = earlier.failures.filter((failure) => !answered.has(failure.id))
  const notRerun = finished ? missing.map((failure) => notRerunTest(failure, vendor)) : []
  const tests = [
    ...results.filter((test) => (finished ? hasResult(test) : true)),
    ...notRerun,
    ...outside.filter(isFailure)
  ]
  const own = countTests(tests)
  const counts = {
    ...own,
    passed: own.passed + earlier.passedOutside,
    total: own.total + earlier.passedOutside
  }
  const rerunOf: EarlierAttempt = {
    attempt: earlier.attempt ?? 0,
    runId: earlier.runId,
    url: earlier.url,
    rerun: earlier.failures.length,
    passed: earlier.passedOutside,
    notRerun: notRerun.length,
    outside: outside.filter((test) => !isFailure(test)).map((test) => test.name)
  }
  const status = finished ? rerunStatus(report.status, own) : report.status
  return { ...report, status, counts, tests, rerunOf }
}

const FINISHED: ReadonlySet<RunStatus> = new Set(['passed', 'failed', 'errored', 'no-tests'])

/** A selected test came back with a result: it ran to a pass or a failure, or the team muted it. */
function hasResult(test: TestResult): boolean {
  return test.status !== 'skipped' || test.suppressed !== undefined
}

function isFailure(test: TestResult): boolean {
  return test.status === 'failed' || test.status === 'errored'
}

function notRerunTest(failure: DigestFailure, vendor: string): TestResult {
  return {
    id: failure.id,
    ...(failure.rerunKey ? { rerunKey: failure.rerunKey } : {}),
    name: failure.id,
    status: 'failed',
    error: `Not re-run by ${vendor}: it failed in the earlier attempt, was selected again, and the re-run has no result for it. It counts as failed.`,
    links: []
  }
}

/** The re-run's status from its checked tests: a selection that did not all pass fails. */
function rerunStatus(vendorStatus: RunStatus, counts: Counts): RunStatus {
  if (counts.failed + counts.errored > 0) return 'failed'
  if (vendorStatus === 'errored' || counts.pending > 0) return 'errored'
  return 'passed'
}
