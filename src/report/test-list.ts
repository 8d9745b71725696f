import { formatDuration, shortenName as shortenTo, truncateMiddle } from '../core/text.js'
import type { Link, RunReport, TestResult } from './model.js'
import { codeBlock, escapeMarkdown, link } from './markdown-text.js'
import { Budget, type RenderLimits } from './budget.js'
import { countOf, formatCount } from './verdict.js'

/**
 * The tests of a rendering: failures with their errors first, then the other tests folded by
 * status, as many as the budget holds. What was left out is said where it was left out: in the
 * fold it belongs to, or after the failures; the renderer says it above the failures only when
 * failures were left out.
 */

// Test names are shortened to this in the summary and the comment (the report file and JUnit keep
// them whole). Start and end are kept: the start says what is tested, the end which case, where
// generated names differ.
export const MAX_NAME_CHARS = 256

/** Where every test can be read, as markdown: "the [Octomind report](…)"; undefined if nowhere. */
export type Elsewhere = string | undefined

/** How many failures and other tests a rendering left out. */
export interface LeftOut {
  failures: number
  others: number
}

function shortenName(name: string): string {
  return shortenTo(name, MAX_NAME_CHARS)
}

/** The vendor's page for the test: its name links there, and it is not repeated beside it. */
function pageLink(test: TestResult): Link | undefined {
  return test.links.find((item) => item.kind === 'page' && link(item.label, item.url))
}

