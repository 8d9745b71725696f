import { formatDuration } from '../poll.js'
import type { RunReport, TestResult } from './model.js'
import { verdictText } from './verdict.js'

/**
 * RunReport → markdown for the job summary and the PR comment. Everything that came from a vendor
 * (names, errors, links) is untrusted: escaped, stripped of mentions, links limited to http(s),
 * long text shortened, and the whole kept under a size budget with failures first.
 */

export interface RenderContext {
  /** The vendor's name as users know it. */
  vendor: string
  environment?: string
  urlUnderTest?: string
  sha?: string
  runUrl?: string
  timeoutMinutes?: number
  /** True when testgate started the run and did not wait for it. */
  startedOnly?: boolean
  /** Where else the report went (a Testmo run…), linked from the summary and the comment. */
  published?: { label: string; url: string }[]
  /** Where the normalized report JSON is written: named when tests are left out for size. */
  reportPath?: string
}

export interface RenderLimits {
  /** Total characters the markdown may take. */
  maxChars: number
  /** Characters of one error message. */
  maxErrorChars: number
}

export const SUMMARY_LIMITS: RenderLimits = { maxChars: 900_000, maxErrorChars: 4_000 }
// GitHub rejects comments over 65,536 characters; leave room for the marker and the footer.
export const COMMENT_LIMITS: RenderLimits = { maxChars: 60_000, maxErrorChars: 1_500 }

// Test names are shortened to this in the summary and the comment (the report file and JUnit keep
// them whole). Start and end are kept: the start says what is tested, the end which case, where
// generated names differ.
export const MAX_NAME_CHARS = 256

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Inline text that renders as itself: no markdown, no HTML, no mentions, on one line. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL_CHARS, '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()#!~|$]/g, '\\$&')
    .replace(/@/g, '@\u200b')
}

