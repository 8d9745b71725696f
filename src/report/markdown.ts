import { FAIL_CLASSES } from '../inputs.js'
import { formatDuration, shortenName as shortenTo, truncateMiddle } from '../text.js'
import type { RunReport, TestResult } from './model.js'
import {
  checkText,
  decidingText,
  failOnText,
  failsOnStatus,
  passingText,
  type PolicyVerdict
} from './policy.js'
import { verdictText } from './verdict.js'
import { changesSection, rerunLine } from './changes-section.js'
import type { Changes } from './changes.js'
import {
  CONTROL_CHARS,
  codeBlock,
  escapeMarkdown,
  link,
  neutralizeComments,
  safeUrl
} from './markdown-text.js'

export { codeBlock, escapeMarkdown, link, neutralizeComments, safeUrl }

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
  /** Where the normalized report JSON is written: named when tests are left out for size. */
  reportPath?: string
  /** The verdict policy as evaluated: the deciding rule and each threshold beside its figure. */
  policy?: PolicyVerdict
  /** What changed since the last run the PR comment recorded, when it recorded one. */
  changes?: Changes
}

/** How a limit counts text. */
export type Measure = (text: string) => number

export const utf8Bytes: Measure = (text) => Buffer.byteLength(text, 'utf8')
/** UTF-16 code units: an emoji counts two, so never fewer than characters or code points. */
export const utf16Units: Measure = (text) => text.length

export interface RenderLimits {
  /** The most the whole text may take, first line and footer included, as `measure` counts. */
  max: number
  measure: Measure
  /** Characters of one error message. */
  maxErrorChars: number
}

// The runner drops a step summary over 1 MiB (1,048,576 bytes of the step's file) whole, so it is
// counted in UTF-8 bytes (an emoji is 4). 16 KiB (1.6%) spare: the runner measures the file,
// which core.summary appends to, so anything else written to it in this step still fits.
export const SUMMARY_LIMITS: RenderLimits = {
  max: 1_048_576 - 16_384,
  measure: utf8Bytes,
  maxErrorChars: 4_000
}
// GitHub refuses a comment over 65,536 characters (marker and footer included). UTF-16 units never
// count fewer; 1,536 spare against a count that differs from ours, e.g. line breaks as CRLF.
export const COMMENT_LIMITS: RenderLimits = {
  max: 65_536 - 1_536,
  measure: utf16Units,
  maxErrorChars: 1_500
}

// Test names are shortened to this in the summary and the comment (the report file and JUnit keep
// them whole). Start and end are kept: the start says what is tested, the end which case, where
// generated names differ.
export const MAX_NAME_CHARS = 256

function shortenName(name: string): string {
  return shortenTo(name, MAX_NAME_CHARS)
}

function testLinks(test: TestResult): string {
  return test.links
    .map((item) => link(item.label, item.url))
    .filter((item): item is string => item !== undefined)
    .join(' · ')
}

const STATUS_ICON: Record<TestResult['status'], string> = {
  passed: '✅',
  failed: '❌',
  errored: '💥',
  skipped: '⏭️',
  running: '⏳',
  queued: '⏳'
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

/** The verdict in a line; the words come from the verdict function, so they match the status. */
export function headline(report: RunReport, context: RenderContext): string {
  const leg = context.leg ? ` (${escapeMarkdown(context.leg)})` : ''
  const vendor = `${escapeMarkdown(context.vendor)}${leg}`
  if (context.startedOnly) return `🚀 ${vendor}: run started`
  if (context.notStarted !== undefined) return `💥 ${vendor}: this commit's run did not start`
  const limit = context.timeoutMinutes === undefined ? '' : ` within ${context.timeoutMinutes} min`
  const text = report.status === 'timed-out' ? `no verdict${limit}` : verdictText(report)
  const policy = context.policy
  // A threshold can fail a run the vendor passed: the headline must not read as a pass then.
  if (policy?.fails && policy.decidedBy !== 'fail-on')
    return `❌ ${vendor}: ${escapeMarkdown(text)}, below ${policy.decidedBy}`
  return `${HEADLINE_ICON[report.status]} ${vendor}: ${escapeMarkdown(text)}`
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
    `| ${columns.map(([, value]) => value).join(' | ')} |`
  ].join('\n')
}

