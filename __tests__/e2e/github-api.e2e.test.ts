import { afterEach, describe, expect, it } from 'vitest'
import type { Fault, RecordedRequest } from '../simulators/harness.js'
import { GitHubSimulator, primaryRateLimit, secondaryRateLimit } from '../simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun,
  octomindInputs
} from '../simulators/octomind.js'
import { runAction, type ActionRun } from '../simulators/runner.js'

/**
 * GitHub API calls go through Octokit's retry and throttling plugins: a 5xx or a dropped
 * connection is ridden out for a request that may be sent again (a read, an edit in place, a
 * GraphQL query), a rate limit is waited out when GitHub says it ends soon, and a new comment is
 * never sent again after an answer that leaves open whether GitHub wrote it.
 */

const API_KEY = 'om-live-5f1d2c3b4a-secret'
const GITHUB_TOKEN = 'ghs_simulated_token_0123456789'
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const CASES = sampleTestCases(3)
const MARKER = `<!-- testgate:octomind:${TARGET}:e2e-tests:workflow=e2e.yml -->`
const PR = 7

const pullRequestEvent = {
  pull_request: { number: PR, node_id: 'PR_kwDOAbCd7', head: { sha: HEAD_SHA, ref: 'feature/x' } },
  sender: { login: 'octocat' }
}

const deploymentEvent = {
  deployment: { sha: HEAD_SHA, ref: 'feature/x', environment: 'Preview' },
  deployment_status: {
    state: 'success',
    environment_url: 'https://shop-git-feature-x.vercel.app',
    target_url: 'https://vercel.com/acme/shop/deployments/1'
  }
}

const serverError = (status: number): Fault => ({
  kind: 'status',
  status,
  body: { message: 'Server Error' }
})

let octomind: OctomindSimulator | undefined
let github: GitHubSimulator | undefined

async function start(viewerLogin?: string): Promise<GitHubSimulator> {
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: CASES,
    script: scriptedRun(CASES.map((c) => ({ testCaseId: c.id, status: 'PASSED' })))
  })
  github = new GitHubSimulator(GITHUB_TOKEN, viewerLogin)
  await Promise.all([octomind.start(), github.start()])
  return github
}

afterEach(async () => {
  await Promise.all([octomind?.close(), github?.close()])
  octomind = github = undefined
})

