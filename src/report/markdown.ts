import { FAIL_CLASSES } from '../core/inputs.js'
import { formatDuration } from '../core/text.js'
import type { RunReport } from './model.js'
import {
  checkText,
  decidingText,
  failOnText,
  failsOnStatus,
  passingText,
  withThresholdFailures,
  type PolicyVerdict
} from './policy.js'
import { countOf, formatCount, verdictText } from './verdict.js'
import { changesSection, rerunLine } from './changes-section.js'
import { baseSection } from './base-section.js'
import type { BaseComparison } from './base.js'
import type { Changes } from './changes.js'
import {
  CONTROL_CHARS,
  codeBlock,
  escapeMarkdown,
  link,
  neutralizeComments,
  safeUrl
} from './markdown-text.js'
import { Budget, type RenderLimits } from './budget.js'
import { addTests, type Elsewhere } from './test-list.js'

export { codeBlock, escapeMarkdown, link, neutralizeComments, safeUrl }
export {
  COMMENT_LIMITS,
  SUMMARY_LIMITS,
  utf16Units,
  utf8Bytes,
  type Measure,
  type RenderLimits
} from './budget.js'
export { MAX_NAME_CHARS } from './test-list.js'

/**
 * RunReport → markdown for the job summary and the PR comment. Everything that came from a vendor
 * (names, errors, links) is untrusted: escaped, stripped of mentions, links limited to http(s),
 * long text shortened, and the whole kept under a size budget with failures first.
 */

export interface RenderContext {
  /** The vendor's name as users know it. */
  vendor: string
  /** Which leg of a matrix this run is (its `name`, the provider's variant), when it is one. */
  leg?: string
  environment?: string
  urlUnderTest?: string
  sha?: string
  /** The branch a merge queue merges into, on merge_group events. */
  baseRef?: string
  runUrl?: string
  timeoutMinutes?: number
  /** True when testgate started the run and did not wait for it. */
  startedOnly?: boolean
  /** Why this commit's run did not start (an input error, a vendor that refused the trigger). */
  notStarted?: string
  /** Where else the report went (a Testmo run…), linked from the summary and the comment. */
  published?: { label: string; url: string }[]
  /**
   * Where the normalized report JSON is written: named in the job summary when tests are left out
   * for size (it is on the runner: a PR comment's reader cannot open it).
   */
  reportPath?: string
  /** The verdict policy as evaluated: the deciding rule and each threshold beside its figure. */
  policy?: PolicyVerdict
  /** What changed since the last run the PR comment recorded, when it recorded one. */
  changes?: Changes
  /**
   * A leg's section of a combined comment, under the group's heading: a short headline (###) that
   * carries the counts, one line of links, the failures and the passes folded; no counts table.
   */
  section?: boolean
  /** Each failure judged against the base branch, on a PR whose base could be compared with. */
  base?: BaseComparison
}

const HEADLINE_ICON: Record<RunReport['status'], string> = {
  queued: '⏳',
  running: '⏳',
  passed: '✅',
  failed: '❌',
  errored: '💥',
  cancelled: '🚫',
  'timed-out': '⏱️',
  'no-tests': '⚠️'
}

/**
 * The verdict in a line; the words come from the verdict function, so they match the status.
 * `report` is the report as shown (withThresholdFailures), whose words name the tests a score
 * threshold failed.
 */
export function headline(report: RunReport, context: RenderContext): string {
  const leg = context.leg ? ` (${escapeMarkdown(context.leg)})` : ''
  const vendor = `${escapeMarkdown(context.vendor)}${leg}`
  if (context.startedOnly) return `🚀 ${vendor}: run started`
  if (context.notStarted !== undefined) return `💥 ${vendor}: this commit's run did not start`
  const limit = context.timeoutMinutes === undefined ? '' : ` within ${context.timeoutMinutes} min`
  const text = report.status === 'timed-out' ? `no verdict${limit}` : verdictText(report)
  const rule = ruleWords(report, context.policy)
  // A threshold can fail a run the vendor passed: the headline must not read as a pass then.
  if (rule) return `❌ ${vendor}: ${escapeMarkdown(`${text}, ${rule}`)}`
  return `${HEADLINE_ICON[report.status]} ${vendor}: ${escapeMarkdown(text)}`
}

/**
 * The threshold that failed the run, when the verdict's words do not already name it through the
 * tests it failed: "below min-pass-rate", or "min-score not checked: no test has a score".
 */
