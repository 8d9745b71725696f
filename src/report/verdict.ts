import { withSentence } from '../core/text.js'
import { type Counts, type Observation, type RunReport, type RunStatus } from './model.js'

/**
 * The one verdict function. Providers only say what the vendor said of the run (its signal) and
 * map the vendor's tests; from those two things this decides the run's status and the words that
 * describe it, the same for every vendor:
 * - any failed or errored test fails the run, whatever the vendor says of the run as a whole;
 * - a vendor-side failure (or a finished run with unfinished tests) and no failed test is `errored`;
 * - a finished run that executed no test is `no-tests`, never `passed`.
 */

export function judge(observation: Observation): RunReport {
  const { signal, ...rest } = observation
  const status = runStatus(signal, observation.counts, observation.tests)
  const { counts } = observation
  // Said beside failures too: the policy judges a failed run with unfinished tests as errored.
  const unfinished = (status === 'errored' || status === 'failed') && counts.pending > 0
  const note = unfinished
    ? withSentence(
        observation.note,
        `The vendor ended the run with ${countOf(counts.pending, 'test')} unfinished.`
      )
    : observation.note
  return { ...rest, status, ...(note === undefined ? {} : { note }) }
}

export function runStatus(
  signal: Observation['signal'],
  counts: Counts,
  tests: Observation['tests'] = []
): RunStatus {
  if (signal === 'queued' || signal === 'running' || signal === 'cancelled') return signal
  if (counts.failed + counts.errored > 0) return 'failed'
  if (signal === 'failed' || counts.pending > 0) return 'errored'
  return executedCount(counts, tests) === 0 ? 'no-tests' : 'passed'
}

/**
 * Tests that ran to an outcome. A failure the vendor suppresses (a snoozed or muted test) ran too,
 * though it is counted as skipped.
 */
export function executedCount(counts: Counts, tests: Observation['tests']): number {
  const suppressed = tests.filter((test) => test.status === 'skipped' && test.suppressed).length
  return counts.passed + counts.failed + counts.errored + suppressed
}

/**
 * What happened, in a few plain words without the vendor's name, e.g. "2 of 5 tests failed".
 * Headlines, the step's messages and the log all use it, so none can say "all passed" when a
 * test did not.
 */
export function verdictText(report: RunReport): string {
  const { counts } = report
  switch (report.status) {
    case 'passed':
      return passedText(report)
    case 'failed':
      return failedText(report)
    case 'errored':
      return 'the run errored'
    case 'no-tests':
      return counts.skipped > 0
        ? `no tests ran (${countOf(counts.skipped, 'test')} skipped)`
        : 'no tests ran'
    case 'cancelled':
      return 'the run was cancelled'
    case 'timed-out':
      return 'no verdict in time'
    default:
      return report.status
  }
}

function passedText(report: RunReport): string {
  const { counts, tests } = report
  const suppressed = tests.filter((test) => test.status === 'skipped' && test.suppressed).length
  const flaky = tests.filter((test) => test.status === 'passed' && test.flaky).length
  const parts =
    counts.passed === counts.total
      ? [`all ${countOf(counts.total, 'test')} passed`]
      : [`${formatCount(counts.passed)} of ${countOf(counts.total, 'test')} passed`]
  if (flaky > 0) parts.push(`${formatCount(flaky)} only after retries`)
  if (suppressed > 0) parts.push(`${countOf(suppressed, 'known failure')} suppressed`)
  const skipped = counts.skipped - suppressed
  if (skipped > 0) parts.push(`${formatCount(skipped)} skipped`)
  return parts.join(', ')
}

/**
 * "7 of 2,000 tests failed, 5 errored": the same two figures as the counts table's Failed and
 * Errored columns, so the words and the table never disagree. A test that failed only by a score
 * threshold is counted as failed, and the words say how many did.
 */
function failedText(report: RunReport): string {
  const { counts } = report
  if (counts.total === 0) return 'failed'
  const of = `of ${countOf(counts.total, 'test')}`
  const parts =
    counts.failed > 0
      ? [`${formatCount(counts.failed)} ${of} failed`]
      : [`${formatCount(counts.errored)} ${of} errored`]
  if (counts.failed > 0 && counts.errored > 0) parts.push(`${formatCount(counts.errored)} errored`)
  const below = belowThresholdText(report)
  return below ? `${parts.join(', ')} (${below})` : parts.join(', ')
}

/** "1 below min-score 6": the tests a score threshold failed, by the first rule each broke. */
function belowThresholdText(report: RunReport): string | undefined {
  const rules = new Map<string, number>()
  for (const test of report.tests) {
    if (!test.belowThreshold) continue
    const rule = `${test.belowThreshold.rule} ${test.belowThreshold.threshold}`
    rules.set(rule, (rules.get(rule) ?? 0) + 1)
  }
  if (rules.size === 0) return undefined
  return [...rules].map(([rule, n]) => `${formatCount(n)} below ${rule}`).join(', ')
}

/** A count as people read it: 2,000, not 2000. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** "1 test", "2,000 tests": a count and its noun, for words whose plural adds an s. */
export function countOf(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`
}
