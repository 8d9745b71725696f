import type { getOctokit } from '@actions/github'
import {
  fetch as undiciFetch,
  type Dispatcher,
  type RequestInit as UndiciRequestInit
} from 'undici'
import { z } from 'zod'
import { defaultSleep, proxyDispatcher } from './http.js'
import { pickPullRequest, type PullRequestRef, type RunContext } from './github-context.js'
import { findOwnStickyComment, type CommentTarget } from './sticky-comment.js'

/** The GitHub API calls testgate makes: find a commit's PR, write the sticky comment. */

export type GitHubClient = ReturnType<typeof getOctokit>

// A GitHub API call that hangs must not hang the step: each request gets this long.
const GITHUB_REQUEST_TIMEOUT_MS = 30_000

// Reads and edits in place can be repeated safely; a new comment cannot (it would post twice).
const REPEATABLE_METHODS = new Set(['GET', 'PATCH'])
const GITHUB_RETRY_DELAYS_MS = [1_000, 3_000]

/**
 * The toolkit's GitHub module reads the event file when it loads and throws on one that is not
 * JSON, before testgate could say so cleanly: it is loaded only here, after the event was read.
 */
export async function createGitHubClient(
  token: string,
  apiUrl: string | undefined
): Promise<GitHubClient> {
  const { getOctokit: octokit } = await import('@actions/github')
  // Replaces the toolkit's own fetch, so it keeps what that one does (the proxy) and adds a
  // timeout, and a short retry of repeatable requests on a 5xx or a broken connection.
  const resilientFetch = async (
    input: string | URL | Request,
    init?: RequestInit
  ): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const send = () =>
      undiciFetch(url, {
        ...(init as UndiciRequestInit),
        signal: init?.signal ?? AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS),
        dispatcher: githubDispatcher(url)
      }) as unknown as Promise<Response>
    for (const delayMs of isRepeatable(url, init) ? GITHUB_RETRY_DELAYS_MS : []) {
      try {
        const response = await send()
        if (response.status < 500) return response
        await response.body?.cancel() // free the connection before the next try
      } catch {
        // a broken connection: try again below
      }
      await defaultSleep(delayMs)
    }
    return send()
  }
  return octokit(token, {
    ...(apiUrl ? { baseUrl: apiUrl } : {}),
    request: { fetch: resilientFetch }
  })
}

const githubAgents = new Map<string, Dispatcher | undefined>()

/** One proxy agent per origin for GitHub calls, each phase bounded like the request itself. */
function githubDispatcher(url: string): Dispatcher | undefined {
  const origin = new URL(url).origin
  if (!githubAgents.has(origin))
    githubAgents.set(origin, proxyDispatcher(url, GITHUB_REQUEST_TIMEOUT_MS))
  return githubAgents.get(origin)
}

function isRepeatable(url: string, init?: RequestInit): boolean {
  const method = (init?.method ?? 'GET').toUpperCase()
  if (REPEATABLE_METHODS.has(method)) return true
  // testgate's GraphQL calls are queries: they only read, so they can be sent again.
  return method === 'POST' && new URL(url).pathname.endsWith('/graphql') && isQuery(init?.body)
}

const graphQLBodySchema = z.object({ query: z.string() })

/** A GraphQL body that reads (a query), as opposed to one that writes (a mutation). */
function isQuery(body: unknown): boolean {
  if (typeof body !== 'string') return false
  try {
    const parsed = graphQLBodySchema.safeParse(JSON.parse(body))
    return parsed.success && /^\s*(query\b|\{)/.test(parsed.data.query)
  } catch {
    return false // not JSON: not a query testgate sent
  }
}

export async function findPullRequestForCommit(
  client: GitHubClient,
  context: RunContext
): Promise<PullRequestRef | undefined> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: context.owner,
    repo: context.repo,
    commit_sha: context.sha,
    per_page: 100
  })
  return pickPullRequest(context.sha, data)
}

/** Edits testgate's own sticky comment in place, or writes it. */
export async function upsertComment(
  client: GitHubClient,
  target: CommentTarget,
  body: string,
  log: (line: string) => void
): Promise<{ action: 'created' | 'updated'; url: string }> {
  const { owner, repo, issueNumber } = target
  const existingId = await findOwnStickyComment(client, target, log)
  if (existingId !== undefined) {
    const { data } = await client.rest.issues.updateComment({
      owner,
      repo,
      comment_id: existingId,
      body
    })
    return { action: 'updated', url: data.html_url }
  }
  const { data } = await client.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body
  })
  return { action: 'created', url: data.html_url }
}
