import type { FailOnItem } from '../core/inputs.js'
import { plural } from '../core/text.js'
import { newFailureCount, type BaseComparison } from './base.js'
import { isTerminal, type RunReport, type RunStatus, type TestResult } from './model.js'

/**
 * The verdict policy: which run statuses fail the step (`fail-on`) and the thresholds a run must
 * meet (`min-pass-rate`, `min-score`, `min-average-score`). One pure function evaluates it; the
 * summary and the comment show its result, the step outputs carry it and decide() ends the step
 * with it, so all of them name the same rule.
 */

export interface VerdictPolicy {
  /**
   * The statuses that fail the step; empty under `fail-on: never`. `new-failures` in place of
   * `failed`: a failed run fails it only with a failure new against the base branch.
   */
  failOn: readonly FailOnItem[]
  /** Percent (0–100) of executed tests that must pass. */
  minPassRate?: number
  /** The lowest score any scored test may have. */
  minScore?: number
  /** The lowest mean score over the scored tests. */
  minAverageScore?: number
  /** min-pass-rate judges failed tests (fail-on was left unset): `failOn` leaves `failed` out. */
  failedJudgedByRate?: boolean
}

/**
 * The input whose rule failed the run, or `none` when no rule did; `new-failures` is fail-on's
 * judging of failed tests against the base branch.
 */
export type DecidingRule =
  'fail-on' | 'new-failures' | 'min-pass-rate' | 'min-score' | 'min-average-score' | 'none'

export type ThresholdRule = Exclude<DecidingRule, 'fail-on' | 'new-failures' | 'none'>

/** One threshold as the run measured against it. */
export interface ThresholdCheck {
  rule: ThresholdRule
  threshold: number
  /** The run's figure: a percent, the lowest score or the mean score; undefined when unmeasured. */
  value?: number
  /** How many tests the figure is over (executed or scored). */
  over: number
  /** Tests below `min-score` (only for that rule). */
  below?: number
  /** Executed tests without a score (score rules only): not judged, and said so. */
  unscored?: number
  /** Met, failed, or not applicable (nothing to measure in a run that has its own verdict). */
  outcome: 'met' | 'failed' | 'not-applicable'
}

export interface PolicyVerdict {
  /** The run fails the step. */
  fails: boolean
  /** The first rule that failed the run, in the order fail-on, min-pass-rate, min-score, min-average-score. */
  decidedBy: DecidingRule
  /** Every rule that failed the run, in that order. */
  failedRules: DecidingRule[]
  /** The statuses that fail the step, as the policy had them. */
  failOn: readonly FailOnItem[]
  /** The thresholds set, measured. */
  checks: ThresholdCheck[]
  /** Failed tests were judged by min-pass-rate rather than fail-on. */
  failedJudgedByRate: boolean
  /** Under `fail-on: new-failures`, a failed run's failures that count as new, and against what. */
  newFailures?: { count: number; branch?: string }
  /**
   * A failed run's tests the vendor left unfinished, where fail-on failed the run as errored for
   * them and not for its failures (see runStatuses).
   */
  unfinished?: number
}

/**
 * Evaluates the policy against a report; a run without a verdict yet (wait: false) fails nothing.
 * `base` judges failed tests under `fail-on: new-failures`; without it, every failure is new.
 */
export function evaluatePolicy(
  report: RunReport,
  policy: VerdictPolicy,
  base?: BaseComparison
): PolicyVerdict {
  const judged = isTerminal(report.status)
  const checks = judged ? thresholdChecks(report, policy) : []
  const failedRules: DecidingRule[] = []
  const newFailures = judgesNewFailures(report, policy)
    ? { count: newFailureCount(report, base), branch: base?.branch }
    : undefined
  const failedOn = judged
    ? runStatuses(report).find((status) => failsOnStatus(status, policy.failOn))
    : undefined
  if (failedOn) failedRules.push('fail-on')
  else if (newFailures && newFailures.count > 0) failedRules.push('new-failures')
  for (const check of checks) if (check.outcome === 'failed') failedRules.push(check.rule)
  return {
    fails: failedRules.length > 0,
    decidedBy: failedRules[0] ?? 'none',
    failedRules,
    failOn: policy.failOn,
    checks,
    failedJudgedByRate: policy.failedJudgedByRate === true,
    ...(newFailures ? { newFailures } : {}),
    ...(failedOn && failedOn !== report.status ? { unfinished: report.counts.pending } : {})
  }
}

/**
 * The statuses fail-on judges a run by: its own, and `errored` too for a failed run the vendor
 * ended with tests unfinished. Its failures must not hide those tests from fail-on: the rules that
 * let failures pass (min-pass-rate, new-failures) judge the tests that finished, not the others.
 */
