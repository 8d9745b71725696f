import { SimChecks } from './github-checks.js'
import { SimServer, type Fault, type Handler, type Reply, type RouteRequest } from './harness.js'

/**
 * The slice of GitHub's API testgate uses: issue comments over REST (list with Link pagination,
 * get one, create, update with the last write winning, as GitHub has no conditional update, delete), the PRs
 * of a commit, `GET /user`, and the GraphQL query that finds the sticky
 * comment among the comments of an issue or PR; check runs and a branch's commits in `checks`
 * (github-checks.ts).
 *
 * Every comment has an author. Comments written through the REST API with this simulator's token
 * are authored by `viewerLogin` (`github-actions[bot]` unless told otherwise); GraphQL's
 * `viewerDidAuthor` is true for exactly those.
 *
 * `latencyMs` makes every request take about that long (a random 50–150%), half on the way in,
 * before GitHub acts on it, and half on the way out: concurrent clients interleave as they do
 * against the real API, each reading what was there when its request arrived.
 */

export interface SimComment {
  id: number
  body: string
  html_url: string
  user: { login: string; type: 'User' | 'Bot' }
  created_at: string
  updated_at: string
  /** Hidden in the UI ("minimize"); GraphQL `isMinimized`, not part of the REST answer. */
  minimized: boolean
}

export interface SimPull {
  number: number
  node_id: string
  state: 'open' | 'closed'
  head: { sha: string; ref: string }
  base?: { ref: string }
}

export interface SeedOptions {
  /** Default: someone-else, a human. */
  author?: string
  minimized?: boolean
}

/**
 * GitHub's answer to a client that sends too much too fast (a secondary rate limit): 403 or 429,
 * a message that says so, and how many seconds to wait in `retry-after`.
 */
export function secondaryRateLimit(status: 403 | 429, retryAfterSeconds: number): Fault {
  return {
    kind: 'status',
    status,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits'
    }
  }
}

/**
 * GitHub's answer once a token's hourly requests are used up (the primary rate limit): 403, no
 * requests remaining, and when the window resets, in epoch seconds.
 */
export function primaryRateLimit(resetInSeconds: number): Fault {
  return {
    kind: 'status',
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      // Counted from when the answer is sent, not from when the test queued it: a slow start of
      // the action must not eat into the wait the test measures.
      get 'x-ratelimit-reset'() {
        return String(Math.ceil(Date.now() / 1000) + resetInSeconds)
      },
      'x-ratelimit-resource': 'core'
    },
    body: {
      message: 'API rate limit exceeded for installation ID 4242.',
      documentation_url:
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'
    }
  }
}

// github.com's issue comment ids no longer fit a 32-bit integer: start past it, as GitHub is.
const FIRST_COMMENT_ID = 2_400_000_000
const GRAPHQL_MAX_FIRST = 100

export class GitHubSimulator extends SimServer {
  readonly comments = new Map<number, SimComment[]>()
  readonly commitPulls = new Map<string, SimPull[]>()
  /** Pull requests as `GET …/pulls/{number}` gives them now (their head moves with each push). */
  readonly pulls = new Map<number, SimPull & { base: { ref: string } }>()
  /** Check runs, branches and commits, and what the token may do with them. */
  readonly checks: SimChecks
  private nextId = FIRST_COMMENT_ID
  /** Each request's time on the wire, in ms (0: none). */
  latencyMs = 0

