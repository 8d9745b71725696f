import { z } from 'zod'
import type { GitHubClient } from './api.js'
import { githubStatus, isRateLimited } from './errors.js'
import { findStickyComment, type CommentCandidate } from '../report/comment.js'

/**
 * Finds testgate's own sticky comment on a PR or issue: one its token wrote, not minimized, that
 * starts with the marker. GraphQL says so of every comment (`viewerDidAuthor`, `isMinimized`);
 * REST only names the author, so it is the fallback, used when the token's own name is known.
 */

const COMMENT_PAGE_SIZE = 100 // GraphQL's most per page
// 5,000 comments: past that, a new sticky comment is written rather than searching on and on.
const MAX_COMMENT_PAGES = 50

// Octokit sends this to `<api>/graphql`, or `<host>/api/graphql` for a GHES `<host>/api/v3`.
// The comment id is `fullDatabaseId` (a BigInt, as a string): github.com's comment ids no longer
// fit `databaseId`'s 32-bit Int.
const STICKY_COMMENTS_QUERY = `
query StickyComments($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    issueOrPullRequest(number: $number) {
      ... on Issue { comments(first: ${COMMENT_PAGE_SIZE}, after: $cursor) { ...commentPage } }
      ... on PullRequest { comments(first: ${COMMENT_PAGE_SIZE}, after: $cursor) { ...commentPage } }
    }
  }
}
fragment commentPage on IssueCommentConnection {
  nodes { fullDatabaseId body viewerDidAuthor isMinimized }
  pageInfo { hasNextPage endCursor }
}`

const commentNodeSchema = z
  .object({
    fullDatabaseId: z.union([z.string().regex(/^\d+$/), z.number()]).transform(Number),
    body: z.string(),
    viewerDidAuthor: z.boolean(),
    isMinimized: z.boolean()
  })
  .refine((node) => Number.isSafeInteger(node.fullDatabaseId), 'comment id out of range')
  .transform((node): CommentCandidate => ({
    id: node.fullDatabaseId,
    body: node.body,
    byToken: node.viewerDidAuthor,
    minimized: node.isMinimized
  }))

const commentPageSchema = z.object({
  repository: z.object({
    issueOrPullRequest: z.object({
      comments: z.object({
        // GraphQL lists may hold null for a node it could not load.
        nodes: z.array(commentNodeSchema.nullable()),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() })
      })
    })
  })
})

export interface CommentTarget {
  owner: string
  repo: string
  issueNumber: number
  marker: string
  /** An older testgate's marker of the same comment: taken over when none has `marker`. */
  legacyMarker?: string
}

type CommentPage = z.infer<typeof commentPageSchema>['repository']['issueOrPullRequest']['comments']

/**
 * testgate's own sticky comment (its REST id and body), if there is one: the one with the marker,
 * else one an older testgate wrote under the legacy marker.
 */
export async function findOwnStickyComment(
  client: GitHubClient,
  target: CommentTarget,
  log: (line: string) => void
): Promise<CommentCandidate | undefined> {
  try {
    return await findWithGraphQL(client, target, log)
  } catch (error) {
    fallBackToRest(error, log)
    return findWithRest(client, target, log)
  }
}

/**
 * Throws what REST would be refused too: a token GitHub rejects or denies, or a rate limit that
 * outlasted the wait. Otherwise says that REST is tried next.
 */
function fallBackToRest(error: unknown, log: (line: string) => void): void {
  const status = githubStatus(error)
  if (status === 401 || status === 403 || isRateLimited(error)) throw error
  log(`GitHub's GraphQL API did not list the comments (${oneLine(error)}); trying REST.`)
}

async function findWithGraphQL(
  client: GitHubClient,
  target: CommentTarget,
  log: (line: string) => void
): Promise<CommentCandidate | undefined> {
  let cursor: string | null = null
  let legacy: CommentCandidate | undefined
  for (let page = 0; page < MAX_COMMENT_PAGES; page++) {
    const comments = await fetchCommentPage(client, target, cursor)
    const candidates = comments.nodes.filter((node) => node !== null)
    const found = findStickyComment(candidates, target.marker)
    if (found) return found
    if (target.legacyMarker) legacy ??= findStickyComment(candidates, target.legacyMarker)
    if (!comments.pageInfo.hasNextPage || !comments.pageInfo.endCursor) return legacy
    cursor = comments.pageInfo.endCursor
  }
  log(
    `No sticky comment of testgate's in the first ${MAX_COMMENT_PAGES * COMMENT_PAGE_SIZE} comments: writing a new one.`
  )
  return legacy
}