function runStatuses(report: RunReport): RunStatus[] {
  return report.status === 'failed' && report.counts.pending > 0
    ? ['failed', 'errored']
    : [report.status]
}

/** A failed run under `fail-on: new-failures`: its failures are judged against the base branch. */
function judgesNewFailures(report: RunReport, policy: VerdictPolicy): boolean {
  return report.status === 'failed' && policy.failOn.includes('new-failures')
}

export function failsOnStatus(status: RunStatus, failOn: readonly FailOnItem[]): boolean {
  return (failOn as readonly string[]).includes(status)
}

function thresholdChecks(report: RunReport, policy: VerdictPolicy): ThresholdCheck[] {
  const checks: ThresholdCheck[] = []
  if (policy.minPassRate !== undefined) checks.push(passRateCheck(report, policy.minPassRate))
  if (policy.minScore !== undefined) checks.push(minScoreCheck(report, policy.minScore))
  if (policy.minAverageScore !== undefined)
    checks.push(averageScoreCheck(report, policy.minAverageScore))
  return checks
}

/**
 * Tests that ran to a pass or a failure. A failure the vendor suppresses (snoozed, muted) is left
 * out, as the verdict leaves it out: the team chose not to count it.
 */
export function executedTests(report: RunReport): number {
  const { counts } = report
  return counts.passed + counts.failed + counts.errored
}

/** Percent of executed tests that passed; undefined when none ran. */
export function passRate(report: RunReport): number | undefined {
  const executed = executedTests(report)
  return executed === 0 ? undefined : (report.counts.passed * 100) / executed
}

function passRateCheck(report: RunReport, threshold: number): ThresholdCheck {
  const executed = executedTests(report)
  const rate = passRate(report)
  if (rate === undefined)
    return { rule: 'min-pass-rate', threshold, over: 0, outcome: 'not-applicable' }
  // Compared in whole numbers: 9 of 10 meets 90 exactly, with no rounding in between.
  const met = report.counts.passed * 100 >= threshold * executed
  return {
    rule: 'min-pass-rate',
    threshold,
    value: rate,
    over: executed,
    outcome: met ? 'met' : 'failed'
  }
}

/** The scores of the tests that have one (agent simulations score each call). */
export function scores(report: RunReport): number[] {
  return report.tests.flatMap((test) => (test.score === undefined ? [] : [test.score]))
}

/**
 * A run whose executed tests have no score cannot show it meets a score threshold: it fails it,
 * rather than pass a gate nobody could check. A run with no executed test has its own verdict.
 */
function unscored(rule: ThresholdRule, threshold: number, report: RunReport): ThresholdCheck {
  const outcome = executedTests(report) === 0 ? 'not-applicable' : 'failed'
  return { rule, threshold, over: 0, outcome }
}

function minScoreCheck(report: RunReport, threshold: number): ThresholdCheck {
  const all = scores(report)
  if (all.length === 0) return unscored('min-score', threshold, report)
  const below = all.filter((score) => score < threshold).length
  return {
    rule: 'min-score',
    threshold,
    value: Math.min(...all),
    over: all.length,
    below,
    unscored: unscoredTests(report),
    outcome: below === 0 ? 'met' : 'failed'
  }
}

function averageScoreCheck(report: RunReport, threshold: number): ThresholdCheck {
  const all = scores(report)
  if (all.length === 0) return unscored('min-average-score', threshold, report)
  const mean = all.reduce((sum, score) => sum + score, 0) / all.length
  return {
    rule: 'min-average-score',
    threshold,
    value: mean,
    over: all.length,
    unscored: unscoredTests(report),
    outcome: mean >= threshold ? 'met' : 'failed'
  }
}

/** Tests that passed or failed without a score: a score rule does not judge them. */
function unscoredTests(report: RunReport): number {
  const ran = (test: TestResult): boolean =>
    test.status === 'passed' || test.status === 'failed' || test.status === 'errored'
  return report.tests.filter((test) => ran(test) && test.score === undefined).length
}

/**
 * A figure as shown: at most `digits` decimals, cut rather than rounded, so a value below its
 * threshold never reads as equal to it (89.96% shows as 89.9%, not 90%).
 */
export function figure(value: number, digits = 1): string {
  const scale = 10 ** digits
  return String(Math.floor(value * scale + 1e-9) / scale)
}

