import type { Handler, Reply, RouteRequest } from './harness.js'

/**
 * The slice of GitHub's checks and commits API testgate's check runs use, as GitHub enforces it
 * (docs.github.com/rest/checks/runs, docs.github.com/rest/commits/commits, and GitHub's OpenAPI
 * description as @octokit/openapi-types 29 carries it):
 * - `POST /repos/{owner}/{repo}/check-runs`: `checks: write`; `name` and `head_sha` required, the
 *   commit must exist, a `completed` run needs a `conclusion` of the documented ones, `output`
 *   needs `title` and `summary`, each text at most 65,535 characters.
 * - `GET /repos/{owner}/{repo}/commits/{ref}/check-runs`: `checks: read`; a ref is a SHA or a
 *   branch (its head commit); `check_name`, `status`, `filter` (`latest`: the newest run of each
 *   name, the default; `all`), `per_page` (at most 100) and `page`.
 * - `GET /repos/{owner}/{repo}/commits?sha=<branch or SHA>`: `contents: read`; newest first, each
 *   with its `parents` (the first: the commit the branch was at before; a merge's second: the
 *   merged branch's head), and the merged branch's commits listed among the branch's own.
 * A token without the permission gets GitHub's 403 "Resource not accessible by integration".
 */

export type Access = 'none' | 'read' | 'write'

export interface SimCheckRun {
  id: number
  name: string
  head_sha: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: string | null
  started_at: string | null
  completed_at: string | null
  details_url: string | null
  external_id: string | null
  html_url: string
  output: { title: string | null; summary: string | null; text: string | null }
}

type Route = (name: string, method: string, path: string, handler: Handler) => unknown

const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out'
]
const STATUSES = ['queued', 'in_progress', 'completed']
const MAX_OUTPUT_CHARS = 65_535
const SHA = /^[0-9a-f]{40}$/
// github.com's check run ids, like its comment ids, are past 32 bits.
const FIRST_CHECK_RUN_ID = 30_000_000_000

export class SimChecks {
  readonly runs: SimCheckRun[] = []
  /** Branches and their commits, newest first. */
  readonly branches = new Map<string, string[]>()
  /** Commits known besides the branches' (a PR's head). Empty and no branch: any SHA exists. */
  readonly commits = new Set<string>()
  /** Each commit's parents, the first the one it was made on. */
  private readonly parents = new Map<string, string[]>()
  /** What the token may do: the job's token with `permissions:` set, or a fork's read-only one. */
  access: { checks: Access; contents: Access } = { checks: 'write', contents: 'read' }
  private nextId = FIRST_CHECK_RUN_ID

  constructor(
    route: Route,
    private readonly authorized: (req: RouteRequest) => Reply | undefined
  ) {
    route('create-check-run', 'POST', '/repos/:owner/:repo/check-runs', (req) =>
      this.guard(req, 'checks', 'write', () => this.create(req))
    )
    route('list-check-runs', 'GET', '/repos/:owner/:repo/commits/:ref/check-runs', (req) =>
      this.guard(req, 'checks', 'read', () => this.list(req))
    )
    route('list-commits', 'GET', '/repos/:owner/:repo/commits', (req) =>
      this.guard(req, 'contents', 'read', () => this.listCommits(req))
    )
  }

  /** A push: the commit becomes the branch's head. */
  push(branch: string, sha: string): void {
    const history = this.branches.get(branch) ?? []
    if (history[0]) this.parents.set(sha, [history[0]])
    this.branches.set(branch, [sha, ...history])
  }

  /**
   * A pull request merged with a merge commit: `side` (its commits, newest first, made on the
   * branch's head) joins the branch's history, and `merge` becomes its head. GitHub lists them by
   * date: the merge, the PR's commits, then the branch's own.
   */
  merge(branch: string, merge: string, side: readonly string[]): void {
    const history = this.branches.get(branch) ?? []
    const head = history[0]
    side.forEach((sha, i) => {
      const parent = side[i + 1] ?? head
      if (parent) this.parents.set(sha, [parent])
    })
    this.parents.set(
      merge,
      [head, side[0]].filter((sha) => sha !== undefined)
    )
    this.branches.set(branch, [merge, ...side, ...history])
  }

  private exists(sha: string): boolean {
    const known = [...this.commits, ...[...this.branches.values()].flat()]
    return known.length === 0 ? SHA.test(sha) : known.includes(sha)
  }

  private guard(req: RouteRequest, scope: 'checks' | 'contents', need: Access, then: () => Reply) {
    const denied = this.authorized(req)
    if (denied) return denied
    const has = this.access[scope]
    const enough = need === 'read' ? has !== 'none' : has === 'write'
    return enough
      ? then()
      : {
          status: 403,
          body: {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest/checks/runs',
            status: '403'
          }
        }
  }

