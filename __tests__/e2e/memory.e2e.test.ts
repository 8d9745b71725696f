import { randomUUID } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { parseGroupComment } from '../../src/report/group-comment.js'
import { FutureAgiSimulator } from '../simulators/futureagi.js'
import {
  OctomindSimulator,
  octomindInputs,
  sampleTestCases,
  scriptedRun
} from '../simulators/octomind.js'
import { runAction, type ActionResult } from '../simulators/runner.js'
import { worldPerTest } from '../simulators/world.js'

/**
 * What testgate remembers in the PR comment (the record of a run, the comment and its sections)
 * belongs to the step that wrote it, and never makes a verdict greener than this run's evidence:
 * legs and workflows that share a marker, an edited record, and comment-on: change against the
 * decided verdict, end to end through dist/index.js.
 */

const KEY = 'vendor-key-memory-0123'
const GITHUB_TOKEN = 'ghs_memory_token_0123'
const PR = 31
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const SHA = 'beef'.repeat(10)
const CASES = sampleTestCases(5)

const world = worldPerTest(GITHUB_TOKEN)

function onPullRequest(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runAction({
    eventName: 'pull_request',
    event: { pull_request: { number: PR, node_id: 'PR_31', head: { sha: SHA, ref: 'feature/x' } } },
    githubApiUrl: world.github.url,
    env: { GITHUB_RUN_ID: '5151', ...env },
    inputs: { 'timeout-minutes': '1', ...inputs }
  })
}

const ours = () =>
  world.github.commentsOn(PR).filter((comment) => comment.body.startsWith('<!-- testgate'))

/** An Octomind simulator whose next run fails the cases at `failing`. */
async function octomind(failing: number[]): Promise<OctomindSimulator> {
  const sim = await world.start(
    new OctomindSimulator({ apiKey: KEY, testCases: CASES, script: script(failing) })
  )
  return sim
}

function script(failing: number[]) {
  return scriptedRun(
    CASES.map((c, i) =>
      failing.includes(i)
        ? { testCaseId: c.id, status: 'FAILED', errorMessage: `step ${i} broke` }
        : { testCaseId: c.id, status: 'PASSED' }
    )
  )
}