function failureEntry(test: TestResult, limits: RenderLimits): string {
  const details = [`${STATUS_ICON[test.status]} **${testName(test)}**`, test.status]
  if (test.durationMs !== undefined) details.push(formatDuration(test.durationMs))
  if (test.score !== undefined) details.push(`score ${test.score}`)
  const links = testLinks(test)
  if (links) details.push(links)
  const lines = [details.join(' · ')]
  if (test.error) lines.push('', codeBlock(truncateMiddle(test.error, limits.maxErrorChars)))
  return lines.join('\n')
}

function testName(test: TestResult): string {
  return escapeMarkdown(shortenName(test.name))
}

function tableRow(test: TestResult, withScore: boolean): string {
  const duration = test.durationMs === undefined ? '' : formatDuration(test.durationMs)
  const flaky = test.flaky ? ' ⚠️ flaky: passed after retries' : ''
  const suppressed = test.suppressed ? ` — ${escapeMarkdown(shortenName(test.suppressed))}` : ''
  const score = withScore ? ` ${test.score ?? ''} |` : ''
  return `| ${STATUS_ICON[test.status]} ${testName(test)}${flaky}${suppressed} | ${duration} |${score} ${testLinks(test)} |`
}

const SEPARATOR = '\n\n'

/**
 * The parts of a rendering, added while they fit in `max` as `measure` counts. Room can be held
 * for a line that must appear whatever else does (what was left out), and given back to add it.
 */
class Budget {
  private readonly parts: string[] = []
  private used = 0
  private held = 0
  constructor(
    private readonly max: number,
    readonly measure: Measure
  ) {}

  /** What a part takes, its separator included. */
  cost(text: string): number {
    return this.measure(text) + this.measure(SEPARATOR)
  }

  fits(cost: number): boolean {
    return this.used + this.held + cost <= this.max
  }

  add(text: string, at = this.parts.length): boolean {
    const cost = this.cost(text)
    if (!this.fits(cost)) return false
    this.parts.splice(at, 0, text)
    this.used += cost
    return true
  }

  /** Keeps room for a line no longer than `longest`; returns what to release before adding it. */
  hold(longest: string): number {
    const cost = this.cost(longest)
    this.held += cost
    return cost
  }

  release(held: number): void {
    this.held -= held
  }

  get length(): number {
    return this.parts.length
  }

  text(): string {
    return this.parts.join(SEPARATOR)
  }
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
  const budget = new Budget(limits.max - limits.measure(framed('', frame)), limits.measure)
  // The count can only be smaller than all the tests: its line never outgrows this.
  const noticeRoom = budget.hold(notShownLine(report.tests.length, report, context))
  addOverview(budget, report, context)
  if (context.changes && !context.startedOnly) addChanges(budget, context.changes, context.vendor)
  const noticeAt = budget.length
  const notShown = context.startedOnly || context.notStarted ? 0 : addTests(budget, report, limits)
  budget.release(noticeRoom)
  // Near the top, where a reader learns first that the lists below are incomplete.
  if (notShown > 0) budget.add(notShownLine(notShown, report, context), noticeAt)
  return framed(budget.text(), frame)
}

function addOverview(budget: Budget, report: RunReport, context: RenderContext): void {
  budget.add(`## ${headline(report, context)}`)
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
  } else if (report.counts.total > 0) {
    budget.add(countsTable(report))
  }
  if (context.policy && !context.startedOnly && hasPolicyNews(report, context.policy))
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

/** A passed run under fail-on alone needs no word on the policy: the headline says it all. */
function hasPolicyNews(report: RunReport, policy: PolicyVerdict): boolean {
  return policy.checks.length > 0 || policy.fails || failsOnStatus(report.status, FAIL_CLASSES)
}

/** Says how many tests are left out, and where every test is. */
function notShownLine(count: number, report: RunReport, context: RenderContext): string {
  const places = [link(`${context.vendor} report`, report.url)]
  if (context.reportPath) places.push(`the report file \`${inlineCode(context.reportPath)}\``)
  const where = places.filter((place): place is string => place !== undefined).join(' and ')
  const tests = count === 1 ? 'test' : 'tests'
  return `⚠️ **${count} ${tests} not shown here** to stay within GitHub's size limit${where ? `: see ${where}` : ''}.`
}

