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
import { SUMMARY_LIMITS } from '../../src/report/budget.js'
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
    expect(body).toContain('3,000 passed')
    expect(body.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it("counts a re-run's earlier passes in its fold, and says they are counted, not listed", () => {
    /** A re-run of one test after attempt 1, in which 4 others passed. */
    const rerun = (status: 'passed' | 'failed'): RunReport => {
      const own = report([test('Scenario 2', status)], status)
      const counts = { ...own.counts, total: 5, passed: own.counts.passed + 4 }
      const rerunOf = { attempt: 1, runId: 'r0', rerun: 1, passed: 4, notRerun: 0, outside: [] }
      return { ...own, counts, rerunOf }
    }
    const md = summaryMarkdown(rerun('passed'), { vendor: 'Octomind' })
    expect(md).toContain('## ✅ Octomind: all 5 tests passed')
    expect(md).toContain(
      '<details><summary>✅ 5 passed · 4 of them in attempt 1, counted, not listed</summary>'
    )
    expect(md).toContain('| ✅ Scenario 2 |')
    // a re-run whose selection all failed still counts the earlier passes, in a line of their own
    const failing = summaryMarkdown(rerun('failed'), { vendor: 'Octomind' })
    expect(failing).toContain('\n✅ 4 passed · 4 of them in attempt 1, counted, not listed\n')
    expect(failing).not.toContain('<details>')
  })

  it("links a test's name to its page at the vendor, and shows a short name where there is one", () => {
    const page = { label: 'result', url: 'https://app.example/r/1/t/1', kind: 'page' as const }
    const trace = { label: 'trace', url: 'https://t.example/1.zip', kind: 'artifact' as const }
    const md = summaryMarkdown(
      report([
        test('test case version feedface-0000-4000-8000-000000000001', 'failed', {
          shortName: 'test feedface',
          links: [page, trace],
          error: 'boom'
        }),
        test('Checkout', 'passed', { links: [{ ...page, url: 'https://app.example/r/1/t/2' }] })
      ]),
      { vendor: 'Octomind' }
    )
    expect(md).toContain(
      '❌ **[test feedface](https://app.example/r/1/t/1)** · failed · [trace](https://t.example/1.zip)'
    )
    expect(md).toContain('| ✅ [Checkout](https://app.example/r/1/t/2) |  |  |')
    expect(md).not.toContain('[result]')
    expect(md).not.toContain('feedface-0000')
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
  /** Every test a rendering says it left out: failures, and the tests of each fold. */
  const notShown = (markdown: string): number => {
    const figure = (text: string): number => Number(text.replace(/,/g, ''))
    const failures = /\*\*([\d,]+) of [\d,]+ failed tests? not listed here\*\*/.exec(markdown)
    const folds = [
      ...markdown.matchAll(/…and ([\d,]+) more (?:passed|skipped) tests?, not listed/g)
    ]
    const wholeFolds = [...markdown.matchAll(/^(?:✅|⏭️) ([\d,]+) \w+, not listed here/gm)]
    return (
      (failures ? figure(failures[1]!) : 0) +
      [...folds, ...wholeFolds].reduce((sum, match) => sum + figure(match[1]!), 0)
    )
  }
  /** Failure entries and table rows a rendering shows. */
  const shown = (markdown: string): number =>
    (markdown.match(/^(❌|💥) \*\*/gmu) ?? []).length +
    (markdown.match(/^\| (✅|⏭️) /gm) ?? []).length

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

  it('says above the failures how many failures are left out, and where every test is', () => {
    const tests = [
      ...failures(300, (i) => `failing ${i}`, 'E'.repeat(1_400)),
      ...Array.from({ length: 3_000 }, (_, i) => test(`passing ${i}`, 'passed')),
      ...Array.from({ length: 40 }, (_, i) => test(`skipped ${i}`, 'skipped'))
    ]
    const md = renderReport(report(tests), context, { ...SUMMARY_LIMITS, max: 200_000 })
    const line = md.split('\n').find((text) => text.includes('failed tests not listed here**'))
    expect(line).toMatch(/^⚠️ \*\*[\d,]+ of 300 failed tests not listed here\*\*/)
    expect(line).toContain('[Octomind report](https://app.example/r/1)')
    // the job summary names the report file, on the runner where the summary is read
    expect(line).toContain('the report file `/home/runner/work/_temp/testgate/octomind-run-1.json`')
    expect(md.indexOf(line!)).toBeLessThan(md.indexOf('### Failed tests'))
    expect(notShown(md)).toBe(3_340 - shown(md))
  })

  it('says in the fold which passed tests it left out, never above failures it lists whole', () => {
    const tests = [
      ...failures(7, (i) => `failing ${i}`, 'boom'),
      ...Array.from({ length: 5 }, (_, i) => test(`erroring ${i}`, 'errored', { error: 'crash' })),
      ...Array.from({ length: 1_988 }, (_, i) =>
        test(`Passing check number ${i} with a name long enough to take room`, 'passed')
      )
    ]
    const body = commentBody(report(tests), context, marker)
    expect(body).toContain('## ❌ Octomind: 7 of 2,000 tests failed, 5 errored')
    expect(body).toContain('| 2,000 | 1,988 | 7 | 5 | 0 |')
    expect(body).not.toContain('⚠️')
    expect(body).not.toContain('failed tests not listed')
    const summary = /<summary>✅ 1,988 passed · ([\d,]+) not listed here<\/summary>/.exec(body)
    expect(summary).not.toBeNull()
    expect(body).toContain(
      `…and ${summary![1]} more passed tests, not listed here to stay within GitHub's size limit: see the [Octomind report](https://app.example/r/1).`
    )
    // a PR reader cannot open a file on the runner: the comment does not point there
    expect(body).not.toContain('report file')
    expect(body.indexOf('### Failed tests (12)')).toBeLessThan(body.indexOf('<details>'))
    expect(notShown(body)).toBe(2_000 - shown(body))
  })

  it('fits the not-listed lines and every group even when almost nothing else fits', () => {
    const tests = [
      ...failures(50, (i) => `failing ${i}`, 'E'.repeat(500)),
      ...Array.from({ length: 50 }, (_, i) => test(`passing ${i} ${'p'.repeat(200)}`, 'passed'))
    ]
    for (let max = 800; max <= 3_000; max += 100) {
      const limits = { max, measure: utf16Units, maxErrorChars: 500 }
      const md = renderReport(report(tests), context, limits, { header: marker, footer: 'footer' })
      expect(md.length).toBeLessThanOrEqual(max)
      expect(notShown(md)).toBe(100 - shown(md))
      expect(md).toMatch(/…and [\d,]+ more failed tests, not listed here\./)
      expect(md).toMatch(/✅ 50 passed/)
    }
    const tight = { max: 900, measure: utf16Units, maxErrorChars: 500 }
    const md = renderReport(report(tests), context, tight, { header: marker, footer: 'footer' })
    expect(md).toContain('…and 50 more failed tests, not listed here.')
    expect(md).toContain(
      "✅ 50 passed, not listed here to stay within GitHub's size limit: see the [Octomind report](https://app.example/r/1) and the report file"
    )
  })

  it('says nothing is left out when everything fits, and names the job summary when no report is', () => {
    const small = summaryMarkdown(report([test('a', 'failed'), test('b', 'passed')]), context)
    expect(small).not.toContain('not listed here')
    const tests = failures(500, (i) => `failing ${i}`, 'E'.repeat(1_400))
    const body = commentBody({ ...report(tests), url: undefined }, context, marker)
    expect(body).toMatch(
      /\*\*[\d,]+ of 500 failed tests not listed here\*\*, to stay within GitHub's size limit: see the job summary of the \[workflow run\]\(https:\/\/github.com\/acme\/shop\/actions\/runs\/1\)\.\n/
    )
    const nowhere = commentBody(
      { ...report(tests), url: undefined },
      { vendor: 'Octomind' },
      marker
    )
    expect(nowhere).toMatch(
      /failed tests not listed here\*\*, to stay within GitHub's size limit\.\n/
    )
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