  constructor(
    readonly token: string,
    readonly viewerLogin = 'github-actions[bot]'
  ) {
    super()
    this.route('list-comments', 'GET', '/repos/:owner/:repo/issues/:number/comments', (req) =>
      this.list(req)
    )
    this.route('create-comment', 'POST', '/repos/:owner/:repo/issues/:number/comments', (req) =>
      this.create(req)
    )
    this.route('update-comment', 'PATCH', '/repos/:owner/:repo/issues/comments/:id', (req) =>
      this.update(req)
    )
    this.route('delete-comment', 'DELETE', '/repos/:owner/:repo/issues/comments/:id', (req) =>
      this.remove(req)
    )
    this.route('get-comment', 'GET', '/repos/:owner/:repo/issues/comments/:id', (req) => {
      const comment = [...this.comments.values()].flat().find((c) => c.id === Number(req.params.id))
      return (
        this.authorized(req) ??
        (comment
          ? { status: 200, body: restView(comment) }
          : { status: 404, body: { message: 'Not Found' } })
      )
    })
    this.route(
      'commit-pulls',
      'GET',
      '/repos/:owner/:repo/commits/:sha/pulls',
      (req) =>
        this.authorized(req) ?? {
          status: 200,
          body: this.commitPulls.get(req.params.sha ?? '') ?? []
        }
    )
    this.route('get-pull', 'GET', '/repos/:owner/:repo/pulls/:number', (req) => {
      const pull = this.pulls.get(Number(req.params.number))
      return (
        this.authorized(req) ??
        (pull ? { status: 200, body: pull } : { status: 404, body: { message: 'Not Found' } })
      )
    })
    this.route('user', 'GET', '/user', (req) => this.authorized(req) ?? this.user())
    this.route('graphql', 'POST', '/graphql', (req) => this.authorized(req) ?? this.graphql(req))
    this.checks = new SimChecks(
      (name, method, path, handler) => this.route(name, method, path, handler),
      (req) => this.authorized(req)
    )
  }

  /** Every route answers after the latency; a test can still replace one with `route`. */
  override route(name: string, method: string, path: string, handler: Handler): this {
    return super.route(name, method, path, async (req) => {
      await this.wire()
      const reply = await handler(req)
      await this.wire()
      return reply
    })
  }

  private wire(): Promise<void> {
    if (this.latencyMs <= 0) return Promise.resolve()
    const ms = (this.latencyMs / 2) * (0.5 + Math.random())
    return new Promise((resolve) => setTimeout(resolve, ms))
  }

  /** Adds comments written by others, e.g. to push the sticky one onto a later page. */
  seedComments(issue: number, bodies: string[], options: SeedOptions = {}): void {
    for (const body of bodies) this.seedComment(issue, body, options)
  }

  seedComment(issue: number, body: string, options: SeedOptions = {}): SimComment {
    const comment = this.add(issue, body, options.author ?? 'someone-else')
    comment.minimized = options.minimized ?? false
    return comment
  }

  commentsOn(issue: number): SimComment[] {
    return this.comments.get(issue) ?? []
  }

  private authorized(req: RouteRequest): Reply | undefined {
    const header = req.headers.authorization ?? ''
    return header === `token ${this.token}` || header === `Bearer ${this.token}`
      ? undefined
      : {
          status: 401,
          body: {
            message: 'Bad credentials',
            documentation_url: 'https://docs.github.com/rest',
            status: '401'
          }
        }
  }

  /** An installation token (a bot) may not read /user, as on GitHub; a user's token may. */
  private user(): Reply {
    if (this.viewerLogin.endsWith('[bot]')) {
      return { status: 403, body: { message: 'Resource not accessible by integration' } }
    }
    return { status: 200, body: { login: this.viewerLogin, type: 'User' } }
  }

  private list(req: RouteRequest): Reply {
    const denied = this.authorized(req)
    if (denied) return denied
    const all = this.commentsOn(Number(req.params.number))
    const perPage = Math.min(100, Number(req.query.get('per_page') ?? 30))
    const page = Number(req.query.get('page') ?? 1)
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    const headers: Record<string, string> = {}
    if (page < lastPage) {
      const next = new URL(
        `${req.baseUrl}/repos/${req.params.owner}/${req.params.repo}/issues/${req.params.number}/comments`
      )
      next.searchParams.set('per_page', String(perPage))
      next.searchParams.set('page', String(page + 1))
      const last = new URL(next)
      last.searchParams.set('page', String(lastPage))
      headers.link = `<${next.href}>; rel="next", <${last.href}>; rel="last"`
    }
    const slice = all.slice((page - 1) * perPage, page * perPage)
    return { status: 200, body: slice.map(restView), headers }
  }

  private create(req: RouteRequest): Reply {
    const denied = this.authorized(req)
    if (denied) return denied
    const body = (req.body as { body?: unknown }).body
    if (typeof body !== 'string' || body === '')
      return { status: 422, body: { message: 'Validation Failed' } }
    if (body.length > 65536)
      return { status: 422, body: { message: 'body is too long (maximum is 65536 characters)' } }
    const comment = this.add(Number(req.params.number), body, this.viewerLogin)
    return { status: 201, body: restView(comment) }
  }