function ruleWords(report: RunReport, policy: PolicyVerdict | undefined): string | undefined {
  // Only a threshold has a check: fail-on and new-failures are named by the verdict's own words.
  const rule = policy?.decidedBy
  const check = policy?.fails ? policy.checks.find((item) => item.rule === rule) : undefined
  if (!check || !rule) return undefined
  if (report.tests.some((test) => test.belowThreshold?.rule === rule)) return undefined
  return check.value === undefined ? `${rule} not checked: no test has a score` : `below ${rule}`
}

/**
 * The policy under the counts: each threshold beside the run's figure, then the rule that decided,
 * e.g. "Score: average 7.4 over 3 scored tests (minimum 8) ✗".
 */
export function policyLines(report: RunReport, policy: PolicyVerdict): string {
  const mark = { met: '✓', failed: '✗', 'not-applicable': '–' } as const
  const lines = policy.checks.map(
    (check) => `${escapeMarkdown(checkText(check))} ${mark[check.outcome]}`
  )
  const failOn = `\`fail-on: ${failOnText(policy.failOn)}\``
  const passes = policy.failedJudgedByRate
    ? escapeMarkdown(passingText(policy))
    : `no rule failed the run (${failOn})`
  lines.push(
    policy.fails
      ? `**The step fails**, ${escapeMarkdown(decidingText(policy, report.status))}.`
      : `**The step passes**: ${passes}.`
  )
  return lines.join('<br>\n')
}

function metaLine(report: RunReport, context: RenderContext): string {
  const parts: string[] = []
  const reportLink = link('Full report', report.url)
  if (reportLink) parts.push(`**${reportLink}**`)
  if (report.targetId) parts.push(`target \`${inlineCode(report.targetId)}\``)
  if (context.environment) parts.push(`environment \`${inlineCode(context.environment)}\``)
  const tested = safeUrl(context.urlUnderTest)
  if (tested) parts.push(`tested ${tested}`)
  if (context.sha) parts.push(`commit ${escapeMarkdown(context.sha.slice(0, 7))}`)
  if (context.baseRef) parts.push(`merge queue into \`${inlineCode(context.baseRef)}\``)
  const duration = runDuration(report)
  if (duration !== undefined) parts.push(formatDuration(duration))
  for (const published of context.published ?? []) {
    const publishedLink = link(published.label, published.url)
    if (publishedLink) parts.push(publishedLink)
  }
  // A section has no footer of its own: its workflow run is linked here.
  const run = context.section ? link('workflow run', context.runUrl) : undefined
  if (run) parts.push(run)
  return parts.join(' · ')
}

