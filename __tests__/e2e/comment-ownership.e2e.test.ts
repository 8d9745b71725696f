import { afterEach, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun,
  octomindInputs
} from '../simulators/octomind.js'
import { runAction, type ActionResult, type ActionRun } from '../simulators/runner.js'

/**
 * The sticky comment belongs to the token that writes it: testgate adopts only a comment its own
 * token wrote and nobody minimized, never a stranger's that merely starts with the marker.
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
const allPass = CASES.map((c) => ({ testCaseId: c.id, status: 'PASSED' }))

let octomind: OctomindSimulator | undefined
let github: GitHubSimulator | undefined

async function start(viewerLogin?: string): Promise<GitHubSimulator> {
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: CASES,
    script: scriptedRun(allPass)
  })
  github = new GitHubSimulator(GITHUB_TOKEN, viewerLogin)
  await Promise.all([octomind.start(), github.start()])
  return github
}

afterEach(async () => {
  await Promise.all([octomind?.close(), github?.close()])
  octomind = github = undefined
})

function run(overrides: Partial<ActionRun> & { inputs?: Record<string, string> } = {}) {
  return runAction({
    eventName: 'pull_request',
    event: pullRequestEvent,
    githubApiUrl: github?.url,
    ...overrides,
    inputs: {
      ...octomindInputs(octomind, { apiKey: API_KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      'timeout-minutes': '1',
      ...overrides.inputs
    }
  })
}

const strangerBody = `${MARKER}\nThis comment is mine now; edit it and see.`

describe('the sticky comment is the token’s own', () => {
  it("never edits a stranger's comment that starts with the marker: it writes its own", async () => {
    const gh = await start()
    const stranger = gh.seedComment(PR, strangerBody, { author: 'mallory' })
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(stranger.body).toBe(strangerBody)
    expect(gh.requestsTo('update-comment')).toHaveLength(0)
    const ours = gh.commentsOn(PR).filter((c) => c.user.login === 'github-actions[bot]')
    expect(ours).toHaveLength(1)
    expect(ours[0]?.body.startsWith(MARKER)).toBe(true)
    expect(ours[0]?.body).toContain('all 3 tests passed')
  })

  it('does not adopt its own comment once minimized', async () => {
    const gh = await start()
    const hidden = gh.seedComment(PR, `${MARKER}\nan old report`, {
      author: 'github-actions[bot]',
      minimized: true
    })
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(hidden.body).toBe(`${MARKER}\nan old report`)
    expect(gh.requestsTo('update-comment')).toHaveLength(0)
    expect(gh.requestsTo('create-comment')).toHaveLength(1)
  })

  it('finds its own comment past the first GraphQL page, behind an older stranger copy', async () => {
    const gh = await start()
    gh.seedComment(PR, strangerBody, { author: 'mallory' })
    gh.seedComments(
      PR,
      Array.from({ length: 120 }, (_, i) => `review comment ${i}`)
    )
    const first = await run()
    const created = gh.commentsOn(PR).at(-1)
    gh.seedComments(
      PR,
      Array.from({ length: 40 }, (_, i) => `later discussion ${i}`)
    )
    const second = await run()

    expect([first.exitCode, second.exitCode], second.stdout).toEqual([0, 0])
    expect(gh.requestsTo('create-comment')).toHaveLength(1)
    const [update, ...moreUpdates] = gh.requestsTo('update-comment')
    expect(moreUpdates).toHaveLength(0)
    expect(update?.path).toBe(`/repos/acme/shop/issues/comments/${created?.id}`)
    expect(gh.commentsOn(PR)[0]?.body).toBe(strangerBody)
    // 122 comments before the second run: two pages of 100, the second asked for by cursor.
    const secondRunQueries = gh.requestsTo('graphql').slice(2)
    expect(secondRunQueries).toHaveLength(2)
    expect(secondRunQueries[1]?.body).toMatchObject({
      variables: { number: PR, cursor: expect.any(String) }
    })
  })
})

describe('when GraphQL cannot say who wrote a comment', () => {
  const unavailable = { kind: 'status', status: 200, body: { errors: [{ message: 'down' }] } }

  it('with a bot token, whose name REST cannot tell, writes a new comment', async () => {
    const gh = await start()
    const own = gh.seedComment(PR, `${MARKER}\nlast report`, { author: 'github-actions[bot]' })
    gh.inject('graphql', unavailable as never)
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(own.body).toBe(`${MARKER}\nlast report`)
    expect(gh.requestsTo('create-comment')).toHaveLength(1)
    expect(result.stdout).toContain(
      'writes a new comment rather than risk editing one it did not write'
    )
  })

  it("with a user's token, finds its own comment over REST by the token's login", async () => {
    const gh = await start('release-bot-user')
    gh.seedComment(PR, strangerBody, { author: 'mallory' })
    const own = gh.seedComment(PR, `${MARKER}\nlast report`, { author: 'release-bot-user' })
    gh.inject('graphql', unavailable as never)
    const result = await run()

    expect(result.exitCode, result.stdout).toBe(0)
    expect(gh.requestsTo('create-comment')).toHaveLength(0)
    expect(own.body).toContain('all 3 tests passed')
    expect(gh.commentsOn(PR)[0]?.body).toBe(strangerBody)
  })
})

describe('a github-token GitHub rejects (HTTP 401)', () => {
  const WRONG_TOKEN = 'ghp_expired_token_9876543210'
  // Everything the run shows, but the line that asks the runner to mask the token.
  const printed = (result: ActionResult): string =>
    [
      ...result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')),
      result.stderr,
      result.summary
    ].join('\n')

  it('fails the step saying so while writing the comment; the summary still has the report', async () => {
    const gh = await start()
    const result = await run({ inputs: { 'github-token': WRONG_TOKEN } })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain(
      'GitHub rejected the github-token (HTTP 401: invalid or expired) while writing the PR comment on PR #7'
    )
    expect(result.summary).toContain('all 3 tests passed')
    expect(gh.commentsOn(PR)).toHaveLength(0)
    expect(printed(result)).not.toContain(WRONG_TOKEN)
  })

  it('fails before starting a run when it cannot look up the PR of the deployed commit', async () => {
    await start()
    const result = await run({
      eventName: 'deployment_status',
      event: {
        deployment: { sha: HEAD_SHA, ref: 'feature/x', environment: 'Preview' },
        deployment_status: { state: 'success', environment_url: 'https://preview.shop.example' }
      },
      inputs: { 'github-token': WRONG_TOKEN }
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain(
      'GitHub rejected the github-token (HTTP 401: invalid or expired) while looking up the PR of commit a1b2c3d'
    )
    expect(octomind?.requestsTo('execute')).toHaveLength(0)
    expect(printed(result)).not.toContain(WRONG_TOKEN)
  })
})
