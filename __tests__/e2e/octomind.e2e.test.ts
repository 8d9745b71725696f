import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun,
  versionIdOf,
  type OctomindOptions,
  type OctomindTestCase,
  octomindInputs
} from '../simulators/octomind.js'
import { runAction, type ActionRun } from '../simulators/runner.js'

const API_KEY = 'om-live-5f1d2c3b4a-secret'
const GITHUB_TOKEN = 'ghs_simulated_token_0123456789'
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const CASES = sampleTestCases(3)

const pullRequestEvent = {
  pull_request: {
    number: 7,
    node_id: 'PR_kwDOAbCd7',
    head: { sha: HEAD_SHA, ref: 'feature/login' }
  },
  sender: { login: 'octocat' }
}

const deploymentEvent = {
  deployment: { sha: HEAD_SHA, ref: 'feature/login', environment: 'Preview' },
  deployment_status: {
    state: 'success',
    environment_url: 'https://shop-git-feature-login.vercel.app',
    target_url: 'https://vercel.com/acme/shop/deployments/1'
  }
}

/** Current v3 results name only their test-case version (OpenAPI file of 2026-01). */
const label = (testCase: OctomindTestCase): string => `test case version ${versionIdOf(testCase)}`
/** How the summary and the comment show such a test: its version's first 8 characters, linked to its result. */
const shown = (testCase: OctomindTestCase): string =>
  `[test ${versionIdOf(testCase).slice(0, 8)}…](`

const allPass = CASES.map((c) => ({ testCaseId: c.id, status: 'PASSED' }))
const oneFails = [
  { testCaseId: CASES[0]!.id, status: 'PASSED' },
  {
    testCaseId: CASES[1]!.id,
    status: 'FAILED',
    errorMessage:
      "TimeoutError: locator.click: Timeout 30000ms exceeded.\nCall log:\n  - waiting for getByRole('button', { name: 'Pay' })"
  },
  { testCaseId: CASES[2]!.id, status: 'PASSED' }
]

let octomind: OctomindSimulator
let github: GitHubSimulator

async function startOctomind(options: Partial<OctomindOptions> = {}): Promise<OctomindSimulator> {
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: CASES,
    script: scriptedRun(allPass),
    ...options
  })
  await octomind.start()
  return octomind
}