  /** Like GitHub for a token with write access: any comment of the repository may be edited. */
  private update(req: RouteRequest): Reply {
    const denied = this.authorized(req)
    if (denied) return denied
    const id = Number(req.params.id)
    const body = (req.body as { body?: unknown }).body
    if (typeof body !== 'string' || body.length > 65536)
      return { status: 422, body: { message: 'Validation Failed' } }
    for (const comments of this.comments.values()) {
      const comment = comments.find((c) => c.id === id)
      if (comment) {
        comment.body = body
        comment.updated_at = new Date().toISOString()
        return { status: 200, body: restView(comment) }
      }
    }
    return { status: 404, body: { message: 'Not Found' } }
  }

  /** Like GitHub for a token with write access: 204, or 404 for a comment that is not there. */
  private remove(req: RouteRequest): Reply {
    const denied = this.authorized(req)
    if (denied) return denied
    const id = Number(req.params.id)
    for (const [issue, comments] of this.comments) {
      if (comments.some((c) => c.id === id)) {
        this.comments.set(
          issue,
          comments.filter((c) => c.id !== id)
        )
        return { status: 204 }
      }
    }
    return { status: 404, body: { message: 'Not Found' } }
  }

  private graphql(req: RouteRequest): Reply {
    const request = graphqlRequest(req.body)
    if (typeof request === 'string') return graphqlErrors(request)
    const problem = unknownWord(request.query)
    if (problem) return graphqlErrors(problem)
    const page = commentPageRequest(request)
    if (typeof page === 'string') return graphqlErrors(page)
    return this.commentPage(request.query, page)
  }

  /** One page of an issue's comments, oldest first, with the fields the query selected. */
  private commentPage(query: string, page: CommentPageRequest): Reply {
    const all = this.commentsOn(page.issue)
    const nodes = all.slice(page.start, page.start + page.first)
    const end = page.start + nodes.length
    const comments = {
      nodes: nodes.map((comment) => this.commentNode(comment, query)),
      pageInfo: {
        hasNextPage: end < all.length,
        endCursor: nodes.length > 0 ? cursorAt(end - 1) : null
      }
    }
    return {
      status: 200,
      body: { data: { repository: { [page.connectionOwner]: { comments } } } }
    }
  }

  private commentNode(comment: SimComment, query: string): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      id: `IC_kwDO${comment.id.toString(36)}`,
      // A BigInt scalar travels as a string.
      fullDatabaseId: String(comment.id),
      body: comment.body,
      url: comment.html_url,
      author: { login: comment.user.login.replace(/\[bot\]$/, '') },
      viewerDidAuthor: comment.user.login === this.viewerLogin,
      isMinimized: comment.minimized
    }
    return Object.fromEntries(Object.entries(fields).filter(([name]) => selects(query, name)))
  }

  private add(issue: number, body: string, login: string): SimComment {
    const id = this.nextId++
    const now = new Date().toISOString()
    const comment: SimComment = {
      id,
      body,
      html_url: `https://github.example.test/o/r/pull/${issue}#issuecomment-${id}`,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      created_at: now,
      updated_at: now,
      minimized: false
    }
    this.comments.set(issue, [...this.commentsOn(issue), comment])
    return comment
  }
}

/** The REST shape of a comment: REST does not say whether a comment is minimized. */
function restView(comment: SimComment): Omit<SimComment, 'minimized'> {
  const { id, body, html_url, user, created_at, updated_at } = comment
  return { id, body, html_url, user, created_at, updated_at }
}

interface GraphQLRequest {
  query: string
  variables: Record<string, unknown>
}

function graphqlRequest(body: unknown): GraphQLRequest | string {
  if (!body || typeof body !== 'object') return 'A query attribute must be specified'
  const { query, variables } = body as { query?: unknown; variables?: unknown }
  if (typeof query !== 'string') return 'A query attribute must be specified'
  if (/^\s*mutation\b/.test(query)) return 'The simulator answers queries only'
  const vars = variables && typeof variables === 'object' ? variables : {}
  return { query, variables: vars as Record<string, unknown> }
}

