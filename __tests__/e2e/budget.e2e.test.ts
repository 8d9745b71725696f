import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_DIGEST_CHARS, readDigest } from '../../src/report/digest.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  type OctomindResultState,
  type OctomindTestCase,
  octomindInputs
} from '../simulators/octomind.js'
import { runAction, type ActionResult } from '../simulators/runner.js'

const API_KEY = 'om-key-for-budgets'
const GITHUB_TOKEN = 'ghs_budget_token'
const TARGET = '7a1b2c3d-0000-4000-8000-00000000b0d9'
const PR = 21
const FAILING = 5_000
const PASSING = 100
const LONG_NAME_CHARS = 10_000
/** Failures whose names are 10,000 characters long: early ones (shown) and a late one. */
const LONG_NAMED = new Set([0, 1, 2, 4_321])
const SUMMARY_MAX_BYTES = 1_048_576
const COMMENT_MAX_CHARS = 65_536

/** A name of exactly 10,000 UTF-16 characters, emoji (4 UTF-8 bytes each) in its middle. */
function longName(i: number): string {
  const start = `Long scenario ${i} begins here 🧪`
  const end = `and ends with case ${i} 🏁`
  const room = LONG_NAME_CHARS - start.length - end.length
  return `${start}${'🛒x'.repeat(Math.floor(room / 3))}${'y'.repeat(room % 3)}${end}`
}

function caseName(i: number): string {
  if (i >= FAILING) return `Passing check ${i} ✅`
  return LONG_NAMED.has(i) ? longName(i) : `Checkout ${i} 🛒 pays with card 💳`
}

const cases: OctomindTestCase[] = Array.from({ length: FAILING + PASSING }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  description: caseName(i)
}))

function finalResult(testCase: OctomindTestCase, i: number): OctomindResultState {
  if (i >= FAILING) return { testCaseId: testCase.id, status: 'PASSED' }
  const errorMessage = `AssertionError: cart 🛒 should hold ${i} items\n${'🔥'.repeat(500)}`
  return { testCaseId: testCase.id, status: 'FAILED', errorMessage }
}

let octomind: OctomindSimulator
let github: GitHubSimulator
let dir: string
let result: ActionResult
let comment: string

beforeAll(async () => {
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: cases,
    script: [
      { status: 'WAITING', results: cases.map((c) => ({ testCaseId: c.id, status: 'WAITING' })) },
      { status: 'FAILED', results: cases.map(finalResult) }
    ],
    // results name their test case, so the names are the descriptions above
    shape: 'v3-case'
  })
  github = new GitHubSimulator(GITHUB_TOKEN)
  await Promise.all([octomind.start(), github.start()])
  dir = await mkdtemp(join(tmpdir(), 'testgate-budget-'))
  result = await runAction({
    eventName: 'pull_request',
    event: { pull_request: { number: PR, node_id: 'PR_21', head: { sha: 'cafe'.repeat(10) } } },
    githubApiUrl: github.url,
    inputs: {
      ...octomindInputs(octomind, { apiKey: API_KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      'report-path': join(dir, 'report.json'),
      'junit-path': join(dir, 'junit.xml')
    }
  })
  comment = github.commentsOn(PR)[0]?.body ?? ''
}, 60_000)