function run(overrides: Partial<ActionRun> & { inputs?: Record<string, string> } = {}) {
  return runAction({
    eventName: 'pull_request',
    event: pullRequestEvent,
    githubApiUrl: github.url,
    ...overrides,
    inputs: {
      ...octomindInputs(octomind, { apiKey: API_KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      'timeout-minutes': '1',
      ...overrides.inputs
    }
  })
}

beforeEach(async () => {
  github = new GitHubSimulator(GITHUB_TOKEN)
  await github.start()
})

afterEach(async () => {
  await octomind?.close()
  await github.close()
})

describe('octomind, end to end through dist/index.js', () => {
  it('reports a passing run on a pull request: summary, comment, outputs, exit 0', async () => {
    await startOctomind()
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs).toMatchObject({
      status: 'passed',
      total: '3',
      passed: '3',
      failed: '0',
      skipped: '0'
    })
    expect(result.outputs['run-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(result.outputs['report-url']).toBe(
      `${octomind.url}/testreports/${result.outputs['run-id']}`
    )
    expect(result.summary).toContain('✅ Octomind: all 3 tests passed')
    for (const testCase of CASES) expect(result.summary).toContain(shown(testCase))

    const [execute, ...moreExecutes] = octomind.requestsTo('execute')
    expect(moreExecutes).toHaveLength(0)
    expect(execute?.headers['x-api-key']).toBe(API_KEY)
    expect(execute?.body).toEqual({
      testTargetId: TARGET,
      url: 'https://preview.shop.example',
      context: {
        source: 'github',
        issueNumber: 7,
        ref: 'feature/login',
        sha: HEAD_SHA,
        repo: 'shop',
        owner: 'acme',
        triggeredBy: { type: 'USER', userId: 'octocat' },
        nodeId: 'PR_kwDOAbCd7'
      },
      environmentName: 'default'
    })
    // The execute answer shows the first state; two looks see the next two, and the second is the
    // verdict: no look after it.
    expect(octomind.requestsTo('report')).toHaveLength(2)

    const comments = github.commentsOn(7)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toMatch(
      /^<!-- testgate:octomind:3435918b-3d29-4ebd-8c68-9a540532f45a:e2e-tests:workflow=e2e.yml -->/
    )
    expect(comments[0]?.body).toContain('all 3 tests passed')
  })

  it('fails the step on a failing run and lists the failure first, with its error and links', async () => {
    await startOctomind({ script: scriptedRun(oneFails) })
    const result = await run()

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', total: '3', passed: '2', failed: '1' })
    expect(result.errors.join('\n')).toContain('Octomind: 1 of 3 tests failed')
    const comment = github.commentsOn(7)[0]?.body ?? ''
    expect(comment).toContain('❌ Octomind: 1 of 3 tests failed')
    const failure = comment.indexOf(`**${shown(CASES[1]!)}`)
    const passedFold = comment.indexOf('2 passed')
    expect(failure).toBeGreaterThan(0)
    expect(failure).toBeLessThan(passedFold)
    expect(comment).toContain('TimeoutError: locator.click: Timeout 30000ms exceeded.')
    expect(comment).toMatch(
      /\[trace\]\(https:\/\/storage\.example\.test\/traces\/[0-9a-f-]{36}-trace\.zip\)/
    )
    // the result's page is the name's link
    expect(comment).toMatch(
      /\*\*\[test [0-9a-f]{8}…\]\(http:\/\/127\.0\.0\.1:\d+\/testtargets\/3435918b[^)]+\/testresults\//
    )
  })

  it('updates the same comment on the next run, found past the first page of comments', async () => {
    await startOctomind({ script: scriptedRun(oneFails) })
    github.seedComments(
      7,
      Array.from({ length: 130 }, (_, i) => `an unrelated review comment ${i}`)
    )
    const first = await run()
    expect(first.exitCode).toBe(1)
    github.seedComments(
      7,
      Array.from({ length: 30 }, (_, i) => `more discussion ${i}`)
    )
    await octomind.close()
    await startOctomind({ script: scriptedRun(allPass) })
    const second = await run()

    expect(second.exitCode).toBe(0)
    const ours = github.commentsOn(7).filter((c) => c.body.startsWith('<!-- testgate:'))
    expect(ours).toHaveLength(1)
    expect(ours[0]?.body).toContain('all 3 tests passed')
    expect(ours[0]?.body).not.toContain('### Failed tests')
    // The same commit failed, then passed: the test is flagged, not reported as fixed.
    expect(ours[0]?.body).toMatch(
      /### Since the last run \(the same commit, .*\n\n⚠️ \*\*1 flaky\*\* \(failed, then passed on the same commit\)/
    )
    expect(github.requestsTo('create-comment')).toHaveLength(1)
    expect(github.requestsTo('update-comment')).toHaveLength(1)
    // Each run reads two pages of 100 comments; the second run finds its own on the second.
    expect(github.requestsTo('graphql')).toHaveLength(4)
  })

  it('on deployment_status tests the deployment URL and comments on the PR of the deployed commit', async () => {
    await startOctomind()
    github.commitPulls.set(HEAD_SHA, [
      {
        number: 3,
        node_id: 'PR_old',
        state: 'closed',
        head: { sha: HEAD_SHA, ref: 'feature/login' }
      },
      {
        number: 12,
        node_id: 'PR_kwDO12',
        state: 'open',
        head: { sha: HEAD_SHA, ref: 'feature/login' }
      }
    ])
    const result = await run({
      eventName: 'deployment_status',
      event: deploymentEvent,
      inputs: { url: '' }
    })

    expect(result.exitCode, result.stdout).toBe(0)
    const body = octomind.requestsTo('execute')[0]?.body as Record<string, unknown>
    expect(body.url).toBe('https://shop-git-feature-login.vercel.app')
    expect(body.context).toMatchObject({
      issueNumber: 12,
      nodeId: 'PR_kwDO12',
      sha: HEAD_SHA,
      ref: 'feature/login'
    })
    expect(github.commentsOn(12)).toHaveLength(1)
    expect(github.commentsOn(3)).toHaveLength(0)
    expect(result.summary).toContain('tested https://shop-git-feature-login.vercel.app')
  })

  it('warns when the deployment it is asked to test did not succeed', async () => {
    await startOctomind()
    const failedDeployment = {
      ...deploymentEvent,
      deployment_status: { ...deploymentEvent.deployment_status, state: 'failure' }
    }
    const result = await run({
      eventName: 'deployment_status',
      event: failedDeployment,
      inputs: { url: '' }
    })

    expect(result.warnings.join('\n')).toContain(
      'The deployment\'s status is "failure", not "success"'
    )
    expect(result.exitCode).toBe(0)
  })

  it('gives up at timeout-minutes with a distinct timed-out status', async () => {
    await startOctomind({
      script: [
        { status: 'WAITING', results: CASES.map((c) => ({ testCaseId: c.id, status: 'WAITING' })) }
      ]
    })
    const result = await run({ inputs: { 'timeout-minutes': '0.02' } })

    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('timed-out')
    expect(result.errors.join('\n')).toContain('no verdict within 0.02 minutes')
    expect(result.summary).toContain('⏱️ Octomind: no verdict within 0.02 min')
    expect(result.summary).toContain('3 not finished')
    expect(octomind.requestsTo('execute')).toHaveLength(1)
  })

  it('fails a FAILED report with a result still WAITING under min-pass-rate, which judges only the finished tests', async () => {
    // The spec's own example report: FAILED while a result is still WAITING.
    const [passed, failed, waiting] = CASES.map((c) => c.id)
    await startOctomind({
      script: [
        { status: 'WAITING', results: CASES.map((c) => ({ testCaseId: c.id, status: 'WAITING' })) },
        {
          status: 'FAILED',
          results: [
            { testCaseId: passed!, status: 'PASSED' },
            { testCaseId: failed!, status: 'FAILED', errorMessage: 'Timeout' },
            { testCaseId: waiting!, status: 'WAITING' }
          ]
        }
      ]
    })
    const result = await run({ inputs: { 'min-pass-rate': '50' } })

    expect(result.exitCode, result.stdout).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', 'decided-by': 'fail-on' })
    expect(result.errors.join('\n')).toContain(
      'Octomind: 1 of 3 tests failed. The vendor ended the run with 1 test unfinished.'
    )
    expect(result.errors.join('\n')).toContain(
      'The step fails, decided by fail-on, which includes errored: 1 test did not finish.'
    )
    expect(result.summary).toContain(
      '**The step fails**, decided by fail-on, which includes errored'
    )
  })

  it('survives 5xx, 429 with Retry-After, garbled JSON and a dropped connection while polling, with one trigger', async () => {
    await startOctomind()
    octomind.inject(
      'report',
      { kind: 'status', status: 502, body: '<html>bad gateway</html>' },
      null,
      {
        kind: 'status',
        status: 429,
        body: { message: 'slow down' },
        headers: { 'retry-after': '1' }
      },
      { kind: 'bad-json' },
      { kind: 'drop' },
      { kind: 'delay', ms: 300 }
    )
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.status).toBe('passed')
    expect(octomind.requestsTo('execute')).toHaveLength(1)
    expect(result.stdout).toContain('HTTP 502')
    expect(result.stdout).toContain('HTTP 429: slow down')
  })

  it('reports a run it lost track of (key revoked mid-run) as errored, with what it saw so far', async () => {
    await startOctomind({ script: scriptedRun(oneFails, { waitingPolls: 2 }) })
    octomind.inject('report', null, {
      kind: 'status',
      status: 401,
      body: 'Invalid or missing API key'
    })
    const result = await run()

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'errored', total: '3' })
    expect(result.errors.join('\n')).toContain('lost track of the run: Octomind: GET')
    expect(result.errors.join('\n')).toContain('HTTP 401: Invalid or missing API key')
    expect(result.summary).toContain('💥 Octomind: the run errored')
    expect(result.summary).toContain('3 not finished')
    expect(octomind.requestsTo('report')).toHaveLength(2)
  })

  it('never re-sends the trigger after a 5xx, and shows the vendor status and message', async () => {
    await startOctomind()
    octomind.inject('execute', {
      kind: 'status',
      status: 503,
      body: { message: 'maintenance window' }
    })
    const result = await run()

    expect(result.exitCode).toBe(1)
    expect(octomind.requestsTo('execute')).toHaveLength(1)
    expect(result.errors.join('\n')).toContain(
      'Could not start the Octomind run. Octomind: POST /apiKey/v3/execute failed with HTTP 503: maintenance window'
    )
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
  })

  it("shows Octomind's 400 issues by path", async () => {
    await startOctomind()
    octomind.inject('execute', {
      kind: 'status',
      status: 400,
      body: [
        {
          code: 'invalid_type',
          expected: 'string',
          received: 'undefined',
          path: ['context', 'repo'],
          message: 'Required'
        }
      ]
    })
    const result = await run()

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('HTTP 400: context.repo: Required')
  })

  it('rejects a bad input before calling anyone, naming the input and what it accepts', async () => {
    await startOctomind()
    const result = await run({ inputs: { 'timeout-minutes': 'soon', browser: 'netscape' } })

    expect(result.exitCode).toBe(1)
    const errors = result.errors.join('\n')
    expect(errors).toContain('Input "timeout-minutes": expected a plain number of minutes')
    expect(errors).toContain('Input "browser": expected one of CHROMIUM, FIREFOX, SAFARI')
    expect(octomind.requests).toHaveLength(0)
    // GitHub is told only that this commit's run did not start, in the PR comment.
    expect(new Set(github.requests.map((request) => request.route))).toEqual(
      new Set(['graphql', 'create-comment'])
    )
    expect(result.summary).toContain("this commit's run did not start")
  })

  it('asks for a url when there is none and no deployment to take it from', async () => {
    await startOctomind()
    const result = await run({ inputs: { url: '' } })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Input "url" is required for Octomind')
    expect(octomind.requests).toHaveLength(0)
  })

  it('never prints the API key, even when the vendor echoes it back', async () => {
    await startOctomind({ script: scriptedRun(oneFails) })
    octomind.inject('report', {
      kind: 'status',
      status: 500,
      body: { error: `internal error for key ${API_KEY}` }
    })
    const failing = await run()
    await octomind.close()
    await startOctomind()
    const wrongKey = await run({ inputs: { 'api-key': `${API_KEY}-revoked` } })

    expect(wrongKey.exitCode).toBe(1)
    expect(wrongKey.errors.join('\n')).toContain('HTTP 401: Invalid or missing API key')
    for (const result of [failing, wrongKey]) {
      const everything = [
        result.stdout
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n'),
        result.stderr,
        result.summary,
        JSON.stringify(result.outputs),
        ...github.commentsOn(7).map((c) => c.body)
      ].join('\n')
      expect(everything).not.toContain(API_KEY)
      expect(everything).not.toContain(GITHUB_TOKEN)
    }
    expect(failing.stdout).toContain('internal error for key ***')
    expect(failing.stdout).toContain(`::add-mask::${API_KEY}`)
  })

  it('with wait: false starts the run, sets the ids and finishes without polling', async () => {
    await startOctomind()
    const result = await run({ inputs: { wait: 'false' } })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('running')
    expect(result.outputs['run-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(result.outputs.total).toBeUndefined()
    expect(result.summary).toContain('🚀 Octomind: run started')
    expect(result.summary).toContain('did not wait for its verdict')
    expect(octomind.requestsTo('report')).toHaveLength(0)
  })

  it('with fail-on: never reports a failing run as a warning and passes the step', async () => {
    await startOctomind({ script: scriptedRun(oneFails) })
    const result = await run({ inputs: { 'fail-on': 'never' } })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('failed')
    expect(result.warnings.join('\n')).toContain('1 of 3 tests failed')
  })

  it('rides out a GitHub 502 while finding and updating its comment', async () => {
    await startOctomind()
    github.inject('graphql', {
      kind: 'status',
      status: 502,
      body: { message: 'Server Error' }
    })
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(github.commentsOn(7)).toHaveLength(1)
    expect(github.requestsTo('graphql')).toHaveLength(2)
    expect(github.requestsTo('create-comment')).toHaveLength(1)
  })

  it('turns a comment the token may not write into a warning naming the permission', async () => {
    await startOctomind()
    // A read-only token (a fork's PR) may read the comments but not write one.
    github.inject('create-comment', {
      kind: 'status',
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    const result = await run()

    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain('permissions: pull-requests: write')
    expect(result.summary).toContain('all 3 tests passed')
  })

  it('names tests from older reports: v2 names, early-v3 test cases looked up once', async () => {
    await startOctomind({ shape: 'v2' })
    const v2 = await run()
    expect(v2.summary).toContain(CASES[0]!.description)
    expect(octomind.requestsTo('test-cases')).toHaveLength(0)
    await octomind.close()

    await startOctomind({ shape: 'v3-case' })
    const v3 = await run()
    expect(v3.exitCode).toBe(0)
    for (const testCase of CASES) expect(v3.summary).toContain(testCase.description)
    expect(octomind.requestsTo('test-cases')).toHaveLength(1)
  })

  it('labels current v3 results by test-case version, never by the per-run result id', async () => {
    await startOctomind()
    const { mkdtemp, readFile } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const path = join(await mkdtemp(join(tmpdir(), 'testgate-report-')), 'report.json')
    const result = await run({ inputs: { 'report-path': path } })
    const resultIds = [...octomind.reports.values()].flatMap((report) => report.resultIds)
    const report = JSON.parse(await readFile(path, 'utf8')) as {
      tests: { id: string; name: string }[]
    }

    expect(resultIds).toHaveLength(3)
    expect(report.tests.map((test) => [test.id, test.name])).toEqual(
      CASES.map((testCase) => [versionIdOf(testCase), label(testCase)])
    )
    // the summary shows the version short, linked to its result; the report file keeps it whole
    for (const testCase of CASES) expect(result.summary).toContain(shown(testCase))
    expect(result.summary).not.toContain('test case version')
    // the result, new each run, is only the link that leads to it
    for (const id of resultIds) expect(result.summary).toContain(`/testresults/${id})`)
    expect(octomind.requestsTo('test-cases')).toHaveLength(0)
  })

  it('fails a finished run in which no test ran, saying what was selected; allow-no-tests accepts it', async () => {
    await startOctomind({ script: [{ status: 'PASSED', results: [] }] })
    const empty = await run({ inputs: { tags: 'nightly-only' } })
    const accepted = await run({ inputs: { tags: 'nightly-only', 'allow-no-tests': 'true' } })

    expect(empty.exitCode).toBe(1)
    expect(empty.outputs.status).toBe('no-tests')
    const error = empty.errors.join('\n')
    expect(error).toContain('Octomind: no tests ran')
    expect(error).toContain(`Selected: target-id ${TARGET}; tags nightly-only.`)
    expect(error).toContain('Set `allow-no-tests: true` if a run without tests is acceptable.')
    expect(empty.summary).toContain('⚠️ Octomind: no tests ran')
    expect(empty.summary).not.toContain('passed')
    expect(accepted.exitCode).toBe(0)
    expect(accepted.outputs.status).toBe('no-tests')
    expect(accepted.stdout).toContain('Octomind: no tests ran')
  })

  it('writes the normalized report where report-path says', async () => {
    await startOctomind({ script: scriptedRun(oneFails) })
    const { mkdtemp, readFile } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const path = join(await mkdtemp(join(tmpdir(), 'testgate-report-')), 'nested', 'report.json')
    const result = await run({ inputs: { 'report-path': path } })

    expect(result.outputs['report-path']).toBe(path)
    const report = JSON.parse(await readFile(path, 'utf8'))
    expect(report).toMatchObject({
      provider: 'octomind',
      targetId: TARGET,
      status: 'failed',
      counts: { total: 3, passed: 2, failed: 1, errored: 0, skipped: 0, pending: 0 }
    })
    expect(report.tests[1]).toMatchObject({ name: label(CASES[1]!), status: 'failed' })
  })
})

describe('job cancellation', () => {
  it('stops waiting on SIGINT, reports the run as cancelled, and leaves it to the post step', async () => {
    await startOctomind({
      script: [
        { status: 'WAITING', results: CASES.map((c) => ({ testCaseId: c.id, status: 'WAITING' })) }
      ]
    })
    const result = await run({
      inputs: { 'poll-interval-seconds': '4' },
      interrupt: { when: 'tests done', signal: 'SIGINT' }
    })

    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('cancelled')
    expect(result.summary).toContain('🚫 Octomind: the run was cancelled')
    expect(result.summary).toContain('Octomind has no way to stop it, so it may still be going')
    expect(github.commentsOn(7)[0]?.body).toContain('the run was cancelled')
    expect(result.state.finished).toBeUndefined()
    expect(result.state.handle).toContain('"provider":"octomind"')
  })
})

describe('post step', () => {
  it('says an unfinished Octomind run goes on, since Octomind has no cancel call', async () => {
    await startOctomind()
    const handle = {
      provider: 'octomind',
      handle: {
        runId: 'r-1',
        url: 'https://app.octomind.dev/testreports/r-1',
        targetId: TARGET,
        status: 'running'
      }
    }
    const result = await run({
      entry: 'post',
      state: { handle: JSON.stringify(handle) }
    })

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      'Octomind run r-1 (https://app.octomind.dev/testreports/r-1) was left unfinished'
    )
  })

  it('does nothing once the main step saw the verdict', async () => {
    await startOctomind()
    const result = await run({
      entry: 'post',
      state: { handle: '{}', finished: 'true' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('')
  })
})