/** Failures with their errors, then the other tests folded; returns how many were left out. */
function addTests(budget: Budget, report: RunReport, limits: RenderLimits): number {
  const groups = foldedGroups(report.tests)
  // Room for the line a folded group shrinks to, so each group is at least named.
  const groupRooms = groups.map((group) => budget.hold(foldedLine(group)))
  let notShown = addFailures(budget, report.tests.filter(isFailure), limits)
  groups.forEach((group, i) => {
    budget.release(groupRooms[i] ?? 0)
    notShown += addFolded(budget, group)
  })
  return notShown
}

function isFailure(test: TestResult): boolean {
  return test.status === 'failed' || test.status === 'errored'
}

function addFailures(budget: Budget, failures: TestResult[], limits: RenderLimits): number {
  if (failures.length === 0) return 0
  budget.add(`### Failed tests (${failures.length})`)
  const cutRoom = budget.hold(failuresCut(failures.length))
  const firstLeftOut = failures.findIndex((test) => !budget.add(failureEntry(test, limits)))
  budget.release(cutRoom)
  if (firstLeftOut === -1) return 0
  budget.add(failuresCut(failures.length - firstLeftOut))
  return failures.length - firstLeftOut
}

function failuresCut(count: number): string {
  return `…and ${count} more failed tests, not shown here.`
}

interface FoldedGroup {
  label: string
  tests: TestResult[]
}

function foldedGroups(tests: TestResult[]): FoldedGroup[] {
  const groups: FoldedGroup[] = [
    {
      label: 'not finished',
      tests: tests.filter((test) => test.status === 'running' || test.status === 'queued')
    },
    { label: 'skipped', tests: tests.filter((test) => test.status === 'skipped') },
    // flaky ones first: they passed, but someone should look
    {
      label: 'passed',
      tests: tests
        .filter((test) => test.status === 'passed')
        .sort((a, b) => Number(Boolean(b.flaky)) - Number(Boolean(a.flaky)))
    }
  ]
  return groups.filter((group) => group.tests.length > 0)
}

function groupIcon(group: FoldedGroup): string {
  return STATUS_ICON[group.tests[0]?.status ?? 'passed']
}

/** A folded table of as many rows as fit, or one line naming the group; returns rows left out. */
function addFolded(budget: Budget, group: FoldedGroup): number {
  const head = foldedHead(group)
  const rows = rowsThatFit(budget, group, head)
  const omitted = group.tests.length - rows.length
  if (rows.length > 0 && budget.add(`${head}${rows.join('')}${foldedTail(omitted)}`)) return omitted
  budget.add(foldedLine(group)) // its room was held
  return group.tests.length
}

// Agent simulations score each call: a Score column when any test has one.
function hasScores(group: FoldedGroup): boolean {
  return group.tests.some((test) => test.score !== undefined)
}

function rowsThatFit(budget: Budget, group: FoldedGroup, head: string): string[] {
  const withScore = hasScores(group)
  const rows: string[] = []
  // the head and the tail at its longest, then rows while they fit
  let cost = budget.cost(head) + budget.measure(foldedTail(group.tests.length))
  for (const test of group.tests) {
    const row = `\n${tableRow(test, withScore)}`
    cost += budget.measure(row)
    if (!budget.fits(cost)) break
    rows.push(row)
  }
  return rows
}

function foldedHead(group: FoldedGroup): string {
  const columns = hasScores(group)
    ? '| Test | Duration | Score | Links |\n|---|---|---|---|'
    : '| Test | Duration | Links |\n|---|---|---|'
  const summary = `${groupIcon(group)} ${group.tests.length} ${group.label}`
  return `<details><summary>${summary}</summary>\n\n${columns}`
}

function foldedTail(omitted: number): string {
  const more = omitted > 0 ? `\n\n…and ${omitted} more, not shown here.` : ''
  return `${more}\n\n</details>`
}

function foldedLine(group: FoldedGroup): string {
  return `${groupIcon(group)} ${group.tests.length} ${group.label} (list omitted to stay within GitHub's size limit)`
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
