import { describe, expect, it } from 'vitest'
import { readDigest } from '../../src/report/digest.js'
import { FutureAgiSimulator, type FutureAgiScenario } from '../simulators/futureagi.js'
import {
  OctomindSimulator,
  octomindInputs,
  sampleTestCases,
  scriptedRun
} from '../simulators/octomind.js'
import { worldPerTest } from '../simulators/world.js'
import { runAction } from '../simulators/runner.js'
import { TestiflySimulator, type TestiflyStep } from '../simulators/testifly.js'

/**
 * What changed since the last run (new failures, still failing, fixed, flaky on the same commit)
 * and when the comment is written (`comment-on`), run after run against one PR, as the sticky
 * comment's hidden digest carries the last run's failures from one run to the next.
 */

const GITHUB_TOKEN = 'ghs_changes_token'
const KEY = 'vendor-key-changes-0123'
const PR = 31
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const COMMIT_A = 'a'.repeat(40)
const COMMIT_B = 'b'.repeat(40)
const CASES = sampleTestCases(4)

const world = worldPerTest(GITHUB_TOKEN)
const use = world.start

function onPullRequest(sha: string, inputs: Record<string, string>) {
  return runAction({
    eventName: 'pull_request',
    event: { pull_request: { number: PR, node_id: 'PR_31', head: { sha, ref: 'feature/x' } } },
    githubApiUrl: world.github.url,
    inputs: { 'timeout-minutes': '1', 'poll-interval-seconds': '1', ...inputs }
  })
}

const ours = () => world.github.commentsOn(PR).filter((c) => c.body.startsWith('<!-- testgate:'))