async function fetchCommentPage(
  client: GitHubClient,
  { owner, repo, issueNumber }: CommentTarget,
  cursor: string | null
): Promise<CommentPage> {
  const answer = await client.graphql(STICKY_COMMENTS_QUERY, {
    owner,
    repo,
    number: issueNumber,
    cursor
  })
  const parsed = commentPageSchema.safeParse(answer)
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? ''
    throw new Error(`unexpected answer at ${where || 'the top'}`)
  }
  return parsed.data.repository.issueOrPullRequest.comments
}

/**
 * REST names each comment's author but not the token's identity. `GET /user` gives it for a
 * user's token; an app's installation token (the job's own GITHUB_TOKEN too) may not call it, and
 * which bot it is cannot be told reliably from the token. Then no comment can be proven to be
 * testgate's own, so it writes a new one: a second report is a nuisance, overwriting a stranger's
 * comment is not acceptable.
 */
async function findWithRest(
  client: GitHubClient,
  target: CommentTarget,
  log: (line: string) => void
): Promise<CommentCandidate | undefined> {
  const login = await tokenLogin(client)
  if (!login) {
    log(
      "GitHub does not give this token's own name over REST (an app's token), so testgate writes a new comment rather than risk editing one it did not write."
    )
    return undefined
  }
  const comments = await listWithRest(client, target, login)
  const found = findStickyComment(comments, target.marker)
  return (
    found ?? (target.legacyMarker ? findStickyComment(comments, target.legacyMarker) : undefined)
  )
}

/** Every comment of the PR over REST, each weighed by whether `login` wrote it. */
async function listWithRest(
  client: GitHubClient,
  target: CommentTarget,
  login: string
): Promise<CommentCandidate[]> {
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100
  })
  // REST does not say whether a comment is minimized: an own comment counts as visible.
  return comments.map((comment) => ({
    id: comment.id,
    body: comment.body ?? '',
    byToken: comment.user?.login === login,
    minimized: false
  }))
}

/** The login of the token's user; undefined for a token that may not ask (an app's). */
async function tokenLogin(client: GitHubClient): Promise<string | undefined> {
  try {
    const { data } = await client.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    if (githubStatus(error) === 401) throw error
    return undefined
  }
}

/**
 * Every comment of testgate's own token that starts with the marker and is not minimized, oldest
 * first: a combined comment and any copies legs made when they raced to create it. Undefined when
 * no comment can be proven to be testgate's own (REST with an app's token).
 */
export async function findOwnComments(
  client: GitHubClient,
  target: CommentTarget,
  log: (line: string) => void
): Promise<CommentCandidate[] | undefined> {
  let found: CommentCandidate[] | undefined
  try {
    found = await listWithGraphQL(client, target, log)
  } catch (error) {
    fallBackToRest(error, log)
    const login = await tokenLogin(client)
    if (!login) return undefined
    found = await listWithRest(client, target, login)
  }
  return found
    .filter((comment) => comment.byToken && !comment.minimized)
    .filter((comment) => comment.body.startsWith(target.marker))
    .sort((a, b) => a.id - b.id)
}

async function listWithGraphQL(
  client: GitHubClient,
  target: CommentTarget,
  log: (line: string) => void
): Promise<CommentCandidate[]> {
  const all: CommentCandidate[] = []
  let cursor: string | null = null
  for (let page = 0; page < MAX_COMMENT_PAGES; page++) {
    const comments = await fetchCommentPage(client, target, cursor)
    all.push(...comments.nodes.filter((node) => node !== null))
    if (!comments.pageInfo.hasNextPage || !comments.pageInfo.endCursor) return all
    cursor = comments.pageInfo.endCursor
  }
  log(`Only the first ${MAX_COMMENT_PAGES * COMMENT_PAGE_SIZE} comments were looked at.`)
  return all
}

// GitHub's text on one short line: it goes into the step log after testgate's own words.
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\s+/g, ' ').trim().slice(0, 200)
}