/** A fenced block that no backtick run in the text can close early. */
export function codeBlock(text: string): string {
  const clean = text.replace(CONTROL_CHARS, '').replace(/\r\n?/g, '\n')
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}text\n${clean}\n${fence}`
}

/** Keeps the start and the end, where errors say the most. */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text
  return keepEnds(text, max, `\n… ${text.length - max} characters omitted …\n`)
}

/** A test name of at most `max` characters, its start and end kept. */
export function shortenName(name: string, max = MAX_NAME_CHARS): string {
  return name.length <= max ? name : keepEnds(name, max, ' … ')
}

/** The start and end of `text` around `marker`, `max` characters in all, no emoji cut in two. */
function keepEnds(text: string, max: number, marker: string): string {
  const keep = Math.max(0, max - marker.length)
  const headEnd = outsidePair(text, Math.ceil(keep / 2), -1)
  const tailStart = outsidePair(text, text.length - Math.floor(keep / 2), 1)
  return `${text.slice(0, headEnd)}${marker}${text.slice(tailStart)}`
}

/** `index`, moved by `step` when it falls between the two halves of a surrogate pair. */
function outsidePair(text: string, index: number, step: -1 | 1): number {
  const code = text.charCodeAt(index)
  const lowHalf = code >= 0xdc00 && code <= 0xdfff
  return lowHalf && index > 0 ? index + step : index
}

/** The URL when it is http(s), made safe to sit inside a markdown link; else undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined
  return parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29')
}

export function link(label: string, url: string | undefined): string | undefined {
  const safe = safeUrl(url)
  return safe ? `[${escapeMarkdown(label)}](${safe})` : undefined
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
  const vendor = escapeMarkdown(context.vendor)
  if (context.startedOnly) return `🚀 ${vendor}: run started`
  const limit = context.timeoutMinutes === undefined ? '' : ` within ${context.timeoutMinutes} min`
  const text = report.status === 'timed-out' ? `no verdict${limit}` : verdictText(report)
  return `${HEADLINE_ICON[report.status]} ${vendor}: ${escapeMarkdown(text)}`
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

/**
 * Adds parts while they fit. The last stretch of the budget is kept for the lines that say what
 * was left out, so those always make it in.
 */
class Budget {
  private readonly parts: string[] = []
  private used = 0
  constructor(
    private readonly max: number,
    private readonly reserve: number
  ) {}

  fits(length: number, useReserve = false): boolean {
    return this.used + length + 2 <= this.max - (useReserve ? 0 : this.reserve)
  }

  add(text: string, useReserve = false): boolean {
    if (!this.fits(text.length, useReserve)) return false
    this.parts.push(text)
    this.used += text.length + 2
    return true
  }

  text(): string {
    return this.parts.join('\n\n')
  }
}

// Room kept for the lines that say what was left out.
const RESERVE = 1_000

export function renderReport(
  report: RunReport,
  context: RenderContext,
  limits: RenderLimits,
  footer = ''
): string {
  const budget = new Budget(limits.maxChars - footer.length, RESERVE)
  budget.add(`## ${headline(report, context)}`)
  const meta = metaLine(report, context)
  if (meta) budget.add(meta)
  if (report.note) budget.add(`> ${escapeMarkdown(report.note)}`)
  if (context.startedOnly) {
    budget.add('testgate started the run and did not wait for its verdict (`wait: false`).')
    return joinWithFooter(budget.text(), footer)
  }
  if (report.counts.total > 0) budget.add(countsTable(report))

  const failures = report.tests.filter(
    (test) => test.status === 'failed' || test.status === 'errored'
  )
  if (failures.length > 0) {
    budget.add(`### Failed tests (${failures.length})`)
    const shown = failures.findIndex((test) => !budget.add(failureEntry(test, limits)))
    if (shown !== -1) {
      budget.add(
        `…and ${failures.length - shown} more failed tests, not shown here to stay within GitHub's size limit: see the full report.`
      )
    }
  }
  const groups: [string, TestResult[]][] = [
    [
      'not finished',
      report.tests.filter((test) => test.status === 'running' || test.status === 'queued')
    ],
    ['skipped', report.tests.filter((test) => test.status === 'skipped')],
    // flaky ones first: they passed, but someone should look
    [
      'passed',
      report.tests
        .filter((test) => test.status === 'passed')
        .sort((a, b) => Number(Boolean(b.flaky)) - Number(Boolean(a.flaky)))
    ]
  ]
  for (const [label, tests] of groups) {
    if (tests.length > 0) addFolded(budget, label, tests)
  }
  return joinWithFooter(budget.text(), footer)
}

function addFolded(budget: Budget, label: string, tests: TestResult[]): void {
  const icon = STATUS_ICON[tests[0]?.status ?? 'passed']
  // Agent simulations score each call: a Score column when any test has one.
  const withScore = tests.some((test) => test.score !== undefined)
  const columns = withScore
    ? '| Test | Duration | Score | Links |\n|---|---|---|---|'
    : '| Test | Duration | Links |\n|---|---|---|'
  const head = `<details><summary>${icon} ${tests.length} ${label}</summary>\n\n${columns}`
  const rows: string[] = []
  // head, rows, and at most ~100 characters of "…and N more" and closing tag
  let length = head.length + 100
  for (const test of tests) {
    const row = tableRow(test, withScore)
    if (!budget.fits(length + row.length + 1)) break
    rows.push(row)
    length += row.length + 1
  }
  const omitted = tests.length - rows.length
  const tail = omitted > 0 ? `\n\n…and ${omitted} more, see the full report.` : ''
  const added = rows.length > 0 && budget.add(`${head}\n${rows.join('\n')}${tail}\n\n</details>`)
  if (!added)
    budget.add(
      `${icon} ${tests.length} ${label} (list omitted to stay within GitHub's size limit)`,
      true
    )
}

function joinWithFooter(body: string, footer: string): string {
  return footer ? `${body}\n\n${footer}\n` : `${body}\n`
}

export function footerLine(context: RenderContext, extra: string[] = []): string {
  const parts = ['testgate', ...extra]
  const run = link('workflow run', context.runUrl)
  if (run) parts.push(run)
  return `<sub>${parts.join(' · ')}</sub>`
}
