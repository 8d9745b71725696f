import { describe, expect, it } from 'vitest'
import { commentBody, commentMarker, findStickyComment } from '../../src/report/comment.js'
import {
  codeBlock,
  COMMENT_LIMITS,
  escapeMarkdown,
  MAX_NAME_CHARS,
  renderReport,
  safeUrl,
  utf16Units,
  utf8Bytes
} from '../../src/report/markdown.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'
import { summaryMarkdown } from '../../src/report/summary.js'
import { shortenName, truncateMiddle } from '../../src/core/text.js'

function report(tests: TestResult[], status: RunReport['status'] = 'failed'): RunReport {
  return {
    provider: 'octomind',
    targetId: 'tt-1',
    runId: 'run-1',
    url: 'https://app.example/r/1',
    status,
    counts: countTests(tests),
    tests
  }
}

const test = (
  name: string,
  status: TestResult['status'],
  fields: Partial<TestResult> = {}
): TestResult => ({
  id: name,
  name,
  status,
  links: [],
  ...fields
})

describe('escapeMarkdown', () => {
  it('neutralises markdown, HTML, table pipes and mentions', () => {
    const escaped = escapeMarkdown(
      'a | b `code` <img src=x onerror=alert(1)> **bold** [x](javascript:y) @admin #1 $x$'
    )
    expect(escaped).not.toMatch(/(?<!\\)\|/)
    expect(escaped).not.toMatch(/(?<!\\)`/)
    expect(escaped).not.toContain('<img')
    expect(escaped).toContain('&lt;img')
    expect(escaped).toContain('\\*\\*bold\\*\\*')
    expect(escaped).toContain('\\[x\\]\\(javascript:y\\)')
    expect(escaped).toContain('@\u200badmin')
    expect(escaped).toContain('\\$x\\$')
  })

  it('keeps text on one line and drops control characters', () => {
    expect(escapeMarkdown('line one\r\n  line two\u0007\u001b[31m')).toBe('line one line two\\[31m')
  })
})

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run in the text', () => {
    const block = codeBlock('before\n```\nnot a fence end\n````\nafter')
    expect(block.startsWith('`````text\n')).toBe(true)
    expect(block.endsWith('\n`````')).toBe(true)
  })
})

describe('truncateMiddle', () => {
  it('keeps both ends and says how much was cut', () => {
    const text = `START${'x'.repeat(5000)}END`
    const short = truncateMiddle(text, 200)
    expect(short.length).toBeLessThanOrEqual(200)
    expect(short.startsWith('START')).toBe(true)
    expect(short.endsWith('END')).toBe(true)
    expect(short).toContain('characters omitted')
    expect(truncateMiddle('short', 200)).toBe('short')
  })

  it('never cuts an emoji in two', () => {
    for (const max of [100, 101, 102, 103]) {
      const short = truncateMiddle('🔥'.repeat(500), max)
      expect(short.length).toBeLessThanOrEqual(max)
      expect(short).not.toMatch(LONE_SURROGATE)
    }
  })
})

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

describe('shortenName', () => {
  it('keeps the start and the end of a long name, whole emoji only', () => {
    const name = `Checkout 🛒 ${'🧪x'.repeat(3_000)} case 17 🏁`
    const short = shortenName(name, MAX_NAME_CHARS)
    expect(short.length).toBeLessThanOrEqual(MAX_NAME_CHARS)
    expect(short.length).toBeGreaterThan(MAX_NAME_CHARS - 3)
    expect(short.startsWith('Checkout 🛒 🧪x')).toBe(true)
    expect(short.endsWith('🧪x case 17 🏁')).toBe(true)
    expect(short).toContain(' … ')
    expect(short).not.toMatch(LONE_SURROGATE)
    expect(shortenName('User can log in', MAX_NAME_CHARS)).toBe('User can log in')
  })
})

describe('safeUrl', () => {
  it('renders only http(s) links, with parentheses encoded', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined()
    expect(safeUrl('data:text/html,hi')).toBeUndefined()
    expect(safeUrl('not a url')).toBeUndefined()
    expect(safeUrl('https://x.example/a(b)')).toBe('https://x.example/a%28b%29')
  })
})