afterAll(async () => {
  await octomind?.close()
  await github?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Tests a rendering shows: failure entries and rows of folded tables. */
function shownTests(markdown: string): number {
  const failures = markdown.match(/^❌ \*\*/gm) ?? []
  const rows = markdown.match(/^\| ✅ /gm) ?? []
  return failures.length + rows.length
}

/** The tests a rendering says it left out: failures above their list, passes in their fold. */
function notShownCount(markdown: string): number {
  const figure = (text: string | undefined): number => Number((text ?? '0').replace(/,/g, ''))
  const failures = /\*\*([\d,]+) of [\d,]+ failed tests not listed here\*\*/.exec(markdown)
  const inFold = /…and ([\d,]+) more passed tests?, not listed here/.exec(markdown)
  const wholeFold = /^✅ ([\d,]+) passed, not listed here/m.exec(markdown)
  return figure(failures?.[1]) + figure(inFold?.[1]) + figure(wholeFold?.[1])
}

describe('a run of 5,000 failures with emoji and 10,000-character names', () => {
  it('finishes, reports the verdict and comments once', () => {
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', failed: String(FAILING) })
    expect(result.errors.join('\n')).not.toMatch(/job summary|PR comment/)
    expect(github.commentsOn(PR)).toHaveLength(1)
  })

  it("keeps the job summary within GitHub's 1 MiB in UTF-8 bytes", () => {
    const bytes = Buffer.byteLength(result.summary, 'utf8')
    console.info(`summary: ${bytes} bytes, ${result.summary.length} characters`)
    expect(bytes).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
  })

  it("keeps the PR comment within GitHub's 65,536 characters, marker and footer included", () => {
    console.info(`comment: ${comment.length} characters`)
    expect(comment.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(comment).toMatch(/^<!-- testgate:octomind:/)
    expect(comment.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it('keeps a digest of the failures within its 12,000 characters, counting those it leaves out', () => {
    const line = comment.split('\n')[1] ?? ''
    console.info(`digest: ${line.length} characters`)
    expect(line.length).toBeLessThanOrEqual(MAX_DIGEST_CHARS)
    const reading = readDigest(comment, API_KEY)
    if (reading.kind !== 'found') throw new Error(`no digest: ${reading.kind}`)
    const { failures, unlisted } = reading.digest
    expect(failures.length).toBeGreaterThan(100)
    expect(failures.length + unlisted).toBe(FAILING)
    expect(failures[0]?.id).toBe(cases[0]?.id)
  })

  it('says in both how many tests are not listed, and where the full report is', () => {
    const reportUrl = result.outputs['report-url'] ?? ''
    const reportPath = result.outputs['report-path'] ?? ''
    expect(reportUrl).toContain('/testreports/')
    for (const markdown of [result.summary, comment]) {
      const shown = shownTests(markdown)
      expect(shown).toBeGreaterThan(0)
      expect(notShownCount(markdown)).toBe(FAILING + PASSING - shown)
      const line = markdown
        .split('\n')
        .find((text) => text.includes('failed tests not listed here'))
      expect(line).toContain(`](${reportUrl})`)
      expect(markdown.indexOf(line ?? '')).toBeLessThan(markdown.indexOf('### Failed tests'))
    }
    // the report file is on the runner: the job summary names it, the PR comment does not
    expect(result.summary).toContain(`the report file \`${reportPath}\``)
    expect(comment).not.toContain(reportPath)
  })

  it('shortens the 10,000-character names there, keeping their start and end', () => {
    for (const markdown of [result.summary, comment]) {
      for (const i of [0, 1, 2]) {
        const name = longName(i)
        // booleans: a failing toContain would print the whole megabyte
        expect(markdown.includes(name.slice(0, 1_000)), `name ${i} in full`).toBe(false)
        // each name links to its result in Octomind
        expect(markdown.includes(`❌ **[${name.slice(0, 60)}`), `start of name ${i}`).toBe(true)
        expect(markdown.includes(`${name.slice(-25)}](`), `end of name ${i}`).toBe(true)
      }
      const entries = markdown.split('\n').filter((line) => line.startsWith('❌ **'))
      expect(Math.max(...entries.map((line) => line.length))).toBeLessThan(700)
    }
  })

  it('keeps the full names in the report JSON and the JUnit file', async () => {
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
      tests: { name: string }[]
    }
    const names = new Set(report.tests.map((test) => test.name))
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8')
    for (const i of LONG_NAMED) {
      expect(longName(i)).toHaveLength(LONG_NAME_CHARS)
      expect(names.has(longName(i))).toBe(true)
      expect(junit).toContain(`name="${longName(i)}"`)
    }
  })
})