  private create(req: RouteRequest): Reply {
    const body = (req.body ?? {}) as Record<string, unknown>
    const problem = createProblem(body)
    if (problem) return validationFailed(problem)
    const sha = String(body.head_sha)
    if (!this.exists(sha))
      return { status: 422, body: { message: `No commit found for SHA: ${sha}` } }
    const output = body.output as Record<string, string> | undefined
    const id = this.nextId++
    const conclusion = typeof body.conclusion === 'string' ? body.conclusion : null
    const run: SimCheckRun = {
      id,
      name: String(body.name),
      head_sha: sha,
      status: conclusion ? 'completed' : ((body.status as SimCheckRun['status']) ?? 'queued'),
      conclusion,
      started_at: typeof body.started_at === 'string' ? body.started_at : new Date().toISOString(),
      completed_at:
        typeof body.completed_at === 'string'
          ? body.completed_at
          : conclusion
            ? new Date().toISOString()
            : null,
      details_url: typeof body.details_url === 'string' ? body.details_url : null,
      external_id: typeof body.external_id === 'string' ? body.external_id : null,
      html_url: `https://github.example.test/${req.params.owner}/${req.params.repo}/runs/${id}`,
      output: {
        title: output?.title ?? null,
        summary: output?.summary ?? null,
        text: output?.text ?? null
      }
    }
    this.runs.push(run)
    return { status: 201, body: view(run) }
  }

  private list(req: RouteRequest): Reply {
    const ref = req.params.ref ?? ''
    const sha = this.branches.get(ref)?.[0] ?? ref
    if (!this.exists(sha))
      return { status: 422, body: { message: `No commit found for SHA: ${ref}` } }
    const filter = req.query.get('filter') ?? 'latest'
    if (filter !== 'latest' && filter !== 'all')
      return validationFailed('filter must be one of latest, all')
    const name = req.query.get('check_name')
    const status = req.query.get('status')
    let runs = this.runs
      .filter((run) => run.head_sha === sha && (name === null || run.name === name))
      .filter((run) => status === null || run.status === status)
      .sort((a, b) => b.id - a.id)
    if (filter === 'latest')
      runs = runs.filter((run, i) => runs.findIndex((r) => r.name === run.name) === i)
    const { slice } = page(req, runs)
    return { status: 200, body: { total_count: runs.length, check_runs: slice.map(view) } }
  }

  private listCommits(req: RouteRequest): Reply {
    const from = req.query.get('sha') ?? 'main'
    const branch = this.branches.get(from)
    const history = branch ?? this.historyFrom(from)
    if (!history) return { status: 404, body: { message: `No commit found for SHA: ${from}` } }
    const { slice } = page(req, history)
    return {
      status: 200,
      body: slice.map((sha) => ({
        sha,
        commit: { message: `commit ${sha.slice(0, 7)}` },
        html_url: `https://github.example.test/commit/${sha}`,
        parents: (this.parents.get(sha) ?? []).map((parent) => ({
          sha: parent,
          url: `https://api.github.example.test/commits/${parent}`,
          html_url: `https://github.example.test/commit/${parent}`
        }))
      }))
    }
  }

  private historyFrom(sha: string): string[] | undefined {
    for (const commits of this.branches.values()) {
      const at = commits.indexOf(sha)
      if (at >= 0) return commits.slice(at)
    }
    return undefined
  }
}

function createProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.name !== 'string' || body.name === '') return 'name is missing'
  if (typeof body.head_sha !== 'string' || body.head_sha === '') return 'head_sha is missing'
  if (body.status !== undefined && !STATUSES.includes(String(body.status)))
    return `status is not one of ${STATUSES.join(', ')}`
  if (body.conclusion !== undefined && !CONCLUSIONS.includes(String(body.conclusion)))
    return `conclusion is not one of ${CONCLUSIONS.join(', ')}`
  if ((body.status === 'completed' || body.completed_at !== undefined) && !body.conclusion)
    return 'conclusion is required when status is completed'
  for (const field of ['started_at', 'completed_at'])
    if (body[field] !== undefined && Number.isNaN(Date.parse(String(body[field]))))
      return `${field} is not a timestamp`
  return body.output === undefined ? undefined : outputProblem(body.output)
}

function outputProblem(output: unknown): string | undefined {
  if (!output || typeof output !== 'object') return 'output is not an object'
  const { title, summary, text } = output as Record<string, unknown>
  if (typeof title !== 'string') return 'output.title is missing'
  if (typeof summary !== 'string') return 'output.summary is missing'
  for (const [field, value] of [
    ['summary', summary],
    ['text', text]
  ] as const)
    if (typeof value === 'string' && value.length > MAX_OUTPUT_CHARS)
      return `Only ${MAX_OUTPUT_CHARS} characters are allowed; ${value.length} were supplied (output.${field}).`
  return undefined
}

function validationFailed(message: string): Reply {
  return {
    status: 422,
    body: {
      message: `Invalid request.\n\n${message}`,
      documentation_url: 'https://docs.github.com/rest/checks/runs'
    }
  }
}

/** `per_page` (GitHub caps it at 100) and `page` of a list. */
function page<T>(req: RouteRequest, all: readonly T[]): { slice: T[] } {
  const perPage = Math.min(100, Number(req.query.get('per_page') ?? 30))
  const at = Number(req.query.get('page') ?? 1)
  return { slice: all.slice((at - 1) * perPage, at * perPage) }
}

function view(run: SimCheckRun): Record<string, unknown> {
  return {
    ...run,
    node_id: `CR_${run.id.toString(36)}`,
    url: `https://api.github.example.test/check-runs/${run.id}`,
    output: { ...run.output, annotations_count: 0, annotations_url: '' },
    app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
    check_suite: { id: 1 },
    pull_requests: []
  }
}
