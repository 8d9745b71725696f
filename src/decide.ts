import type { Settings } from './inputs.js'
import type { RunReport } from './report/model.js'
import { failsByDefault, verdictText } from './report/verdict.js'
import type { SinkResult } from './sinks/sink.js'

/** How the step ends, and what it says: no I/O here, the entry logs it. */
export interface Decision {
  /** The message the step fails with; undefined when it passes. */
  failure?: string
  /** What is logged when the step does not fail on the verdict. */
  notice?: { level: 'info' | 'warning'; text: string }
}

export type Policy = Pick<Settings, 'failOn' | 'allowNoTests' | 'timeoutMinutes'>

/**
 * From the verdict, the policy and what the sinks did, to the step's outcome: a failing verdict
 * fails the step under `fail-on: failure` (a warning under `never`); a sink that failed fails it
 * in every case, after all the others ran.
 */
export function decide(
  report: RunReport,
  policy: Policy,
  sinks: readonly SinkResult[],
  vendor: string
): Decision {
  const message = verdictMessage(report, policy, vendor)
  const failing = failsByDefault(report.status, policy.allowNoTests)
  const problems: string[] = []
  let notice: Decision['notice']
  if (failing && policy.failOn === 'failure') problems.push(message)
  else
    notice = failing
      ? { level: 'warning', text: `${message} (fail-on: never)` }
      : { level: 'info', text: message }
  const broken = sinks.filter((sink) => sink.error !== undefined)
  if (broken.length > 0)
    problems.push(
      `Reporting failed — ${broken.map((sink) => `${sink.sink}: ${sink.error}`).join('; ')}`
    )
  return { failure: problems.length > 0 ? problems.join('\n') : undefined, notice }
}

export function verdictMessage(report: RunReport, policy: Policy, vendor: string): string {
  const where = report.url ? ` — ${report.url}` : ''
  if (report.status === 'timed-out')
    return `${vendor}: no verdict within ${policy.timeoutMinutes} minutes${where}`
  const note = report.note ? `. ${report.note}` : ''
  return `${vendor}: ${verdictText(report)}${note}${where}`
}
