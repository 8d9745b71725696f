import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  octomindInputs,
  sampleTestCases,
  type OctomindResultState,
  type OctomindTestCase
} from '../simulators/octomind.js'
import { runAction, type ActionResult } from '../simulators/runner.js'

/**
 * A run of 2,000 tests, 7 failed and 5 errored, through dist/index.js: every failure fits in the
 * PR comment, the passed tests do not. The comment's words and its counts table agree, and what
 * it leaves out is said where it was left out (the passed tests' fold), pointing where a PR's
 * reader can go: the vendor's report, not a file on the runner.
 */

const API_KEY = 'om-key-for-a-large-run'
const GITHUB_TOKEN = 'ghs_large_run_token'
const TARGET = '7a1b2c3d-0000-4000-8000-0000000020a0'
const PR = 12
const TOTAL = 2_000

function finalResult(testCase: OctomindTestCase, i: number): OctomindResultState {
  if (i < 7) return { testCaseId: testCase.id, status: 'FAILED', errorMessage: `expected ${i}` }
  if (i < 12) return { testCaseId: testCase.id, status: 'ERROR', errorMessage: 'worker lost' }
  return { testCaseId: testCase.id, status: 'PASSED' }
}

let octomind: OctomindSimulator
let github: GitHubSimulator
let result: ActionResult
let comment: string

beforeAll(async () => {
  const cases = sampleTestCases(TOTAL)
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: cases,
    script: [
      { status: 'WAITING', results: cases.map((c) => ({ testCaseId: c.id, status: 'WAITING' })) },
      { status: 'FAILED', results: cases.map(finalResult) }
    ],
    shape: 'v3-case'
  })
  github = new GitHubSimulator(GITHUB_TOKEN)
  await Promise.all([octomind.start(), github.start()])
  result = await runAction({
    eventName: 'pull_request',
    event: { pull_request: { number: PR, node_id: 'PR_12', head: { sha: 'face'.repeat(10) } } },
    githubApiUrl: github.url,
    inputs: octomindInputs(octomind, {
      apiKey: API_KEY,
      targetId: TARGET,
      githubToken: GITHUB_TOKEN
    })
  })
  comment = github.commentsOn(PR)[0]?.body ?? ''
}, 120_000)

afterAll(async () => {
  await octomind?.close()
  await github?.close()
})

describe('a PR comment of 2,000 tests, 12 of them failures', () => {
  it('says the failed and errored tests as its counts table counts them', () => {
    expect(result.outputs).toMatchObject({ status: 'failed', total: '2000', failed: '12' })
    expect(comment).toContain('## ❌ Octomind: 7 of 2,000 tests failed, 5 errored')
    expect(comment).toContain('| 2,000 | 1,988 | 7 | 5 | 0 |')
    expect(comment).toContain('### Failed tests (12)')
  })

  it('says in the passed tests’ fold how many of them it leaves out, not above the failures', () => {
    expect(comment).not.toContain('not shown')
    expect(comment).not.toMatch(/⚠️ \*\*[\d,]+ (tests|of)/)
    const fold = /<summary>✅ 1,988 passed · ([\d,]+) not listed here<\/summary>/.exec(comment)
    expect(fold, comment.slice(0, 3_000)).not.toBeNull()
    const listed = (comment.match(/^\| ✅ /gm) ?? []).length
    expect(Number(fold![1]!.replace(/,/g, ''))).toBe(1_988 - listed)
    expect(comment).toContain(
      `…and ${fold![1]} more passed tests, not listed here to stay within GitHub's size limit: see the [Octomind report](${result.outputs['report-url']}).`
    )
    expect(comment.indexOf('### Failed tests')).toBeLessThan(comment.indexOf('<details>'))
  })

  it('points a PR reader to the vendor report, never to the report file on the runner', () => {
    expect(comment).not.toContain('report file')
    expect(comment).not.toContain(result.outputs['report-path'])
  })

  it('lists every test in the job summary, which has the room', () => {
    expect(result.summary).toContain('<summary>✅ 1,988 passed</summary>')
    expect(result.summary).not.toContain('not listed here')
  })
})