function inlineCode(text: string): string {
  return text.replace(/[`\r\n]/g, '').replace(CONTROL_CHARS, '')
}

export function runDuration(report: RunReport): number | undefined {
  const start = Date.parse(report.startedAt ?? '')
  const end = Date.parse(report.finishedAt ?? '')
  return Number.isFinite(start) && Number.isFinite(end) && end >= start ? end - start : undefined
}

function countsTable(report: RunReport): string {
  const { counts } = report
  const columns: [string, number][] = [
    ['Total', counts.total],
    ['✅ Passed', counts.passed],
    ['❌ Failed', counts.failed]
  ]
  if (counts.errored) columns.push(['💥 Errored', counts.errored])
  columns.push(['⏭️ Skipped', counts.skipped])
  if (counts.pending) columns.push(['⏳ Not finished', counts.pending])
  return [
    `| ${columns.map(([name]) => name).join(' | ')} |`,
    `|${columns.map(() => ':---:').join('|')}|`,
    `| ${columns.map(([, value]) => formatCount(value)).join(' | ')} |`
  ].join('\n')
}

/** Lines around the rendering: the comment's hidden marker first, a footer last. */
export interface Frame {
  header?: string
  footer?: string
}

export function renderReport(
  report: RunReport,
  context: RenderContext,
  limits: RenderLimits,
  frame: Frame = {}
): string {
  const shown = context.policy ? withThresholdFailures(report, context.policy) : report
  const budget = new Budget(limits.max - limits.measure(framed('', frame)), limits.measure)
  const elsewhere = elsewhereText(shown, context)
  const failures = shown.tests.filter(
    (test) => test.status === 'failed' || test.status === 'errored'
  )
  // The count can only be smaller than all the failures: its line never outgrows this.
  const noticeRoom = budget.hold(failuresLeftOutLine(failures.length, failures.length, elsewhere))
  addOverview(budget, shown, context)
  if (context.changes && !context.startedOnly) addChanges(budget, context.changes, context.vendor)
  const against = context.base && !context.startedOnly && baseSection(context.base, context.vendor)
  if (against) budget.add(against)
  const noticeAt = budget.length
  const listed = !context.startedOnly && context.notStarted === undefined
  const place = { elsewhere, section: context.section }
  const leftOut = listed ? addTests(budget, shown, limits, place) : undefined
  budget.release(noticeRoom)
  // Above the failures, where a reader learns first that their list is incomplete; tests of the
  // folds left out are said in their fold.
  if (leftOut && leftOut.failures > 0)
    budget.add(failuresLeftOutLine(leftOut.failures, failures.length, elsewhere), noticeAt)
  return framed(budget.text(), frame)
}

function addOverview(budget: Budget, report: RunReport, context: RenderContext): void {
  budget.add(`${context.section ? '###' : '##'} ${headline(report, context)}`)
  const meta = metaLine(report, context)
  if (meta) budget.add(meta)
  if (report.note) budget.add(`> ${escapeMarkdown(report.note)}`)
  if (context.notStarted !== undefined) {
    budget.add(notStartedLines(context.notStarted))
    return
  }
  if (report.rerunOf) budget.add(rerunLine(report.rerunOf, context.vendor))
  if (context.startedOnly) {
    budget.add('testgate started the run and did not wait for its verdict (`wait: false`).')
  } else if (report.counts.total > 0 && !context.section) {
    budget.add(countsTable(report))
  }
  if (context.policy && !context.startedOnly && hasPolicyNews(report, context))
    budget.add(policyLines(report, context.policy))
}

/** Why the run did not start, a line per problem, and that nothing else of it is known. */
function notStartedLines(reason: string): string {
  const lines = reason.split('\n').filter((line) => line.trim() !== '')
  const quoted = lines.map((line) => `> ${escapeMarkdown(line)}`).join('<br>\n')
  return `${quoted}\n\nNo test ran for this commit: it has no verdict.`
}

/** Above the failures: what came, went and stayed since the last run. */
function addChanges(budget: Budget, changes: Changes, vendor: string): void {
  const section = changesSection(changes, vendor)
  if (section) budget.add(section)
}

/**
 * A passed run under fail-on alone needs no word on the policy: the headline says it all. In a
 * leg's section, neither does a run that fail-on failed: its headline's ❌ says so.
 */
function hasPolicyNews(report: RunReport, context: RenderContext): boolean {
  const policy = context.policy
  if (!policy) return false
  const failingStatus = failsOnStatus(report.status, FAIL_CLASSES)
  if (context.section)
    return (
      policy.checks.length > 0 || (policy.fails ? policy.decidedBy !== 'fail-on' : failingStatus)
    )
  return policy.checks.length > 0 || policy.fails || failingStatus
}

/** Says how many failures are left out, and where every test is. */
function failuresLeftOutLine(count: number, of: number, elsewhere: Elsewhere): string {
  const where = elsewhere ? `: see ${elsewhere}` : ''
  return `⚠️ **${formatCount(count)} of ${countOf(of, 'failed test')} not listed here**, to stay within GitHub's size limit${where}.`
}

/**
 * Where every test can be read: the vendor's report; in the job summary the report file on the
 * runner too; in a comment without a vendor report, the job summary of the workflow run.
 */
function elsewhereText(report: RunReport, context: RenderContext): Elsewhere {
  const vendorReport = link(`${context.vendor} report`, report.url)
  const places = vendorReport ? [`the ${vendorReport}`] : []
  if (context.reportPath) places.push(`the report file \`${inlineCode(context.reportPath)}\``)
  if (places.length > 0) return places.join(' and ')
  const run = link('workflow run', context.runUrl)
  return run ? `the job summary of the ${run}` : undefined
}

/** The rendering between its frame's lines. */
function framed(body: string, frame: Frame): string {
  const header = frame.header ? `${frame.header}\n` : ''
  const footer = frame.footer ? `\n\n${frame.footer}\n` : '\n'
  return `${header}${body}${footer}`
}

export function footerLine(context: RenderContext, extra: string[] = []): string {
  const parts = ['testgate', ...extra]
  const run = link('workflow run', context.runUrl)
  if (run) parts.push(run)
  return `<sub>${parts.join(' · ')}</sub>`
}