/** The section "Since the last run" of a rendering, up to the next heading or table. */
function changesOf(markdown: string): string {
  const start = markdown.indexOf('### Since the last run')
  if (start < 0) return ''
  const rest = markdown.slice(start)
  const end = rest.search(/\n\n(###|<details>|\|)/)
  return end < 0 ? rest : rest.slice(0, end)
}

// ---- Octomind ----------------------------------------------------------------------------------

/** An Octomind run in which the cases at `failing` fail and the others pass. */
async function octomindRun(sha: string, failing: number[], inputs: Record<string, string> = {}) {
  const octomind = await use(
    new OctomindSimulator({
      apiKey: KEY,
      testCases: CASES,
      shape: 'v3-case',
      script: scriptedRun(
        CASES.map((c, i) => ({
          testCaseId: c.id,
          status: failing.includes(i) ? 'FAILED' : 'PASSED',
          ...(failing.includes(i) ? { errorMessage: `step ${i} broke` } : {})
        }))
      )
    })
  )
  return onPullRequest(sha, {
    ...octomindInputs(octomind, { apiKey: KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
    ...inputs
  })
}

const name = (i: number) => CASES[i]?.description ?? ''

describe('what changed since the last run (Octomind)', () => {
  it('names new failures, failures still there and tests fixed on the next commit', async () => {
    const first = await octomindRun(COMMIT_A, [0, 1])
    expect(first.exitCode).toBe(1)
    expect(changesOf(first.summary)).toBe('') // nothing to compare with yet

    const second = await octomindRun(COMMIT_B, [1, 2])
    expect(second.exitCode).toBe(1)
    const comment = ours()
    expect(comment).toHaveLength(1)
    for (const markdown of [comment[0]?.body ?? '', second.summary]) {
      const changes = changesOf(markdown)
      expect(changes).toContain(
        `### Since the last run (commit ${COMMIT_A.slice(0, 7)}, [Octomind report](`
      )
      expect(changes).toContain(`🆕 **1 new failure**: ${name(2)}`)
      expect(changes).toContain(`🔁 **1 still failing**: ${name(1)}`)
      expect(changes).toContain(`✅ **1 fixed**: ${name(0)}`)
      expect(changes).not.toContain('flaky')
      // above the failures
      expect(markdown.indexOf('### Since the last run')).toBeLessThan(
        markdown.indexOf('### Failed tests')
      )
    }
  })

  it("keeps the last run's failures in a digest the next run reads, and reads the comment once", async () => {
    await octomindRun(COMMIT_A, [3])
    const reading = readDigest(ours()[0]?.body ?? '', KEY)
    expect(reading).toMatchObject({
      kind: 'found',
      digest: { sha: COMMIT_A, status: 'failed', passed: 3, total: 4, unlisted: 0 }
    })
    if (reading.kind === 'found')
      expect(reading.digest.failures.map((f) => f.id)).toEqual([CASES[3]?.id])
    // The digest is a hidden HTML comment on the line after the marker: nothing a reader sees.
    expect(ours()[0]?.body.split('\n')[1]).toMatch(/^<!-- testgate-digest:2:[\w-]+\.[\w-]{22} -->$/)
    const before = world.github.requestsTo('graphql').length
    await octomindRun(COMMIT_B, [3])
    // one search for the comment, shared by the change report and the comment itself
    expect(world.github.requestsTo('graphql').length - before).toBe(1)
  })

  it("reads an older testgate's comment without a digest as no previous run, and updates it", async () => {
    const first = await octomindRun(COMMIT_A, [0])
    expect(first.exitCode).toBe(1)
    const comment = ours()[0]
    if (!comment) throw new Error('no comment')
    // what testgate wrote before digests: the marker, then the report
    comment.body = comment.body.replace(/\n<!-- testgate-digest:[^\n]*/, '')
    const second = await octomindRun(COMMIT_B, [0])
    expect(second.exitCode).toBe(1)
    expect(changesOf(second.summary)).toBe('')
    expect(ours()).toHaveLength(1)
    expect(readDigest(ours()[0]?.body ?? '', KEY).kind).toBe('found')
  })
})

// ---- Testifly ----------------------------------------------------------------------------------

const PROJECT = '67f8cb3fe236b8d41b7700ac'
const TITLES = ['Login works', 'Cart keeps items', 'Checkout charges the card']

function testiflyScript(failing: number[]): TestiflyStep[] {
  const tests = TITLES.map((title, i) =>
    failing.includes(i)
      ? { title, status: 'Failed', error: `${title}: expected more` }
      : { title, status: 'Passed' }
  )
  return [{ job: 'InProgress' }, { job: failing.length > 0 ? 'Failed' : 'Success', tests }]
}

async function testiflyRun(sha: string, failing: number[], inputs: Record<string, string> = {}) {
  const testifly = await use(
    new TestiflySimulator({ apiKey: KEY, projectId: PROJECT, script: testiflyScript(failing) })
  )
  return onPullRequest(sha, {
    provider: 'testifly',
    'api-key': KEY,
    'api-url': testifly.url,
    'target-id': PROJECT,
    'suite-id': 'smoke',
    'github-token': GITHUB_TOKEN,
    ...inputs
  })
}

describe('runs of two commits of one PR finishing out of order', () => {
  it("a run of a commit the PR has moved on from leaves the comment on its head's report", async () => {
    const first = await octomindRun(COMMIT_A, [1])
    expect(first.exitCode).toBe(1)
    // B is pushed; its run fails and reports it, while A's run (a re-run, or one still going)...
    world.github.pulls.set(PR, {
      number: PR,
      node_id: 'PR_31',
      state: 'open',
      head: { sha: COMMIT_B, ref: 'feature/x' },
      base: { ref: 'main' }
    })
    const head = await octomindRun(COMMIT_B, [2])
    expect(head.exitCode).toBe(1)
    const before = ours()[0]?.body
    expect(before).toContain('## ❌ Octomind: 1 of 4 tests failed')
    // ...passes, and ends last
    const stale = await octomindRun(COMMIT_A, [])

    expect(stale.exitCode).toBe(0)
    expect(stale.summary).toContain('## ✅ Octomind: all 4 tests passed')
    const [after, ...others] = ours()
    expect(others).toEqual([])
    expect(after?.body).toBe(before)
    expect(stale.stdout).toContain(
      `PR #${PR}: comment not written: this run tested commit aaaaaaa, and the PR's head is now commit bbbbbbb, whose run the comment reports.`
    )
  })
})

describe('what changed since the last run (Testifly)', () => {
  it('flags a test that failed and then passed on the same commit as flaky', async () => {
    expect((await testiflyRun(COMMIT_A, [2])).exitCode).toBe(1)
    const second = await testiflyRun(COMMIT_A, [])
    expect(second.exitCode).toBe(0)
    for (const markdown of [ours()[0]?.body ?? '', second.summary]) {
      const changes = changesOf(markdown)
      expect(changes).toContain('### Since the last run (the same commit')
      expect(changes).toContain(
        `⚠️ **1 flaky** (failed, then passed on the same commit): ${TITLES[2]}`
      )
      expect(changes).not.toContain('fixed')
    }
  })

  it('says nothing of changes when neither run failed', async () => {
    await testiflyRun(COMMIT_A, [])
    const second = await testiflyRun(COMMIT_B, [])
    expect(changesOf(second.summary)).toBe('')
    expect(changesOf(ours()[0]?.body ?? '')).toBe('')
  })
})

// ---- comment-on --------------------------------------------------------------------------------

describe('comment-on: failure', () => {
  it('Testifly: no comment on a green PR, a comment when it fails, turned green when it passes again', async () => {
    const inputs = { 'comment-on': 'failure' }
    const green = await testiflyRun(COMMIT_A, [], inputs)
    expect(green.exitCode).toBe(0)
    expect(green.stdout).toContain('comment not written: comment-on: failure, and the run passed')
    expect(ours()).toHaveLength(0)

    expect((await testiflyRun(COMMIT_B, [1], inputs)).exitCode).toBe(1)
    expect(ours()).toHaveLength(1)
    expect(ours()[0]?.body).toContain('1 of 3 tests failed')

    expect((await testiflyRun(COMMIT_B, [], inputs)).exitCode).toBe(0)
    expect(ours()).toHaveLength(1)
    expect(ours()[0]?.body).toContain('✅ Testifly: all 3 tests passed')
    expect(world.github.requestsTo('create-comment')).toHaveLength(1)
    expect(world.github.requestsTo('update-comment')).toHaveLength(1)
  })

  it('Octomind: a failing run comments, the summary is written either way', async () => {
    const green = await octomindRun(COMMIT_A, [], { 'comment-on': 'failure' })
    expect(green.summary).toContain('Octomind: all 4 tests passed')
    expect(ours()).toHaveLength(0)
    await octomindRun(COMMIT_A, [2], { 'comment-on': 'failure' })
    expect(ours()[0]?.body).toContain('1 of 4 tests failed')
  })
})

describe('comment-on: change', () => {
  it('Octomind: leaves the comment alone while the same tests fail, edits it when they change', async () => {
    const inputs = { 'comment-on': 'change' }
    await octomindRun(COMMIT_A, [1], inputs)
    const written = ours()[0]?.body
    const same = await octomindRun(COMMIT_B, [1], inputs)
    expect(same.exitCode).toBe(1)
    expect(same.stdout).toContain(
      'comment not written: comment-on: change, and the verdict and failed tests are unchanged'
    )
    expect(world.github.requestsTo('update-comment')).toHaveLength(0)
    expect(ours()[0]?.body).toBe(written)
    // the summary still says what changed: nothing new, one still failing
    expect(changesOf(same.summary)).toContain(`🔁 **1 still failing**: ${name(1)}`)

    await octomindRun(COMMIT_B, [1, 3], inputs)
    expect(world.github.requestsTo('update-comment')).toHaveLength(1)
    expect(changesOf(ours()[0]?.body ?? '')).toContain(`🆕 **1 new failure**: ${name(3)}`)
  })

  it('Future AGI: a verdict that turns green is a change', async () => {
    const inputs = { 'comment-on': 'change' }
    await futureAgiRun(COMMIT_A, 'fail', inputs)
    await futureAgiRun(COMMIT_B, 'fail', inputs)
    expect(world.github.requestsTo('update-comment')).toHaveLength(0)
    const green = await futureAgiRun(COMMIT_B, 'pass', inputs)
    expect(green.exitCode).toBe(0)
    expect(world.github.requestsTo('update-comment')).toHaveLength(1)
    expect(ours()[0]?.body).toContain('✅ Future AGI')
    expect(changesOf(ours()[0]?.body ?? '')).toContain('✅ **1 fixed**: Angry customer')
  })
})

// ---- Future AGI --------------------------------------------------------------------------------

const RUN_TEST = '0b5a4d0e-1111-4222-8333-444455556666'
const FAGI_SECRET = 'fagi-secret-key-9876'

function scenarios(outcome: 'pass' | 'fail'): FutureAgiScenario[] {
  const verdict = (passed: boolean) => ({
    status: 'completed',
    overall_score: passed ? 9 : 3,
    evals: [
      { name: 'Task completion', type: 'Pass/Fail' as const, value: passed ? 'Passed' : 'Failed' }
    ]
  })
  return [
    {
      id: 'a1a1a1a1-0000-4000-8000-000000000001',
      name: 'Refund request',
      calls: 1,
      outcome: verdict(true)
    },
    {
      id: 'a1a1a1a1-0000-4000-8000-000000000002',
      name: 'Angry customer',
      calls: 1,
      outcome: verdict(outcome === 'pass')
    }
  ]
}

async function futureAgiRun(sha: string, outcome: 'pass' | 'fail', inputs: Record<string, string>) {
  const sim = await use(
    new FutureAgiSimulator({
      apiKey: KEY,
      apiSecret: FAGI_SECRET,
      runTestId: RUN_TEST,
      scenarios: scenarios(outcome),
      steps: [
        { status: 'running', calls: 'ongoing' },
        { status: 'completed', calls: 'final' }
      ]
    })
  )
  return onPullRequest(sha, {
    provider: 'futureagi',
    'api-key': KEY,
    'api-secret': FAGI_SECRET,
    'api-url': sim.url,
    'target-id': RUN_TEST,
    'github-token': GITHUB_TOKEN,
    ...inputs
  })
}
