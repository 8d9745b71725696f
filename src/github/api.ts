import type { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'
import { z } from 'zod'
import {
  fetch as undiciFetch,
  type Dispatcher,
  type RequestInit as UndiciRequestInit
} from 'undici'
import { proxyDispatcher } from '../core/http-transport.js'
import { log } from '../core/log.js'
import { pickPullRequest, type PullRequestRef, type RunContext } from './context.js'
import { findOwnStickyComment, type CommentTarget } from './comments.js'

/**
 * The GitHub API calls testgate makes: find a commit's PR and its head, write the sticky comment.
 */

export type GitHubClient = ReturnType<typeof getOctokit>

// A GitHub API call that hangs must not hang the step: each request gets this long.
const GITHUB_REQUEST_TIMEOUT_MS = 30_000

// A 5xx or a broken connection: a repeatable request is sent again this many times, Octokit's
// retry plugin waiting (n + 1)² s before the n-th one: 1 s, then 4 s.
const GITHUB_RETRIES = 2
// The retry plugin's default refusals, and 429: a rate limit is the throttling plugin's, which
// waits as long as GitHub says (retry-after, x-ratelimit-reset) instead of a fixed backoff.
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451]

// A rate limit is waited out once, and only when GitHub says it ends this soon: a step should not
// sit out an hour's primary limit.
const RATE_LIMIT_RETRIES = 1
const MAX_RATE_LIMIT_WAIT_S = 60

// The throttling plugin starts a client's GraphQL calls and writes one second apart (its "write"
// group), following GitHub's advice for a stream of content-creating requests. A run makes two or
// three such calls at the end (the comment looked up over GraphQL, then written): those go at
// once, and only a longer burst (a combined comment's rounds, many pages) is held to one a second.
const WRITE_BURST = 3
const WRITE_REFILL_MS = 1_000

// Reads and edits in place can be repeated safely; a new comment cannot: a 5xx or a dropped
// connection may come after GitHub wrote it, and sending it again would post it twice. A delete
// sent again finds nothing (404), which the combined comment's writer takes as done.
const REPEATABLE_METHODS = new Set(['GET', 'HEAD', 'PATCH', 'DELETE'])

/**
 * The toolkit's GitHub module reads the event file when it loads and throws on one that is not
 * JSON, before testgate could say so cleanly: it is loaded only here, after the event was read.
 */
export async function createGitHubClient(
  token: string,
  apiUrl: string | undefined
): Promise<GitHubClient> {
  const { getOctokit: octokit } = await import('@actions/github')
  const client = octokit(
    token,
    {
      ...(apiUrl ? { baseUrl: apiUrl } : {}),
      // @octokit/request logs through `request.log`, Octokit's plugins through `log`.
      request: { fetch: boundedFetch, log: octokitLog },
      log: octokitLog,
      retry: { retries: GITHUB_RETRIES, doNotRetry: DO_NOT_RETRY },
      throttle: {
        onRateLimit: rateLimitHandler('rate limit'),
        onSecondaryRateLimit: rateLimitHandler('secondary rate limit'),
        write: writeGroup()
      }
    },
    retry,
    throttling
  )
  // Registered last, so it runs first: before the retry plugin could send a request again.
  client.hook.before('request', (options) => {
    if (!isRepeatable(options)) options.request = { ...options.request, retries: 0 }
  })
  return client
}

/**
 * The throttling plugin's "write" group with a burst allowance: WRITE_BURST calls at once, then
 * one more each WRITE_REFILL_MS, one at a time.
 */
export function writeGroup(): Bottleneck.Group {
  return new Bottleneck.Group({
    maxConcurrent: 1,
    reservoir: WRITE_BURST,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: WRITE_REFILL_MS,
    reservoirIncreaseMaximum: WRITE_BURST
  })
}

/**
 * Replaces the toolkit's own fetch, so it keeps what that one does (the proxy) and adds a timeout.
 * Retries are not its business: Octokit's plugins decide them, knowing the call and GitHub's
 * rate-limit headers.
 */
function boundedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  return undiciFetch(url, {
    ...(init as UndiciRequestInit),
    signal: init?.signal ?? AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS),
    dispatcher: githubDispatcher(url)
  }) as unknown as Promise<Response>
}

const githubAgents = new Map<string, Dispatcher | undefined>()

