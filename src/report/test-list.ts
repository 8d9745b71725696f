import { formatDuration, shortenName as shortenTo, truncateMiddle } from '../core/text.js'
import type { RunReport, TestResult } from './model.js'
import { codeBlock, escapeMarkdown, link } from './markdown-text.js'
import { Budget, type RenderLimits } from './budget.js'

/**
 * The tests of a rendering: failures with their errors first, then the other tests folded by
 * status, as many as the budget holds, and how many were left out.
 */

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

/** Failures with their errors, then the other tests folded; returns how many were left out. */
export function addTests(budget: Budget, report: RunReport, limits: RenderLimits): number {
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