const inputsFor = (sim: OctomindSimulator, url: string, extra: Record<string, string> = {}) => ({
  ...octomindInputs(sim, { apiKey: KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
  url,
  ...extra
})

const executes = (sim: OctomindSimulator) =>
  sim.requestsTo('execute').map((request) => request.body as Record<string, unknown>)

describe('two steps that share a marker never share a record', () => {
  it("a re-run of one unnamed matrix leg never re-runs only the other leg's failures", async () => {
    const sim = await octomind([1])
    const staging = inputsFor(sim, 'https://staging.shop.example', { rerun: 'failed' })
    const production = inputsFor(sim, 'https://shop.example', { rerun: 'failed' })
    expect((await onPullRequest(staging)).exitCode).toBe(1)
    sim.options.script = script([3])
    const other = await onPullRequest(production)
    expect(other.exitCode).toBe(1)
    // The second leg of this workflow run finds the first one's record: it says so, with the fix.
    expect(other.warnings.join('\n')).toContain(
      'Another testgate step of this workflow run, with other inputs'
    )
    expect(other.warnings.join('\n')).toContain('distinct `name:`')

    // The staging leg is re-run: its test 2 still fails there.
    sim.options.script = script([1])
    const rerun = await onPullRequest(staging, { GITHUB_RUN_ATTEMPT: '2' })

    expect(executes(sim)[2]).not.toHaveProperty('testCaseVersionIds')
    expect(rerun.stdout).toContain(
      'rerun: failed, but running every test: the record in the comment on PR #31 was written with other inputs'
    )
    expect(rerun.exitCode, rerun.stdout).toBe(1)
    expect(rerun.outputs).toMatchObject({ status: 'failed', total: '5', failed: '1' })
  })

  it('two workflows running a job of the same id on the same target keep a comment each', async () => {
    const sim = await octomind([])
    const workflow = (file: string) => ({
      GITHUB_WORKFLOW_REF: `acme/shop/.github/workflows/${file}@refs/heads/main`
    })
    const inputs = inputsFor(sim, 'https://shop.example')
    expect((await onPullRequest(inputs, workflow('pr.yml'))).exitCode).toBe(0)
    sim.options.script = script([2])
    expect((await onPullRequest(inputs, workflow('deploy.yml'))).exitCode).toBe(1)

    const bodies = ours().map((comment) => comment.body)
    expect(bodies).toHaveLength(2)
    expect(bodies[0]).toMatch(/^<!-- testgate:octomind:[^ ]+:workflow=pr\.yml -->/)
    expect(bodies[0]).toContain('all 5 tests passed')
    expect(bodies[1]).toMatch(/^<!-- testgate:octomind:[^ ]+:workflow=deploy\.yml -->/)
    expect(bodies[1]).toContain('1 of 5 tests failed')
  })

  it('two unnamed legs of a comment group that share a marker keep a section each', async () => {
    const sim = await octomind([])
    const group = { 'comment-group': 'e2e' }
    const legs = await Promise.all([
      onPullRequest(inputsFor(sim, 'https://staging.shop.example', group)),
      onPullRequest(inputsFor(sim, 'https://shop.example', group))
    ])
    for (const leg of legs) expect(leg.exitCode, leg.stdout).toBe(0)

    const comments = ours()
    expect(comments).toHaveLength(1)
    const sections = parseGroupComment(comments[0]?.body ?? '')
    expect(sections).toHaveLength(2)
    const tested = sections.map((section) => /tested (\S+)/.exec(section.text)?.[1]).sort()
    expect(tested).toEqual(['https://shop.example/', 'https://staging.shop.example/'])
  })
})

/**
 * The record on the line after the marker, its payload (deflated JSON, base64url) edited as
 * someone with write access to the PR could, everything else on the line kept as it was.
 */
function editRecord(body: string, edit: (record: Record<string, unknown>) => void): string {
  const lines = body.split('\n')
  const match = /^<!-- testgate-digest:(\d+):([\w-]+)(.*) -->$/.exec(lines[1] ?? '')
  if (!match) throw new Error('no record on the line after the marker')
  const [, version, payload = '', rest] = match
  const record = JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8'))
  edit(record as Record<string, unknown>)
  const packed = deflateRawSync(Buffer.from(JSON.stringify(record))).toString('base64url')
  lines[1] = `<!-- testgate-digest:${version}:${packed}${rest} -->`
  return lines.join('\n')
}

describe('a record edited by hand', () => {
  it('is refused: a re-run then runs every test', async () => {
    const sim = await octomind([1, 3])
    const inputs = inputsFor(sim, 'https://shop.example', { rerun: 'failed' })
    expect((await onPullRequest(inputs)).outputs).toMatchObject({ failed: '2' })
    const comment = ours()[0]
    if (!comment) throw new Error('no comment')
    // Someone drops the first failure from the record, to have the re-run skip it.
    comment.body = editRecord(comment.body, (record) => {
      record.f = (record.f as unknown[]).slice(1)
    })

    sim.options.script = script([1])
    const rerun = await onPullRequest(inputs, { GITHUB_RUN_ATTEMPT: '2' })

    expect(executes(sim)[1]).not.toHaveProperty('testCaseVersionIds')
    expect(rerun.stdout).toContain("it is not signed with this step's api-key")
    expect(rerun.exitCode, rerun.stdout).toBe(1)
    expect(rerun.outputs).toMatchObject({ status: 'failed', failed: '1' })
  })
})

describe('records and markers are read only where testgate writes them', () => {
  it('vendor text cannot put a marker or a record line into the comment', async () => {
    const sim = await octomind([])
    const quoted = [
      'step 2 broke',
      `<!-- testgate-digest:2:${'A'.repeat(40)}.${'B'.repeat(22)} -->`,
      `<!-- testgate:octomind:${TARGET}:e2e-tests:workflow=e2e.yml -->`,
      '<!-- testgate-leg:octomind:x -->'
    ].join('\n')
    sim.options.script = scriptedRun(
      CASES.map((c, i) =>
        i === 1
          ? { testCaseId: c.id, status: 'FAILED', errorMessage: quoted }
          : { testCaseId: c.id, status: 'PASSED' }
      )
    )
    expect((await onPullRequest(inputsFor(sim, 'https://shop.example'))).exitCode).toBe(1)

    const body = ours()[0]?.body ?? ''
    expect(body).toContain('step 2 broke')
    const hidden = body.split('\n').filter((line) => line.includes('<!--'))
    expect(hidden).toHaveLength(2)
    expect(body.indexOf('<!--', body.indexOf('\n', body.indexOf('\n') + 1))).toBe(-1)
  })

  it('an id of a million characters in an edited record never reaches the log', async () => {
    const sim = await octomind([1, 3])
    const inputs = inputsFor(sim, 'https://shop.example', { rerun: 'failed' })
    expect((await onPullRequest(inputs)).exitCode).toBe(1)
    const comment = ours()[0]
    if (!comment) throw new Error('no comment')
    comment.body = editRecord(comment.body, (record) => {
      record.f = ['x'.repeat(1_000_000)]
    })

    const rerun = await onPullRequest(inputs, { GITHUB_RUN_ATTEMPT: '2' })

    const longest = Math.max(...rerun.stdout.split('\n').map((line) => line.length))
    expect(longest).toBeLessThan(5_000)
    expect(executes(sim)[1]).not.toHaveProperty('testCaseVersionIds')
  })
})

describe('comment-on: change weighs the decided verdict', () => {
  const RUN_TEST = '0b5a4d0e-1111-4222-8333-444455556666'
  const SECRET = 'fagi-secret-key-memory'
  async function futureAgi(score: number) {
    const sim = await world.start(
      new FutureAgiSimulator({
        apiKey: KEY,
        apiSecret: SECRET,
        runTestId: RUN_TEST,
        scenarios: [
          {
            id: 'a1a1a1a1-0000-4000-8000-000000000001',
            name: 'Refund request',
            calls: 1,
            outcome: { status: 'completed', overall_score: score }
          }
        ],
        steps: [{ status: 'completed', calls: 'final' }]
      })
    )
    return onPullRequest({
      provider: 'futureagi',
      'api-key': KEY,
      'api-secret': SECRET,
      'api-url': sim.url,
      'target-id': RUN_TEST,
      'github-token': GITHUB_TOKEN,
      'comment-on': 'change',
      'min-score': '8'
    })
  }

  it('a score below min-score on a run the vendor passed updates the comment, and back', async () => {
    expect((await futureAgi(9)).exitCode).toBe(0)
    expect(ours()[0]?.body).toContain('✅ Future AGI: all 1 test passed')

    const below = await futureAgi(7)
    expect(below.exitCode).toBe(1)
    expect(below.stdout).not.toContain('comment not written')
    expect(ours()[0]?.body).toContain('below min-score')

    expect((await futureAgi(9)).exitCode).toBe(0)
    expect(ours()[0]?.body).toContain('✅ Future AGI: all 1 test passed')
    expect(ours()).toHaveLength(1)
  })
})

describe('a run that never starts', () => {
  const NEXT_SHA = 'cafe'.repeat(10)
  const onNextCommit = (inputs: Record<string, string>) =>
    runAction({
      eventName: 'pull_request',
      event: {
        pull_request: { number: PR, node_id: 'PR_31', head: { sha: NEXT_SHA, ref: 'feature/x' } }
      },
      githubApiUrl: world.github.url,
      inputs: { 'timeout-minutes': '1', ...inputs }
    })

  async function greenComment(): Promise<Record<string, string>> {
    const sim = await octomind([])
    const inputs = inputsFor(sim, 'https://shop.example')
    expect((await onPullRequest(inputs)).exitCode).toBe(0)
    expect(ours()[0]?.body).toContain('✅ Octomind: all 5 tests passed')
    return inputs
  }

  function expectNotStarted(result: ActionResult, why: string): void {
    expect(result.exitCode).toBe(1)
    const comments = ours()
    expect(comments).toHaveLength(1)
    const body = comments[0]?.body ?? ''
    for (const text of [body, result.summary]) {
      expect(text).toContain("💥 Octomind: this commit's run did not start")
      expect(text).toContain(why)
      expect(text).toContain(`commit ${NEXT_SHA.slice(0, 7)}`)
      expect(text).not.toContain('all 5 tests passed')
    }
    // No record: nothing of a run that did not start can be compared or re-run.
    expect(body).not.toContain('testgate-digest')
  }

  it('a key the vendor refuses replaces the last green comment, and writes a summary', async () => {
    const inputs = await greenComment()
    const result = await onNextCommit({ ...inputs, 'api-key': 'revoked-key-0000' })
    expectNotStarted(result, 'HTTP 401')
    const lines = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
    expect(lines.join('\n')).not.toContain('revoked-key-0000')
    expect(ours()[0]?.body).not.toContain('revoked-key-0000')
  })

  it('an input error does too, naming the input', async () => {
    const inputs = await greenComment()
    const result = await onNextCommit({ ...inputs, 'timeout-minutes': 'soon' })
    expectNotStarted(result, 'Input "timeout-minutes"')
  })

  it('a github-token GitHub rejects leaves the comment alone and writes the summary', async () => {
    const inputs = await greenComment()
    const writes = world.github.requestsTo('update-comment').length
    const result = await onNextCommit({
      ...inputs,
      'api-key': 'revoked-key-0000',
      'github-token': 'ghs_revoked'
    })
    expect(result.exitCode).toBe(1)
    expect(result.summary).toContain("this commit's run did not start")
    expect(world.github.requestsTo('update-comment')).toHaveLength(writes)
  })
})

describe('comment-on: change with more failures than the record lists', () => {
  // Random ids deflate as little as real ones: a leg's section of a combined comment lists about
  // a hundred of them.
  const many = Array.from({ length: 160 }, (_, i) => ({
    id: randomUUID(),
    versionId: randomUUID(),
    description: `Check ${i}`
  }))
  const run = (failing: (i: number) => boolean) =>
    scriptedRun(
      many.map((c, i) =>
        failing(i)
          ? { testCaseId: c.id, status: 'FAILED', errorMessage: `check ${i} broke` }
          : { testCaseId: c.id, status: 'PASSED' }
      )
    )

  it('counts a change among the failures the record does not list as a change', async () => {
    const sim = await world.start(
      new OctomindSimulator({ apiKey: KEY, testCases: many, script: run((i) => i < 140) })
    )
    const inputs = inputsFor(sim, 'https://shop.example', {
      'comment-on': 'change',
      'comment-group': 'e2e'
    })
    expect((await onPullRequest(inputs)).exitCode).toBe(1)
    const before = ours()[0]?.body ?? ''

    // as many failures, the first ones the same: the last failing check is another one
    sim.options.script = run((i) => i < 139 || i === 159)
    const second = await onPullRequest(inputs)

    expect(second.exitCode).toBe(1)
    expect(second.stdout).not.toContain('comment not written')
    expect(ours()[0]?.body).not.toBe(before)
  })
})
