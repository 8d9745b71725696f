import { FAIL_CLASSES } from '../core/inputs.js'
import type { Settings } from '../core/inputs.js'
import type { BaseComparison } from '../report/base.js'
import type { RunReport } from '../report/model.js'
import {
  decidingText,
  evaluatePolicy,
  failOnText,
  failsOnStatus,
  withThresholdFailures,
  type PolicyVerdict
} from '../report/policy.js'
import { verdictText } from '../report/verdict.js'
import type { SinkResult } from '../sinks/sink.js'

/** How the step ends, and what it says: no I/O here, the entry logs it. */
export interface Decision {
  /** The message the step fails with; undefined when it passes. */
  failure?: string
  /** What is logged when the step does not fail on the verdict. */
  notice?: { level: 'info' | 'warning'; text: string }
  /** The rule that decided, as the summary, the comment and the `decided-by` output name it. */
  decidedBy: PolicyVerdict['decidedBy']
}

export type Policy = Pick<
  Settings,
  | 'failOn'
  | 'allowNoTests'
  | 'timeoutMinutes'
  | 'minPassRate'
  | 'minScore'
  | 'minAverageScore'
  | 'failedJudgedByRate'
>

/**
 * From the verdict, the policy and what the sinks did, to the step's outcome: the policy
 * (`evaluatePolicy`, the same function the summary was rendered with) fails the step and names the
 * rule that decided; a failing status the policy lets pass is a warning; a sink that failed fails
 * the step in every case, after all the others ran. `base` judges failed tests under
 * `fail-on: new-failures`, as it did for the summary.
 */
export function decide(
  report: RunReport,
  policy: Policy,
  sinks: readonly SinkResult[],
  vendor: string,
  base?: BaseComparison
): Decision {
  const verdict = evaluatePolicy(report, policy, base)
  // Worded as the summary and the comment show it: a test a score rule failed reads as failed.
  const message = verdictMessage(withThresholdFailures(report, verdict), policy, vendor)
  const problems: string[] = []
  let notice: Decision['notice']
  if (verdict.fails) problems.push(withRule(message, verdict, report))
  else
    notice = failsOnStatus(report.status, FAIL_CLASSES)
      ? { level: 'warning', text: `${message} (${passingRule(verdict)})` }
      : { level: 'info', text: message }
  const broken = sinks.filter((sink) => sink.error !== undefined)
  if (broken.length > 0)
    problems.push(
      `Reporting failed — ${broken.map((sink) => `${sink.sink}: ${sink.error}`).join('; ')}`
    )
  return {
    failure: problems.length > 0 ? problems.join('\n') : undefined,
    notice,
    decidedBy: verdict.decidedBy
  }
}

/** Which rule let a failing status pass: min-pass-rate, new-failures, or fail-on. */
function passingRule(verdict: PolicyVerdict): string {
  if (verdict.failedJudgedByRate) return 'failed tests judged by min-pass-rate, which the run meets'
  const branch = verdict.newFailures?.branch
  if (verdict.newFailures && branch)
    return `no failure is new against ${branch}; fail-on: ${failOnText(verdict.failOn)}`
  return `fail-on: ${failOnText(verdict.failOn)}`
}

/** The verdict's message with the deciding rule after it, and every other rule that failed. */
function withRule(message: string, verdict: PolicyVerdict, report: RunReport): string {
  const others = verdict.failedRules.slice(1)
  const also = others.length > 0 ? ` (also below: ${others.join(', ')})` : ''
  const rule = decidingText(verdict, report.status)
  return `${message}\nThe step fails, ${rule}${also}.`
}

export function verdictMessage(report: RunReport, policy: Policy, vendor: string): string {
  const where = report.url ? ` — ${report.url}` : ''
  if (report.status === 'timed-out')
    return `${vendor}: no verdict within ${policy.timeoutMinutes} minutes${where}`
  const note = report.note ? `. ${report.note}` : ''
  return `${vendor}: ${verdictText(report)}${note}${where}`
}
