import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun,
  octomindInputs
} from '../simulators/octomind.js'
import { runAction, type ActionRun } from '../simulators/runner.js'

const API_KEY = 'om-live-5f1d2c3b4a-secret'
const GITHUB_TOKEN = 'ghs_simulated_token_0123456789'
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const QUEUE_SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const QUEUE_REF = `refs/heads/gh-readonly-queue/main/pr-42-${'b'.repeat(40)}`
const CASES = sampleTestCases(2)

// GitHub's merge_group payload (webhook docs, "merge_group", action checks_requested).
const mergeGroupEvent = {
  action: 'checks_requested',
  merge_group: {
    head_sha: QUEUE_SHA,
    head_ref: QUEUE_REF,
    base_sha: 'b'.repeat(40),
    base_ref: 'refs/heads/main',
    head_commit: { id: QUEUE_SHA, message: 'Merge pull request #42 from acme/feature-x' }
  },
  sender: { login: 'octocat' }
}

let octomind: OctomindSimulator
let github: GitHubSimulator

function run(inputs: Record<string, string>, overrides: Partial<ActionRun> = {}) {
  return runAction({
    eventName: 'merge_group',
    event: mergeGroupEvent,
    githubApiUrl: github.url,
    env: { GITHUB_SHA: QUEUE_SHA, GITHUB_REF: QUEUE_REF },
    ...overrides,
    inputs: {
      ...octomindInputs(octomind, { apiKey: API_KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      url: '',
      'timeout-minutes': '1',
      ...inputs
    }
  })
}

beforeEach(async () => {
  github = new GitHubSimulator(GITHUB_TOKEN)
  await github.start()
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: CASES,
    script: scriptedRun(CASES.map((c) => ({ testCaseId: c.id, status: 'PASSED' })))
  })
  await octomind.start()
})

afterEach(async () => {
  await octomind.close()
  await github.close()
})

describe('merge_group, end to end through dist/index.js', () => {
  it('tests the merge group head at the given url, shows the base branch, and writes no comment but a check run', async () => {
    const result = await run({ url: 'https://staging.shop.example' })

    expect(result.exitCode, result.stdout).toBe(0)
    const [execute] = octomind.requestsTo('execute')
    expect(execute?.body).toMatchObject({
      url: 'https://staging.shop.example',
      context: { issueNumber: null, ref: QUEUE_REF, sha: QUEUE_SHA, nodeId: null }
    })
    expect(result.summary).toContain('merge queue into `refs/heads/main`')
    expect(result.summary).toContain('commit c0ffee0')
    // No PR is looked up for a merge group, and comment: auto writes none; main's records are
    // read to judge failures against, and the queue's commit gets the run's check run, where a
    // later PR's run finds its record.
    expect(github.requests.map((request) => request.route)).toEqual([
      'list-commits',
      'create-check-run'
    ])
    expect(github.requestsTo('list-commits')[0]?.query.get('sha')).toBe('main')
    expect(github.checks.runs).toMatchObject([
      { name: 'testgate · Octomind', head_sha: QUEUE_SHA, conclusion: 'success' }
    ])
    expect(result.warnings).toEqual([])
  })

  it('with comment: always warns that there is no PR to comment on', async () => {
    const result = await run({ url: 'https://staging.shop.example', comment: 'always' })

    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain('no pull request was found')
    expect(github.requests.map((request) => request.route)).toEqual([
      'list-commits',
      'create-check-run'
    ])
  })

  it('without url fails at once, saying a merge group has no deployment URL', async () => {
    const started = Date.now()
    const result = await run({})

    expect(result.exitCode).toBe(1)
    const error = result.errors.join('\n')
    expect(error).toContain('Input "url" is required for Octomind')
    expect(error).toContain('merge_group event has no deployment URL')
    expect(octomind.requests).toHaveLength(0)
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it('asks Empirical for url too, since its build.url has nothing to come from', async () => {
    const result = await run({
      provider: 'empirical',
      'api-url': octomind.url,
      'target-id': '',
      environment: 'staging'
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Input "url" is required for Empirical')
    expect(result.errors.join('\n')).toContain('merge_group event has no deployment URL')
  })
})
