import { shorten } from '../core/text.js'
import {
  footerLine,
  neutralizeComments,
  renderReport,
  utf8Bytes,
  type RenderContext,
  type RenderLimits
} from './markdown.js'
import type { RunReport } from './model.js'
import type { PolicyVerdict } from './policy.js'
import { verdictText } from './verdict.js'

/**
 * The check run a finished run leaves on its commit: named for the leg, concluded as the policy
 * decided, its summary the report with the run's record hidden on the line after the marker, as in
 * the sticky comment. Runs on pushes, schedules and merge queues have no comment: this is where a
 * pull request's run finds what the base branch's runs recorded.
 */

// GitHub refuses a summary over 65,535 characters; bytes are counted (never fewer), with 1,535
// spare against a count that differs from ours.
export const CHECK_RUN_LIMITS: RenderLimits = {
  max: 65_535 - 1_535,
  measure: utf8Bytes,
  maxErrorChars: 1_500
}
// No page gives a limit for a check run's name or title: kept short (inferred).
const MAX_NAME_CHARS = 120
const MAX_TITLE_CHARS = 200

/**
 * "testgate · Octomind", or "testgate · Octomind · firefox" for a leg: the same on every commit,
 * so a pull request's run finds the base branch's by it. Steps of other jobs or workflows may
 * share it; the record in each says which configuration wrote it.
 */
export function checkRunName(vendor: string, leg: string | undefined): string {
  return shorten(['testgate', vendor, leg].filter(Boolean).join(' · '), MAX_NAME_CHARS)
}

/** "Octomind: 2 of 6 tests failed", as the headline says it, without markdown. */
export function checkRunTitle(report: RunReport, vendor: string): string {
  return shorten(`${vendor}: ${verdictText(report)}`, MAX_TITLE_CHARS)
}

/** The summary: `header` (the marker, then the record line), and the report, no vendor comment. */
export function checkRunSummary(report: RunReport, context: RenderContext, header: string): string {
  const body = renderReport(report, context, CHECK_RUN_LIMITS, {
    header,
    footer: footerLine(context)
  })
  return `${header}${neutralizeComments(body.slice(header.length))}`
}

/** Failure when the step fails on the verdict, success when the run passed, else neutral. */
export function checkRunConclusion(
  report: RunReport,
  policy: Pick<PolicyVerdict, 'fails'> | undefined
): 'success' | 'failure' | 'neutral' {
  if (policy?.fails) return 'failure'
  return report.status === 'passed' ? 'success' : 'neutral'
}