// The words of GitHub's schema this slice knows: a misspelt field fails as it would on GitHub.
const GRAPHQL_WORDS = new Set([
  ...['query', 'fragment', 'on', 'null', 'true', 'false'],
  ...['String', 'Int', 'ID', 'Boolean', 'Issue', 'PullRequest', 'IssueCommentConnection'],
  ...['repository', 'owner', 'name', 'issueOrPullRequest', 'pullRequest', 'issue', 'number'],
  ...['comments', 'first', 'after', 'nodes', 'pageInfo', 'hasNextPage', 'endCursor'],
  ...['id', 'fullDatabaseId', 'body', 'url', 'author', 'login', 'viewerDidAuthor', 'isMinimized']
])

/** The first word of the query that is no field, argument, type or keyword of this slice. */
function unknownWord(query: string): string | undefined {
  if (/\bdatabaseId\b/.test(query)) {
    // The id no longer fits GraphQL's 32-bit Int on github.com: GitHub says to ask for this one.
    return 'databaseId does not support 64-bit signed integer identifiers. Use fullDatabaseId instead.'
  }
  const named = query
    .replace(/\b(query|fragment)\s+[_A-Za-z]\w*/g, '$1') // operation and fragment names
    .replace(/\.\.\.\s*(?!on\b)[_A-Za-z]\w*/g, '...') // fragment spreads
    .replace(/\$[_A-Za-z]\w*/g, '') // variables
  const word = named.match(/[_A-Za-z]\w*/g)?.find((token) => !GRAPHQL_WORDS.has(token))
  return word === undefined ? undefined : `Field '${word}' doesn't exist on this part of the schema`
}

function selects(query: string, field: string): boolean {
  return new RegExp(`\\b${field}\\b`).test(query)
}

interface CommentPageRequest {
  issue: number
  connectionOwner: 'issueOrPullRequest' | 'pullRequest' | 'issue'
  first: number
  start: number
}

function commentPageRequest({ query, variables }: GraphQLRequest): CommentPageRequest | string {
  const connectionOwner = (['issueOrPullRequest', 'pullRequest', 'issue'] as const).find((field) =>
    selects(query, field)
  )
  if (!connectionOwner || !selects(query, 'comments')) return 'Only the comments of an issue'
  const issue = argumentOf(query, connectionOwner, 'number', variables)
  if (typeof issue !== 'number' || !Number.isInteger(issue)) return 'number must be an Int'
  const first = argumentOf(query, 'comments', 'first', variables)
  if (typeof first !== 'number')
    return 'You must provide a `first` or `last` value to properly paginate the `comments` connection.'
  if (first > GRAPHQL_MAX_FIRST)
    return `Requesting ${first} records on the \`comments\` connection exceeds the \`first\` limit of ${GRAPHQL_MAX_FIRST} records.`
  const after = argumentOf(query, 'comments', 'after', variables) ?? null
  const start = after === null ? 0 : indexAfter(after)
  if (start === undefined) return `\`${String(after)}\` does not appear to be a valid cursor.`
  return { issue, connectionOwner, first, start }
}

/** An argument's value: a literal, or the variable it names. */
function argumentOf(
  query: string,
  field: string,
  argument: string,
  variables: Record<string, unknown>
): unknown {
  const args = new RegExp(`\\b${field}\\s*\\(([^)]*)\\)`).exec(query)?.[1] ?? ''
  const value = new RegExp(`\\b${argument}\\s*:\\s*(\\$?\\w+|"[^"]*")`).exec(args)?.[1]
  if (value === undefined) return undefined
  return value.startsWith('$') ? variables[value.slice(1)] : JSON.parse(value)
}

// Cursors are opaque to clients; this one encodes the position, as GitHub's do.
function cursorAt(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64')
}

function indexAfter(cursor: unknown): number | undefined {
  if (typeof cursor !== 'string') return undefined
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'))
  return match ? Number(match[1]) + 1 : undefined
}

/** GitHub answers a query it cannot run with 200 and a list of errors. */
function graphqlErrors(message: string): Reply {
  return { status: 200, body: { errors: [{ message, locations: [] }] } }
}
