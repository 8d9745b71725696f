import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  contextFromEnvironment,
  missingUrlReason,
  needsPullRequestLookup,
  pickPullRequest,
  readEventPayload
} from '../../src/github/context.js'

const env = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'merge0000',
  GITHUB_REF: 'refs/pull/7/merge',
  GITHUB_ACTOR: 'octocat',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '99',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'e2e'
}

/** The payload as testgate reads it from the event file. */
function readEventPayloadOf(event: unknown): ReturnType<typeof readEventPayload> {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
  writeFileSync(path, JSON.stringify(event))
  return readEventPayload(path)
}

describe('contextFromEnvironment', () => {
  it('uses the PR head, not the merge commit, on pull_request', () => {
    const context = contextFromEnvironment(
      { ...env, GITHUB_EVENT_NAME: 'pull_request' },
      {
        pull_request: {
          number: 7,
          node_id: 'PR_7',
          head: { sha: 'head123', ref: 'feature/x' },
          base: { ref: 'main' }
        }
      }
    )
    expect(context).toMatchObject({
      owner: 'acme',
      repo: 'shop',
      sha: 'head123',
      ref: 'feature/x',
      actor: 'octocat',
      job: 'e2e',
      pullRequest: { number: 7, nodeId: 'PR_7', source: 'event', baseRef: 'main' },
      runUrl: 'https://github.com/acme/shop/actions/runs/99'
    })
    expect(needsPullRequestLookup(context)).toBe(false)
  })

  it('takes the deployment URL and environment on deployment_status, preferring environment_url', () => {
    const event = {
      deployment: { sha: 'dep123', ref: 'feature/x', environment: 'Preview' },
      deployment_status: {
        environment_url: 'https://env.example',
        target_url: 'https://target.example'
      }
    }
    const context = contextFromEnvironment(
      { ...env, GITHUB_EVENT_NAME: 'deployment_status' },
      event
    )
    expect(context).toMatchObject({
      sha: 'dep123',
      ref: 'feature/x',
      deployment: { url: 'https://env.example', environment: 'Preview' }
    })
    expect(needsPullRequestLookup(context)).toBe(true)

    const targetOnly = contextFromEnvironment(
      { ...env, GITHUB_EVENT_NAME: 'deployment_status' },
      { ...event, deployment_status: { environment_url: '', target_url: 'https://target.example' } }
    )
    expect(targetOnly.deployment?.url).toBe('https://target.example')
  })

  it('uses the pushed commit on push and looks up its PR', () => {
    const context = contextFromEnvironment(
      {
        ...env,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/heads/feature/x',
        GITHUB_SHA: 'after1'
      },
      { after: 'after1' }
    )
    expect(context).toMatchObject({ sha: 'after1', ref: 'refs/heads/feature/x' })
    expect(needsPullRequestLookup(context)).toBe(true)
  })

  it('tests the merge group head on merge_group, names its base, and looks up no PR', () => {
    const event = {
      merge_group: {
        head_sha: 'queue123',
        head_ref: 'refs/heads/gh-readonly-queue/main/pr-42-base456',
        base_sha: 'base456',
        base_ref: 'refs/heads/main',
        head_commit: { id: 'queue123', message: 'Merge pull request #42' }
      }
    }
    const context = contextFromEnvironment(
      {
        ...env,
        GITHUB_EVENT_NAME: 'merge_group',
        GITHUB_SHA: 'queue123',
        GITHUB_REF: 'refs/heads/gh-readonly-queue/main/pr-42-base456'
      },
      readEventPayloadOf(event)
    )
    expect(context).toMatchObject({
      sha: 'queue123',
      ref: 'refs/heads/gh-readonly-queue/main/pr-42-base456',
      mergeGroup: { baseRef: 'refs/heads/main', baseSha: 'base456' }
    })
    expect(context.pullRequest).toBeUndefined()
    expect(context.deployment).toBeUndefined()
    expect(needsPullRequestLookup(context)).toBe(false)
    expect(missingUrlReason(context)).toMatch(/merge_group event has no deployment URL/)
  })

  it('asks for a URL only on merge_group', () => {
    const push = contextFromEnvironment({ ...env, GITHUB_EVENT_NAME: 'push' }, { after: 'a1' })
    expect(missingUrlReason(push)).toBeUndefined()
  })

  it('links a re-run attempt, and needs no PR on schedule', () => {
    const context = contextFromEnvironment(
      { ...env, GITHUB_EVENT_NAME: 'schedule', GITHUB_RUN_ATTEMPT: '3' },
      {}
    )
    expect(context.runUrl).toBe('https://github.com/acme/shop/actions/runs/99/attempts/3')
    expect(needsPullRequestLookup(context)).toBe(false)
  })
})

describe('pickPullRequest', () => {
  it('prefers the open PR whose head is the commit, ignoring closed ones', () => {
    expect(
      pickPullRequest('abc', [
        { number: 1, state: 'closed', head: { sha: 'abc' } },
        { number: 2, state: 'open', head: { sha: 'other' } },
        { number: 3, state: 'open', node_id: 'PR_3', head: { sha: 'abc' } }
      ])
    ).toEqual({ number: 3, nodeId: 'PR_3', source: 'commit' })
    expect(
      pickPullRequest('abc', [{ number: 2, state: 'open', head: { sha: 'other' } }])?.number
    ).toBe(2)
    expect(pickPullRequest('abc', [{ number: 1, state: 'closed' }])).toBeUndefined()
  })

  it('keeps the branch the PR merges into, to judge failures against', () => {
    const pull = { number: 4, state: 'open', head: { sha: 'abc' }, base: { ref: 'release/2' } }
    expect(pickPullRequest('abc', [pull])?.baseRef).toBe('release/2')
  })
})

describe('readEventPayload', () => {
  it('reads the event file and tolerates an absent path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-'))
    const path = join(dir, 'event.json')
    writeFileSync(path, JSON.stringify({ pull_request: { number: 5 }, extra: { anything: true } }))
    expect(readEventPayload(path).pull_request?.number).toBe(5)
    expect(readEventPayload(undefined)).toEqual({})
    expect(() => readEventPayload(join(dir, 'missing.json'))).toThrow('GITHUB_EVENT_PATH')
  })
})