/** One proxy agent per origin for GitHub calls, each phase bounded like the request itself. */
function githubDispatcher(url: string): Dispatcher | undefined {
  const origin = new URL(url).origin
  if (!githubAgents.has(origin))
    githubAgents.set(origin, proxyDispatcher(url, GITHUB_REQUEST_TIMEOUT_MS))
  return githubAgents.get(origin)
}

/** Octokit's own notes (deprecations, a failing limit handler) reach the step log through log.ts. */
const octokitLog = {
  debug: (): void => {},
  info: (message: string): void => log.info(message),
  warn: (message: string, detail?: unknown): void => log.warning(withDetail(message, detail)),
  error: (message: string, detail?: unknown): void => log.error(withDetail(message, detail))
}

function withDetail(message: string, detail: unknown): string {
  return detail instanceof Error ? `${message}: ${detail.message}` : message
}

interface RequestOptions {
  method: string
  url: string
}

/**
 * The throttling plugin's question when GitHub refuses a call for a rate limit: wait and send it
 * again? Yes, once, for a short wait. That holds for a new comment too: a rate limit means GitHub
 * did not take the request, so sending it again cannot post twice.
 */
function rateLimitHandler(kind: string) {
  return (
    retryAfterSeconds: number,
    options: RequestOptions,
    _octokit: unknown,
    retryCount: number
  ): boolean => {
    const call = `${options.method} ${options.url}`
    if (retryCount >= RATE_LIMIT_RETRIES) {
      log.info(`GitHub's ${kind} refused ${call} again: giving up on it.`)
      return false
    }
    if (retryAfterSeconds > MAX_RATE_LIMIT_WAIT_S) {
      log.info(
        `GitHub's ${kind} refused ${call} for the next ${retryAfterSeconds} s: not waiting that long.`
      )
      return false
    }
    log.info(`GitHub's ${kind} refused ${call}: trying again in ${retryAfterSeconds} s.`)
    return true
  }
}

interface OutgoingRequest {
  method?: string
  url?: string
  query?: unknown
}

/** Whether a request may be sent again after a 5xx or a broken connection. */
function isRepeatable({ method = 'GET', url = '', query }: OutgoingRequest): boolean {
  const verb = method.toUpperCase()
  if (REPEATABLE_METHODS.has(verb)) return true
  // testgate's GraphQL calls are queries: they only read, so they can be sent again.
  const isGraphQL = new URL(url, 'http://github.test').pathname.endsWith('/graphql')
  return verb === 'POST' && isGraphQL && typeof query === 'string' && isQuery(query)
}

/** A GraphQL document that reads (a query), as opposed to one that writes (a mutation). */
function isQuery(document: string): boolean {
  return /^\s*(query\b|\{)/.test(document)
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

const pullNowSchema = z.object({
  head: z.object({ sha: z.string().min(1) }),
  base: z.object({ ref: z.string().min(1) })
})

/**
 * Where a PR is now: its head commit and the branch it merges into. Both move (a push, a
 * retargeted PR); the event keeps what they were when it fired, and a re-run keeps the event.
 */
export async function pullRequestNow(
  client: GitHubClient,
  where: { owner: string; repo: string; number: number },
  signal?: AbortSignal
): Promise<{ head: string; base: string }> {
  const { data } = await client.rest.pulls.get({
    owner: where.owner,
    repo: where.repo,
    pull_number: where.number,
    ...(signal ? { request: { signal } } : {})
  })
  const pull = pullNowSchema.parse(data)
  return { head: pull.head.sha.toLowerCase(), base: pull.base.ref }
}

/** Edits testgate's own sticky comment in place, or writes it. */
export async function upsertComment(
  client: GitHubClient,
  target: CommentTarget,
  body: string,
  log: (line: string) => void
): Promise<{ action: 'created' | 'updated'; url: string }> {
  const existing = await findOwnStickyComment(client, target, log)
  return writeStickyComment(client, target, body, existing?.id)
}

/** Edits the sticky comment found earlier, or creates it when there was none. */
export async function writeStickyComment(
  client: GitHubClient,
  { owner, repo, issueNumber }: CommentTarget,
  body: string,
  existingId: number | undefined
): Promise<{ action: 'created' | 'updated'; url: string }> {
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