function run(overrides: Partial<ActionRun> = {}) {
  return runAction({
    eventName: 'pull_request',
    event: pullRequestEvent,
    githubApiUrl: github?.url,
    ...overrides,
    inputs: {
      ...octomindInputs(octomind, { apiKey: API_KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      'timeout-minutes': '1'
    }
  })
}

function runOnDeployment() {
  return run({ eventName: 'deployment_status', event: deploymentEvent })
}

/** Milliseconds between one request and the next of the same route. */
function gaps(requests: RecordedRequest[]): number[] {
  return requests.slice(1).map((request, i) => request.receivedAt - (requests[i]?.receivedAt ?? 0))
}

describe('a 5xx or a dropped connection on a request that may be sent again', () => {
  it('rides out a 503 and then a dropped connection on the GraphQL query', async () => {
    const gh = await start()
    gh.inject('graphql', serverError(503), { kind: 'drop' })
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    const queries = gh.requestsTo('graphql')
    expect(queries).toHaveLength(3)
    // The retry plugin waits (n + 1)² s before the n-th retry.
    const [first = 0, second = 0] = gaps(queries)
    expect(first).toBeGreaterThanOrEqual(900)
    expect(second).toBeGreaterThanOrEqual(3_900)
    expect(gh.requestsTo('create-comment')).toHaveLength(1)
    expect(gh.commentsOn(PR)).toHaveLength(1)
  })

  it('gives GraphQL two retries, then finds its comment over REST, riding out a 503 there', async () => {
    const gh = await start('release-bot-user')
    const own = gh.seedComment(PR, `${MARKER}\nlast report`, { author: 'release-bot-user' })
    gh.inject('graphql', serverError(503), serverError(503), serverError(503))
    gh.inject('list-comments', serverError(503))
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(gh.requestsTo('graphql')).toHaveLength(3)
    expect(result.stdout).toContain("GitHub's GraphQL API did not list the comments")
    expect(gh.requestsTo('list-comments')).toHaveLength(2)
    expect(gh.requestsTo('create-comment')).toHaveLength(0)
    expect(gh.requestsTo('update-comment')).toHaveLength(1)
    expect(own.body).toContain('all 3 tests passed')
  })

  it('rides out a 502 while looking up the PR of a deployed commit', async () => {
    const gh = await start()
    gh.commitPulls.set(HEAD_SHA, [
      { number: 12, node_id: 'PR_12', state: 'open', head: { sha: HEAD_SHA, ref: 'feature/x' } }
    ])
    gh.inject('commit-pulls', serverError(502))
    const result = await runOnDeployment()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(gh.requestsTo('commit-pulls')).toHaveLength(2)
    expect(gh.commentsOn(12)).toHaveLength(1)
  })
})

describe('a rate limit', () => {
  it('waits out a secondary rate limit on the GraphQL query (403, retry-after: 1)', async () => {
    const gh = await start()
    gh.inject('graphql', secondaryRateLimit(403, 1))
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    const queries = gh.requestsTo('graphql')
    expect(queries).toHaveLength(2)
    expect(gaps(queries)[0]).toBeGreaterThanOrEqual(1_000)
    expect(result.stdout).toContain(
      "GitHub's secondary rate limit refused POST /graphql: trying again in 1 s."
    )
    expect(gh.commentsOn(PR)).toHaveLength(1)
  })

  it('waits out a secondary rate limit on writing the comment (429): GitHub did not take the first', async () => {
    const gh = await start()
    gh.inject('create-comment', secondaryRateLimit(429, 1))
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    const creates = gh.requestsTo('create-comment')
    expect(creates).toHaveLength(2)
    expect(gaps(creates)[0]).toBeGreaterThanOrEqual(1_000)
    expect(gh.commentsOn(PR)).toHaveLength(1)
    expect(result.warnings).toEqual([])
  })

  it('waits out a primary rate limit that resets in a moment (x-ratelimit-remaining: 0)', async () => {
    const gh = await start()
    gh.commitPulls.set(HEAD_SHA, [
      { number: 12, node_id: 'PR_12', state: 'open', head: { sha: HEAD_SHA, ref: 'feature/x' } }
    ])
    gh.inject('commit-pulls', primaryRateLimit(1))
    const result = await runOnDeployment()

    expect(result.exitCode, result.stdout).toBe(0)
    const lookups = gh.requestsTo('commit-pulls')
    expect(lookups).toHaveLength(2)
    expect(gaps(lookups)[0]).toBeGreaterThanOrEqual(1_000)
    expect(result.stdout).toMatch(
      /GitHub's rate limit refused GET \S+\/pulls: trying again in \d s/
    )
    expect(gh.commentsOn(12)).toHaveLength(1)
  })

  it('does not sit out a primary rate limit an hour long: one request, a warning, no comment', async () => {
    const gh = await start()
    gh.inject('commit-pulls', primaryRateLimit(3_600))
    const startedAt = Date.now()
    const result = await runOnDeployment()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(Date.now() - startedAt).toBeLessThan(10_000)
    expect(gh.requestsTo('commit-pulls')).toHaveLength(1)
    expect(result.stdout).toMatch(/rate limit refused GET \S+ for the next \d+ s: not waiting/)
    expect(result.warnings.join('\n')).toContain('API rate limit exceeded for installation ID 4242')
    expect(gh.requestsTo('create-comment')).toHaveLength(0)
  })

  it('that outlasts the one wait fails the comment naming the rate limit, not a permission', async () => {
    const gh = await start('release-bot-user')
    gh.inject('graphql', secondaryRateLimit(403, 1), secondaryRateLimit(403, 1))
    const result = await run()

    expect(result.exitCode).toBe(1)
    expect(gh.requestsTo('graphql')).toHaveLength(2)
    // Not over REST instead: it would only meet the same limit.
    expect(gh.requestsTo('user')).toHaveLength(0)
    expect(gh.requestsTo('list-comments')).toHaveLength(0)
    expect(gh.requestsTo('create-comment')).toHaveLength(0)
    expect(result.errors.join('\n')).toContain(
      'PR comment: You have exceeded a secondary rate limit'
    )
    expect(result.warnings.join('\n')).not.toContain('pull-requests: write')
    expect(result.summary).toContain('all 3 tests passed')
  })
})

describe('writing a new comment is never sent twice on an answer that may hide a success', () => {
  it.each([
    ['a 502', serverError(502)],
    ['a dropped connection', { kind: 'drop' } as Fault]
  ])('%s: one request, no retry, the comment reported as not written', async (_, fault) => {
    const gh = await start()
    gh.inject('create-comment', fault)
    const result = await run()

    expect(gh.requestsTo('create-comment')).toHaveLength(1)
    expect(gh.commentsOn(PR)).toHaveLength(0)
    // Today's policy for a comment that could not be written: a reporting failure, the verdict
    // still on the summary.
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Could not write the PR comment')
    expect(result.summary).toContain('all 3 tests passed')
  })

  it('a 502 after GitHub wrote it: one comment, not two', async () => {
    const gh = await start()
    gh.inject('create-comment', { kind: 'apply-then-status', status: 502 })
    const result = await run()

    expect(gh.requestsTo('create-comment')).toHaveLength(1)
    expect(gh.commentsOn(PR)).toHaveLength(1)
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Could not write the PR comment')
  })

  it('an edit in place may be sent again: a 502 on updating its comment is ridden out', async () => {
    const gh = await start()
    const own = gh.seedComment(PR, `${MARKER}\nlast report`, { author: 'github-actions[bot]' })
    gh.inject('update-comment', serverError(502))
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(gh.requestsTo('update-comment')).toHaveLength(2)
    expect(gh.requestsTo('create-comment')).toHaveLength(0)
    expect(own.body).toContain('all 3 tests passed')
  })
})

describe("Octokit's own notes", () => {
  it('reach the step log through testgate’s log, as a warning, not on stderr', async () => {
    const gh = await start()
    gh.inject('commit-pulls', {
      kind: 'status',
      status: 200,
      body: [],
      headers: { deprecation: 'true', sunset: 'Wed, 31 Dec 2031 23:59:59 GMT' }
    })
    const result = await runOnDeployment()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.warnings.join('\n')).toMatch(/"GET \S+\/commits\/\w+\/pulls\S*" is deprecated/)
    expect(result.stderr).not.toContain('deprecated')
  })
})