function testLinks(test: TestResult): string {
  const page = pageLink(test)
  return test.links
    .filter((item) => item !== page)
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

function failureEntry(test: TestResult, limits: RenderLimits): string {
  const details = [`${STATUS_ICON[test.status]} **${testName(test)}**`, failureKind(test)]
  if (test.durationMs !== undefined) details.push(formatDuration(test.durationMs))
  if (test.score !== undefined && !test.belowThreshold) details.push(`score ${test.score}`)
  if (test.score === undefined && test.scoreNote)
    details.push(`score ${escapeMarkdown(test.scoreNote)}`)
  const links = testLinks(test)
  if (links) details.push(links)
  const lines = [details.join(' · ')]
  if (test.error) lines.push('', codeBlock(truncateMiddle(test.error, limits.maxErrorChars)))
  return lines.join('\n')
}

/** "failed", or for a test only a threshold failed: "score 5.5, below min-score 6". */
function failureKind(test: TestResult): string {
  const below = test.belowThreshold
  if (!below) return test.status
  return `score ${test.score ?? '?'}, below ${below.rule} ${below.threshold}`
}

/** The test's name as shown, linked to its page at the vendor when it has one. */
function testName(test: TestResult): string {
  const name = shortenName(test.shortName ?? test.name)
  const page = pageLink(test)
  return (page && link(name, page.url)) ?? escapeMarkdown(name)
}

function scoreCell(test: TestResult): string {
  if (test.score !== undefined) return String(test.score)
  return test.scoreNote ? escapeMarkdown(test.scoreNote) : ''
}

function tableRow(test: TestResult, withScore: boolean): string {
  const duration = test.durationMs === undefined ? '' : formatDuration(test.durationMs)
  const flaky = test.flaky ? ' ⚠️ flaky: passed after retries' : ''
  const suppressed = test.suppressed ? ` — ${escapeMarkdown(shortenName(test.suppressed))}` : ''
  const score = withScore ? ` ${scoreCell(test)} |` : ''
  return `| ${STATUS_ICON[test.status]} ${testName(test)}${flaky}${suppressed} | ${duration} |${score} ${testLinks(test)} |`
}

/** Where the list goes: its own report (its failures under ###), or a leg's section (####). */
export interface ListPlace {
  elsewhere: Elsewhere
  section?: boolean
}

/** Failures with their errors, then the other tests folded; returns what was left out. */
export function addTests(
  budget: Budget,
  report: RunReport,
  limits: RenderLimits,
  place: ListPlace
): LeftOut {
  const { elsewhere } = place
  const groups = foldedGroups(report)
  // Room for the line a folded group shrinks to, so each group is at least named.
  const groupRooms = groups.map((group) => budget.hold(foldedLine(group, elsewhere)))
  const heading = `${place.section ? '####' : '###'} Failed tests`
  const failures = addFailures(budget, report.tests.filter(isFailure), limits, heading)
  let others = 0
  groups.forEach((group, i) => {
    budget.release(groupRooms[i] ?? 0)
    others += addFolded(budget, group, elsewhere)
  })
  return { failures, others }
}

function isFailure(test: TestResult): boolean {
  return test.status === 'failed' || test.status === 'errored'
}

function addFailures(
  budget: Budget,
  failures: TestResult[],
  limits: RenderLimits,
  heading: string
): number {
  if (failures.length === 0) return 0
  budget.add(`${heading} (${formatCount(failures.length)})`)
  const cutRoom = budget.hold(failuresCut(failures.length))
  const firstLeftOut = failures.findIndex((test) => !budget.add(failureEntry(test, limits)))
  budget.release(cutRoom)
  if (firstLeftOut === -1) return 0
  budget.add(failuresCut(failures.length - firstLeftOut))
  return failures.length - firstLeftOut
}

function failuresCut(count: number): string {
  return `…and ${countOf(count, 'more failed test')}, not listed here.`
}

interface FoldedGroup {
  label: string
  tests: TestResult[]
  /** How many the group counts, its listed tests included (passes counted but not listed too). */
  total: number
  /** Why some of its tests are counted but not listed, e.g. "4 in attempt 1, counted, not listed". */
  unlisted?: string
}

function foldedGroups(report: RunReport): FoldedGroup[] {
  const { tests } = report
  const group = (label: string, members: TestResult[]): FoldedGroup => ({
    label,
    tests: members,
    total: members.length
  })
  const groups = [
    group(
      'not finished',
      tests.filter((test) => test.status === 'running' || test.status === 'queued')
    ),
    group(
      'skipped',
      tests.filter((test) => test.status === 'skipped')
    ),
    passedGroup(report)
  ]
  return groups.filter((item) => item.total > 0)
}

/**
 * The passed tests, flaky ones first (they passed, but someone should look). A re-run counts the
 * earlier attempt's passes without listing them: the group counts them, and says so.
 */
function passedGroup(report: RunReport): FoldedGroup {
  const listed = report.tests
    .filter((test) => test.status === 'passed')
    .sort((a, b) => Number(Boolean(b.flaky)) - Number(Boolean(a.flaky)))
  const counted = Math.max(listed.length, report.counts.passed)
  const earlier = counted - listed.length
  const group: FoldedGroup = { label: 'passed', tests: listed, total: counted }
  if (earlier === 0) return group
  const when = report.rerunOf ? `in attempt ${report.rerunOf.attempt}` : 'by the vendor'
  return { ...group, unlisted: `${formatCount(earlier)} of them ${when}, counted, not listed` }
}

function groupIcon(group: FoldedGroup): string {
  return STATUS_ICON[group.tests[0]?.status ?? 'passed']
}

/** A folded table of as many rows as fit, or one line naming the group; returns rows left out. */
function addFolded(budget: Budget, group: FoldedGroup, elsewhere: Elsewhere): number {
  const rows = rowsThatFit(budget, group, elsewhere)
  const omitted = group.tests.length - rows.length
  if (rows.length > 0) {
    const folded = `${foldedHead(group, omitted)}${rows.join('')}${foldedTail(group, omitted, elsewhere)}`
    if (budget.add(folded)) return omitted
  }
  budget.add(foldedLine(group, elsewhere)) // its room was held
  return group.tests.length
}

// Agent simulations score each call: a Score column when any test has one.
function hasScores(group: FoldedGroup): boolean {
  return group.tests.some((test) => test.score !== undefined || test.scoreNote !== undefined)
}

function rowsThatFit(budget: Budget, group: FoldedGroup, elsewhere: Elsewhere): string[] {
  const withScore = hasScores(group)
  const rows: string[] = []
  // the head and the tail at their longest, then rows while they fit
  const most = group.tests.length
  let cost =
    budget.cost(foldedHead(group, most)) + budget.measure(foldedTail(group, most, elsewhere))
  for (const test of group.tests) {
    const row = `\n${tableRow(test, withScore)}`
    cost += budget.measure(row)
    if (!budget.fits(cost)) break
    rows.push(row)
  }
  return rows
}

/** "✅ 1,988 passed · 1,822 not listed here": what a reader sees without opening the fold. */
function foldSummary(group: FoldedGroup, omitted: number): string {
  const parts = [`${groupIcon(group)} ${formatCount(group.total)} ${group.label}`]
  if (group.unlisted) parts.push(group.unlisted)
  if (omitted > 0) parts.push(`${formatCount(omitted)} not listed here`)
  return parts.join(' · ')
}

function foldedHead(group: FoldedGroup, omitted: number): string {
  const columns = hasScores(group)
    ? '| Test | Duration | Score | Links |\n|---|---|---|---|'
    : '| Test | Duration | Links |\n|---|---|---|'
  return `<details><summary>${foldSummary(group, omitted)}</summary>\n\n${columns}`
}

function foldedTail(group: FoldedGroup, omitted: number, elsewhere: Elsewhere): string {
  const more = omitted > 0 ? `\n\n${leftOutText(omitted, group.label, elsewhere)}` : ''
  return `${more}\n\n</details>`
}

/** A group with no row listed: its count, and why and where its tests are. */
function foldedLine(group: FoldedGroup, elsewhere: Elsewhere): string {
  const summary = foldSummary(group, 0)
  if (group.tests.length === 0) return summary
  return `${summary}, not listed here to stay within GitHub's size limit${seeText(elsewhere)}.`
}

/** "…and 1,822 more passed tests, not listed here to stay within GitHub's size limit: see …". */
function leftOutText(count: number, label: string, elsewhere: Elsewhere): string {
  const tests = `${formatCount(count)} more ${label} ${count === 1 ? 'test' : 'tests'}`
  return `…and ${tests}, not listed here to stay within GitHub's size limit${seeText(elsewhere)}.`
}

function seeText(elsewhere: Elsewhere): string {
  return elsewhere ? `: see ${elsewhere}` : ''
}
