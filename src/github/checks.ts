import { z } from 'zod'
import type { GitHubClient } from './api.js'

/**
 * The check-run calls testgate makes: create one on a commit, list a commit's check runs of one
 * name, and list a branch's latest commits. Facts from GitHub's REST reference and its OpenAPI
 * description (api.github.com, as @octokit/openapi-types 29 carries it):
 * - `POST /repos/{owner}/{repo}/check-runs` needs `checks: write`; `name` and `head_sha` are
 *   required, `conclusion` sets `status` to `completed`, and `output.summary` and `output.text`
 *   hold at most 65,535 characters each (docs.github.com/rest/checks/runs#create-a-check-run).
 * - `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` takes `check_name`, `filter` (`latest`,
 *   the default, or `all`), `per_page` (at most 100) and answers `{ total_count, check_runs }`,
 *   each with `output.summary` (docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference);
 *   it needs `checks: read` on a private repository.
 * - `GET /repos/{owner}/{repo}/commits?sha=<branch or SHA>` lists the commits reachable from it,
 *   newest first, each with its `parents` (docs.github.com/rest/commits/commits#list-commits): a
 *   pull request merged with a merge commit brings its own commits into the list;
 *   `contents: read` lets the job's token list commits
 *   (docs.github.com/actions/using-jobs/assigning-permissions-to-jobs).
 * Inferred, since no page says so: the order of the listed check runs (testgate sorts them by
 * `completed_at` itself), and that an HTML comment in `output.summary` comes back as written.
 */

// GitHub's limit, counted in characters; its own issue tracker (github/rest-api-description#5399)
// reports that it counts UTF-8 bytes in practice: testgate measures bytes, never fewer.
export const CHECK_RUN_SUMMARY_MAX = 65_535

const checkRunSchema = z.object({
  id: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number),
  name: z.string(),
  head_sha: z.string(),
  status: z.string(),
  completed_at: z.string().nullish(),
  html_url: z.string().nullish(),
  output: z.object({ summary: z.string().nullish() }).partial().nullish()
})
export type CheckRun = z.infer<typeof checkRunSchema>

const checkRunListSchema = z.object({
  total_count: z.number().int().nonnegative(),
  check_runs: z.array(checkRunSchema)
})

const commitSha = z.string().regex(/^[0-9a-f]{40}$/i)
const commitListSchema = z.array(
  z.object({ sha: commitSha, parents: z.array(z.object({ sha: commitSha })).optional() })
)

/** A listed commit and the commit it was made on (its first parent; none for a root commit). */
export interface ListedCommit {
  sha: string
  parent?: string
}

export interface NewCheckRun {
  owner: string
  repo: string
  name: string
  headSha: string
  conclusion: 'success' | 'failure' | 'neutral'
  title: string
  summary: string
  detailsUrl?: string
  externalId?: string
  startedAt?: string
  completedAt: string
}

/** Creates a completed check run; its page, as GitHub gives it. */
export async function createCheckRun(
  client: GitHubClient,
  run: NewCheckRun
): Promise<{ id: number; url?: string }> {
  const { data } = await client.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: run.owner,
    repo: run.repo,
    name: run.name,
    head_sha: run.headSha,
    status: 'completed',
    conclusion: run.conclusion,
    completed_at: run.completedAt,
    ...(run.startedAt ? { started_at: run.startedAt } : {}),
    ...(run.detailsUrl ? { details_url: run.detailsUrl } : {}),
    ...(run.externalId ? { external_id: run.externalId } : {}),
    output: { title: run.title, summary: run.summary }
  })
  const created = checkRunSchema.parse(data)
  return { id: created.id, url: created.html_url ?? undefined }
}

/** The latest commits reachable from a branch or a commit, newest first. */
export async function listBranchCommits(
  client: GitHubClient,
  where: { owner: string; repo: string; from: string; count: number },
  signal?: AbortSignal
): Promise<ListedCommit[]> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/commits', {
    owner: where.owner,
    repo: where.repo,
    sha: where.from,
    per_page: where.count,
    request: { signal }
  })
  return commitListSchema.parse(data).map(({ sha, parents }) => {
    const parent = parents?.[0]?.sha
    return parent ? { sha, parent } : { sha }
  })
}

/** Every completed check run of that name on a commit (re-runs and schedules too), newest first. */
export async function listCheckRuns(
  client: GitHubClient,
  where: { owner: string; repo: string; sha: string; name: string; max: number },
  signal?: AbortSignal
): Promise<CheckRun[]> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner: where.owner,
    repo: where.repo,
    ref: where.sha,
    check_name: where.name,
    filter: 'all',
    status: 'completed',
    per_page: where.max,
    request: { signal }
  })
  const runs = checkRunListSchema.parse(data).check_runs
  return runs
    .filter((run) => run.name === where.name && run.status === 'completed')
    .sort((a, b) => (b.completed_at ?? '').localeCompare(a.completed_at ?? ''))
}