/** One threshold in plain words, e.g. "Score: average 7.4 over 3 scored tests (minimum 8)". */
export function checkText(check: ThresholdCheck): string {
  const minimum = `(minimum ${check.threshold}${check.rule === 'min-pass-rate' ? '%' : ''})`
  if (check.rule === 'min-pass-rate') {
    const value =
      check.value === undefined
        ? 'no test ran to an outcome'
        : `${figure(check.value)}% of ${plural(check.over, 'executed test')} passed`
    return `Pass rate: ${value} ${minimum}`
  }
  if (check.value === undefined) {
    const what = check.rule === 'min-score' ? 'lowest' : 'average'
    const why = check.outcome === 'failed' ? 'no test has a score' : 'no test ran to an outcome'
    return `Score (${what}): ${why} ${minimum}`
  }
  const unscored = check.unscored
    ? `; ${plural(check.unscored, 'test')} without a score, not judged`
    : ''
  if (check.rule === 'min-score') {
    const below = check.below ? `, ${check.below} of ${check.over} below` : ''
    return `Score: lowest ${figure(check.value, 2)} of ${plural(check.over, 'scored test')}${below} ${minimum}${unscored}`
  }
  return `Score: average ${figure(check.value, 2)} over ${plural(check.over, 'scored test')} ${minimum}${unscored}`
}

/**
 * Why a run with failed tests passes the step, in words: min-pass-rate judged them, or fail-on
 * left them out.
 */
export function passingText(verdict: PolicyVerdict): string {
  return verdict.failedJudgedByRate
    ? 'failed tests are judged by min-pass-rate, which the run meets (fail-on is not set)'
    : `no rule failed the run (fail-on: ${failOnText(verdict.failOn)})`
}

/** What `fail-on` is, as a user wrote it: "never" or the statuses. */
export function failOnText(failOn: readonly FailOnItem[]): string {
  return failOn.length === 0 ? 'never' : failOn.join(', ')
}

/**
 * The rule that decided, in words for the step's message and the summary, e.g.
 * "decided by min-pass-rate: Pass rate: 80% of 5 executed tests passed (minimum 90%)".
 */
export function decidingText(verdict: PolicyVerdict, status: RunStatus): string {
  if (verdict.decidedBy === 'none') return 'no rule failed the run'
  if (verdict.decidedBy === 'fail-on' && verdict.unfinished !== undefined)
    return `decided by fail-on, which includes errored: ${plural(verdict.unfinished, 'test')} did not finish`
  if (verdict.decidedBy === 'fail-on') return `decided by fail-on, which includes ${status}`
  if (verdict.decidedBy === 'new-failures') return newFailuresText(verdict.newFailures)
  const check = verdict.checks.find((item) => item.rule === verdict.decidedBy)
  return `decided by ${verdict.decidedBy}: ${check ? checkText(check) : 'below the threshold'}`
}

/**
 * The report as the step decided it: each test the vendor passed whose score broke a score rule
 * that failed the run is failed, marked with the rule, and counted so (the tests below min-score;
 * under a failed min-average-score, the tests below it, which pulled the mean down). The summary,
 * the comment and the outputs show this, so a threshold failure reads as the failures it is; the
 * vendor's own results (report file, JUnit, Testmo, the record) stay as the vendor sent them.
 */
export function withThresholdFailures(report: RunReport, verdict: PolicyVerdict): RunReport {
  const failedScoreRules = verdict.checks.filter(isFailedScoreRule)
  let broken = 0
  const tests = report.tests.map((test) => {
    const rule = failedScoreRules.find(
      (check) => test.score !== undefined && test.score < check.threshold
    )
    if (test.status !== 'passed' || !rule) return test
    broken++
    const belowThreshold = { rule: rule.rule, threshold: rule.threshold }
    return { ...test, status: 'failed' as const, belowThreshold }
  })
  if (broken === 0) return report
  const counts = {
    ...report.counts,
    passed: report.counts.passed - broken,
    failed: report.counts.failed + broken
  }
  const status = report.status === 'passed' ? 'failed' : report.status
  return { ...report, status, counts, tests }
}

function isFailedScoreRule(
  check: ThresholdCheck
): check is ThresholdCheck & { rule: 'min-score' | 'min-average-score' } {
  return check.outcome === 'failed' && check.rule !== 'min-pass-rate'
}

/**
 * The `status` output: the run's status, except that a run the vendor passed and a threshold
 * failed is `failed`, so that `passed` always means a step that passed.
 */
export function stepStatus(report: RunReport, verdict: PolicyVerdict): RunStatus {
  return verdict.fails && report.status === 'passed' ? 'failed' : report.status
}

/** "decided by new-failures: 1 failed test is new against main". */
function newFailuresText(found: PolicyVerdict['newFailures']): string {
  const count = found?.count ?? 0
  const tests = count === 1 ? '1 failed test is' : `${count} failed tests are`
  const against = found?.branch
    ? `new against ${found.branch}`
    : 'new (no base branch to compare with)'
  return `decided by new-failures: ${tests} ${against}`
}