describe('renderReport', () => {
  it('names the leg in the heading as plain text, and the base branch of a merge queue', () => {
    const md = summaryMarkdown(report([test('a', 'passed')], 'passed'), {
      vendor: 'Octomind',
      leg: '<img src=x> @team · FIREFOX',
      sha: 'abcdef1234567',
      baseRef: 'refs/heads/main'
    })
    expect(md).toContain(
      '## ✅ Octomind (&lt;img src=x&gt; @\u200bteam · FIREFOX): all 1 test passed'
    )
    expect(md).toContain('merge queue into `refs/heads/main`')
  })

  it('puts failures first with their errors, and folds the passed tests', () => {
    const md = summaryMarkdown(
      report([
        test('checkout works', 'passed', { durationMs: 1200 }),
        test('login | works', 'failed', {
          error: 'expected 1 to be 2',
          links: [
            { label: 'trace', url: 'https://t.example/1.zip' },
            { label: 'evil', url: 'javascript:x' }
          ]
        })
      ]),
      {
        vendor: 'Octomind',
        sha: 'abcdef1234567',
        runUrl: 'https://github.com/acme/shop/actions/runs/1'
      }
    )
    expect(md).toContain('## ❌ Octomind: 1 of 2 tests failed')
    expect(md).toContain('| 2 | 1 | 1 | 0 |')
    expect(md.indexOf('login \\| works')).toBeLessThan(
      md.indexOf('<details><summary>✅ 1 passed</summary>')
    )
    expect(md).toContain('```text\nexpected 1 to be 2\n```')
    expect(md).toContain('[trace](https://t.example/1.zip)')
    expect(md).not.toContain('javascript:')
    expect(md).toContain('commit abcdef1')
    expect(md).toContain('[workflow run](https://github.com/acme/shop/actions/runs/1)')
  })

  it("keeps a huge comment under GitHub's limit, failures first, and says what it left out", () => {
    const longError = 'E'.repeat(20_000)
    const tests = [
      ...Array.from({ length: 3000 }, (_, i) => test(`passing test number ${i}`, 'passed')),
      ...Array.from({ length: 200 }, (_, i) =>
        test(`failing test number ${i}`, 'failed', { error: longError })
      )
    ]
    const marker = commentMarker('octomind', 'tt-1', 'e2e')
    const body = commentBody(report(tests), { vendor: 'Octomind' }, marker)
    expect(body.length).toBeLessThan(65_536)
    expect(body.startsWith(marker)).toBe(true)
    expect(body).toContain('failing test number 0')
    expect(body).toMatch(/…and \d+ more failed tests/)
    expect(body).toContain('characters omitted')
    expect(body).toContain('3000 passed')
    expect(body.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it('says a run was only started, and explains a timeout', () => {
    const started = renderReport(
      report([], 'running'),
      { vendor: 'Octomind', startedOnly: true },
      COMMENT_LIMITS
    )
    expect(started).toContain('🚀 Octomind: run started')
    const timedOut = renderReport(
      {
        ...report([test('slow', 'running')], 'timed-out'),
        note: 'No verdict within timeout-minutes (5)'
      },
      { vendor: 'Octomind', timeoutMinutes: 5 },
      COMMENT_LIMITS
    )
    expect(timedOut).toContain('⏱️ Octomind: no verdict within 5 min')
    expect(timedOut).toContain('> No verdict within timeout-minutes \\(5\\)')
    expect(timedOut).toContain('1 not finished')
  })
})

describe('sticky comment marker', () => {
  it('adds the leg only when there is one, so a job without legs keeps its marker', () => {
    expect(commentMarker('octomind', 'tt-1', 'e2e', {})).toBe('<!-- testgate:octomind:tt-1:e2e -->')
    expect(commentMarker('octomind', 'tt-1', 'e2e', { variant: 'FIREFOX/MOBILE' })).toBe(
      '<!-- testgate:octomind:tt-1:e2e:variant=FIREFOX%2FMOBILE -->'
    )
    expect(commentMarker('octomind', 'tt-1', 'e2e', { name: 'a b', variant: 'FIREFOX' })).toBe(
      '<!-- testgate:octomind:tt-1:e2e:name=a%20b:variant=FIREFOX -->'
    )
    // Names stay distinct, and none can end the HTML comment early.
    const marker = (name: string) => commentMarker('x', 't', 'j', { name })
    expect(marker('a b')).not.toBe(marker('a_b'))
    expect(marker('--> <b>')).toBe('<!-- testgate:x:t:j:name=--%3E%20%3Cb%3E -->')
  })

  it('is one per provider, target and job, and found only at the start of a comment', () => {
    const marker = commentMarker('octomind', 'tt-1', 'e2e')
    expect(marker).toBe('<!-- testgate:octomind:tt-1:e2e -->')
    expect(commentMarker('octomind', 'a --> b', 'job')).toBe(
      '<!-- testgate:octomind:a_--__b:job -->'
    )
    const own = { byToken: true, minimized: false }
    const comments = [
      { id: 1, body: `> quoting ${marker}`, ...own },
      { id: 2, body: `${marker}\nold`, ...own },
      { id: 3, body: '', ...own }
    ]
    expect(findStickyComment(comments, marker)?.id).toBe(2)
    expect(findStickyComment(comments, commentMarker('octomind', 'tt-2', 'e2e'))).toBeUndefined()
  })

  it("is adopted only from the token's own comments that are not minimized, oldest first", () => {
    const marker = commentMarker('octomind', 'tt-1', 'e2e')
    const comments = [
      { id: 1, body: `${marker}\nmine now`, byToken: false, minimized: false },
      { id: 2, body: `${marker}\nhidden`, byToken: true, minimized: true },
      { id: 3, body: `${marker}\nreport`, byToken: true, minimized: false },
      { id: 4, body: `${marker}\nduplicate`, byToken: true, minimized: false }
    ]
    expect(findStickyComment(comments, marker)?.id).toBe(3)
    expect(findStickyComment(comments.slice(0, 2), marker)).toBeUndefined()
  })
})

describe('size budgets', () => {
  const marker = commentMarker('octomind', 'tt-1', 'e2e')
  const context = {
    vendor: 'Octomind',
    reportPath: '/home/runner/work/_temp/testgate/octomind-run-1.json',
    runUrl: 'https://github.com/acme/shop/actions/runs/1'
  }
  const failures = (count: number, name: (i: number) => string, error: string): TestResult[] =>
    Array.from({ length: count }, (_, i) => test(name(i), 'failed', { error }))
  const notShown = (markdown: string): number | undefined => {
    const match = /\*\*(\d+) tests? not shown here\*\*/.exec(markdown)
    return match ? Number(match[1]) : undefined
  }
  /** Failure entries and table rows a rendering shows. */
  const shown = (markdown: string): number =>
    (markdown.match(/^❌ \*\*/gm) ?? []).length + (markdown.match(/^\| (✅|⏭️) /gm) ?? []).length

  it('counts UTF-8 bytes as GitHub does: emoji 4, CJK 3', () => {
    expect(utf8Bytes('🔥')).toBe(4)
    expect(utf8Bytes('測')).toBe(3)
    expect(utf16Units('🔥')).toBe(2)
  })

  it('keeps a summary of emoji failures within 1 MiB of UTF-8, and fills it', () => {
    const tests = failures(5_000, (i) => `pays 💳 ${i} 🛒`, '🔥'.repeat(2_000))
    const md = summaryMarkdown(report(tests), context)
    const bytes = Buffer.byteLength(md, 'utf8')
    expect(bytes).toBeLessThanOrEqual(1_048_576)
    expect(bytes).toBeGreaterThan(1_000_000)
    expect(md.length).toBeLessThan(600_000) // a character count would have let twice as much in
    expect(notShown(md)).toBe(5_000 - shown(md))
    expect(md.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it('keeps a summary of CJK failures within 1 MiB of UTF-8', () => {
    const tests = failures(5_000, (i) => `結帳測試 ${i}`, '要素が見つかりません。'.repeat(400))
    const md = summaryMarkdown(report(tests), context)
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(1_048_576)
    expect(notShown(md)).toBe(5_000 - shown(md))
  })

  it('keeps a comment within 65,536 characters, marker line and footer included', () => {
    const tests = failures(2_000, (i) => `pays 💳 ${i}`, '🔥'.repeat(700))
    const body = commentBody(report(tests), context, marker)
    expect(body.length).toBeLessThanOrEqual(65_536)
    expect(body.length).toBeGreaterThan(60_000)
    expect(body.startsWith(`${marker}\n## ❌ Octomind`)).toBe(true)
    expect(
      body
        .trimEnd()
        .endsWith(
          'this comment is updated on every run · [workflow run](https://github.com/acme/shop/actions/runs/1)</sub>'
        )
    ).toBe(true)
    expect(notShown(body)).toBe(2_000 - shown(body))
  })

  it('counts every test left out, of failures and folded tables, in one line with both places', () => {
    const tests = [
      ...failures(300, (i) => `failing ${i}`, 'E'.repeat(1_400)),
      ...Array.from({ length: 3_000 }, (_, i) => test(`passing ${i}`, 'passed')),
      ...Array.from({ length: 40 }, (_, i) => test(`skipped ${i}`, 'skipped'))
    ]
    const body = commentBody(report(tests), context, marker)
    const lines = body.split('\n').filter((line) => line.includes('not shown here**'))
    expect(lines).toHaveLength(1)
    expect(notShown(body)).toBe(3_340 - shown(body))
    expect(lines[0]).toContain('[Octomind report](https://app.example/r/1)')
    expect(lines[0]).toContain(
      'the report file `/home/runner/work/_temp/testgate/octomind-run-1.json`'
    )
    // the line comes before the lists it speaks of
    expect(body.indexOf(lines[0]!)).toBeLessThan(body.indexOf('### Failed tests'))
  })

  it('fits the not-shown line and every group even when almost nothing else fits', () => {
    const tests = [
      ...failures(50, (i) => `failing ${i}`, 'E'.repeat(500)),
      ...Array.from({ length: 50 }, (_, i) => test(`passing ${i} ${'p'.repeat(200)}`, 'passed'))
    ]
    for (let max = 700; max <= 3_000; max += 100) {
      const limits = { max, measure: utf16Units, maxErrorChars: 500 }
      const md = renderReport(report(tests), context, limits, { header: marker, footer: 'footer' })
      expect(md.length).toBeLessThanOrEqual(max)
      expect(notShown(md)).toBe(100 - shown(md))
      expect(md).toMatch(/…and \d+ more failed tests, not shown here\./)
      expect(md).toMatch(/✅ 50 passed/)
    }
    const tight = { max: 800, measure: utf16Units, maxErrorChars: 500 }
    const md = renderReport(report(tests), context, tight, { header: marker, footer: 'footer' })
    expect(md).toContain('…and 50 more failed tests, not shown here.')
    expect(md).toContain("✅ 50 passed (list omitted to stay within GitHub's size limit)")
  })

  it('says nothing is left out when everything fits, and names what it can when no path is known', () => {
    const small = summaryMarkdown(report([test('a', 'failed'), test('b', 'passed')]), context)
    expect(small).not.toContain('not shown here')
    const tests = failures(500, (i) => `failing ${i}`, 'E'.repeat(1_400))
    const body = commentBody({ ...report(tests), url: undefined }, { vendor: 'Octomind' }, marker)
    expect(body).toMatch(/\*\*\d+ tests not shown here\*\* to stay within GitHub's size limit\.\n/)
  })

  it('shortens 10,000-character names in the summary and the comment', () => {
    const long = `Starts here ${'x'.repeat(10_000)} ends here`
    const tests = [test(long, 'failed', { error: 'boom' }), test(`${long} too`, 'passed')]
    for (const md of [
      summaryMarkdown(report(tests), context),
      commentBody(report(tests), context, marker)
    ]) {
      expect(md).not.toContain('x'.repeat(MAX_NAME_CHARS))
      expect(md).toMatch(/❌ \*\*Starts here x+ … x+ ends here\*\*/)
      expect(md).toMatch(/\| ✅ Starts here x+ … x+ ends here too \|/)
    }
  })
})
