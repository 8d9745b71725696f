import { ZodError } from 'zod'
import type { GitHubClient } from './api.js'
import { listBranchCommits, listCheckRuns, type CheckRun } from './checks.js'
import { githubStatus } from './errors.js'
import type { CommentIdentity } from './identity.js'
import { log } from '../core/log.js'
import { plural } from '../core/text.js'
import type { BaseReading, BaseRecord } from '../report/base.js'
import { readDigest } from '../report/digest.js'

/**
 * The base branch's latest records of this configuration, as its runs left them in their check
 * runs. The memory rule holds: a record counts only when it is signed with this step's api-key
 * and names this step's configuration; any other is left out, and the log says why. A nicety,
 * read while the run is under way: it never fails the step, and a slow GitHub is given up on.
 */

/** The base branch's latest commits looked at. */
const BASE_COMMITS = 5
/** Records compared with, at most: the latest, and a few before it to tell a flaky test. */
const BASE_RUNS = 5
/** Commits listed per request while following the branch's own commits. */
const COMMITS_PER_LIST = 10
/** Check runs of the name looked at per commit (a schedule and re-runs add to a commit's). */
const RUNS_PER_COMMIT = 10
/** Started beside the wait for the verdict: past this, the failures are unknown. */
export const BASE_READ_TIMEOUT_MS = 10_000

export interface BaseSource {
  github: GitHubClient
  owner: string
  repo: string
  branch: string
  /** The check run name the base branch's runs of this leg wrote (see checkRunName). */
  checkName: string
  identity: Pick<CommentIdentity, 'config'>
  apiKey: string
}

/** Why a check run's record was left out, counted per reason. */
type LeftOut = Map<string, number>

export async function readBaseRecords(
  source: BaseSource,
  timeoutMs = BASE_READ_TIMEOUT_MS
): Promise<BaseReading> {
  const { branch } = source
  const stop = new AbortController()
  let timer: NodeJS.Timeout | undefined
  // Whatever is under way then (a request, Octokit's wait before a retry) is given up on at once.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stop.abort()
      reject(new Error(`GitHub did not list them within ${Math.ceil(timeoutMs / 1000)} s`))
    }, timeoutMs)
  })
  try {
    const { records, leftOut } = await Promise.race([collect(source, stop.signal), timeout])
    logReading(source, records, leftOut)
    const absent = records.length === 0 && leftOut.size === 0
    return { branch, records, ...(absent ? { absent } : {}) }
  } catch (error) {
    const problem = `the check runs of ${branch} could not be read: ${failureText(error)}`
    log.info(`Base branch ${branch}: ${problem}; every failure is "unknown".`)
    return { branch, records: [], problem }
  } finally {
    clearTimeout(timer)
  }
}

async function collect(
  source: BaseSource,
  signal: AbortSignal
): Promise<{ records: BaseRecord[]; leftOut: LeftOut }> {
  const { github, owner, repo, checkName } = source
  const commits = await branchOwnCommits(source, signal)
  // Newest commit first, and on each the newest run first: the order records are compared in.
  const perCommit = await Promise.all(
    commits.map((sha) =>
      listCheckRuns(github, { owner, repo, sha, name: checkName, max: RUNS_PER_COMMIT }, signal)
    )
  )
  const leftOut: LeftOut = new Map()
  const records: BaseRecord[] = []
  for (const run of perCommit.flat()) {
    const record = ownRecord(run, source, leftOut)
    if (record && records.length < BASE_RUNS) records.push(record)
  }
  return { records, leftOut }
}

/**
 * The latest commits the branch itself was at, newest first: its head, then each one's first
 * parent. GitHub lists every commit the branch reaches, a merged pull request's own commits among
 * them, and their check runs are that pull request's runs: evidence of its branch, not the base's.
 */
async function branchOwnCommits(source: BaseSource, signal: AbortSignal): Promise<string[]> {
  const { github, owner, repo } = source
  const commits: string[] = []
  let from = source.branch
  // Each list goes on where the last left off, when a merged branch's commits filled it.
  for (let lists = 0; lists < BASE_COMMITS && commits.length < BASE_COMMITS; lists++) {
    const listed = await listBranchCommits(
      github,
      { owner, repo, from, count: COMMITS_PER_LIST },
      signal
    )
    const parentOf = new Map(listed.map((commit) => [commit.sha, commit.parent]))
    let next = commits.length === 0 ? listed[0]?.sha : from
    while (next && parentOf.has(next) && commits.length < BASE_COMMITS) {
      commits.push(next)
      next = parentOf.get(next)
    }
    if (!next || listed.length === 0) break
    from = next
  }
  return commits
}

/** The check run's record when it is this configuration's; else why not, counted. */
function ownRecord(run: CheckRun, source: BaseSource, leftOut: LeftOut): BaseRecord | undefined {
  const reading = readDigest(run.output?.summary ?? '', source.apiKey)
  const checkUrl = run.html_url ?? undefined
  if (reading.kind === 'found' && reading.digest.config === source.identity.config)
    return { digest: reading.digest, checkUrl }
  const why =
    reading.kind === 'none'
      ? 'it holds no record of testgate'
      : reading.kind === 'unreadable'
        ? `its record cannot be used: ${reading.reason}`
        : 'its record was written with other inputs (another leg, job or workflow, or inputs changed since)'
  leftOut.set(why, (leftOut.get(why) ?? 0) + 1)
  return undefined
}

/** Which base runs were read, and what was left out and why. */
function logReading(source: BaseSource, records: readonly BaseRecord[], leftOut: LeftOut): void {
  const { branch, checkName } = source
  for (const [why, count] of leftOut)
    log.info(
      `Base branch ${branch}: left out ${plural(count, 'check run')} "${checkName}": ${why}.`
    )
  if (records.length === 0) {
    const none =
      leftOut.size === 0
        ? `no check run "${checkName}" in its last ${BASE_COMMITS} commits (is this step run there, with \`checks: write\`?)`
        : `no run of this configuration in its last ${BASE_COMMITS} commits`
    log.info(`Base branch ${branch}: ${none}; every failure is "unknown".`)
    return
  }
  const runs = records.map(({ digest, checkUrl }) => {
    const where = checkUrl ? `, ${checkUrl}` : ''
    return `commit ${digest.sha.slice(0, 7)} (run ${digest.runId.slice(0, 64)}, ${digest.status}${where})`
  })
  log.info(
    `Base branch ${branch}: comparing with ${plural(records.length, 'run')} of this configuration: ${runs.join('; ')}.`
  )
}

function failureText(error: unknown): string {
  const status = githubStatus(error)
  if (status === 403) return 'HTTP 403 (the token needs `checks: read` and `contents: read`)'
  if (status === 404) return 'HTTP 404 (no such branch, or a token without `contents: read`)'
  if (status) return `HTTP ${status}`
  if (error instanceof ZodError) return "GitHub's answer is not of the documented shape"
  return error instanceof Error ? error.message : String(error)
}
