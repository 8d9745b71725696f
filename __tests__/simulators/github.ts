import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * The slice of GitHub's REST API testgate uses: issue comments (list with Link pagination, create,
 * update) and the PRs of a commit.
 */

export interface SimComment {
  id: number
  body: string
  html_url: string
  user: { login: string }
  created_at: string
  updated_at: string
}

export interface SimPull {
  number: number
  node_id: string
  state: 'open' | 'closed'
  head: { sha: string; ref: string }
}

export class GitHubSimulator extends SimServer {
  readonly comments = new Map<number, SimComment[]>()
  readonly commitPulls = new Map<string, SimPull[]>()
  private nextId = 1000

  constructor(readonly token: string) {
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
  }

  /** Adds comments written by others, e.g. to push the sticky one onto a later page. */
  seedComments(issue: number, bodies: string[]): void {
    for (const body of bodies) this.add(issue, body, 'someone-else')
  }

  commentsOn(issue: number): SimComment[] {
    return this.comments.get(issue) ?? []
  }

  private authorized(req: RouteRequest): Reply | undefined {
    const header = req.headers.authorization ?? ''
    return header === `token ${this.token}` || header === `Bearer ${this.token}`
      ? undefined
      : { status: 401, body: { message: 'Bad credentials' } }
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
    return { status: 200, body: all.slice((page - 1) * perPage, page * perPage), headers }
  }

  private create(req: RouteRequest): Reply {
    const denied = this.authorized(req)
    if (denied) return denied
    const body = (req.body as { body?: unknown }).body
    if (typeof body !== 'string' || body === '')
      return { status: 422, body: { message: 'Validation Failed' } }
    if (body.length > 65536)
      return { status: 422, body: { message: 'body is too long (maximum is 65536 characters)' } }
    return { status: 201, body: this.add(Number(req.params.number), body, 'github-actions[bot]') }
  }

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
        return { status: 200, body: comment }
      }
    }
    return { status: 404, body: { message: 'Not Found' } }
  }

  private add(issue: number, body: string, login: string): SimComment {
    const id = this.nextId++
    const now = new Date().toISOString()
    const comment: SimComment = {
      id,
      body,
      html_url: `https://github.example.test/o/r/pull/${issue}#issuecomment-${id}`,
      user: { login },
      created_at: now,
      updated_at: now
    }
    this.comments.set(issue, [...this.commentsOn(issue), comment])
    return comment
  }
}
