import { httpUrl } from '../core/text.js'
import { readFileSync } from 'node:fs'
import { z } from 'zod'

/** What testgate knows about the workflow run that started it. */
export interface RunContext {
  eventName: string
  owner: string
  repo: string
  /** The commit under test: the PR head on pull_request, never the merge commit. */
  sha: string
  /** Branch of the commit under test: the PR head branch on pull_request, else GITHUB_REF. */
  ref: string
  pullRequest?: PullRequestRef
  actor?: string
  serverUrl: string
  runUrl?: string
  workflow?: string
  /**
   * The workflow's file (e.g. `e2e.yml`, from GITHUB_WORKFLOW_REF), else its name: two workflows
   * that run the same job on the same target keep their comments and records apart by it.
   */
  workflowFile?: string
  runNumber?: number
  /** GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT: a re-run of the workflow keeps the id, counts the attempt. */
  workflowRunId?: string
  runAttempt?: number
  job?: string
  /** Set on deployment and deployment_status events. */
  deployment?: { url?: string; environment?: string; state?: string }
  /** Set on merge_group events: the branch the queue merges into. */
  mergeGroup?: { baseRef: string; baseSha?: string }
}

export interface PullRequestRef {
  number: number
  nodeId?: string
  /** How the PR was found: from the event itself, or from the commit. */
  source: 'event' | 'commit'
  /** The branch the PR merges into, as GitHub names it (`main`). */
  baseRef?: string
}

// Only the parts of the event payloads testgate reads; everything else is ignored.
const eventSchema = z
  .object({
    after: z.string().optional(),
    sender: z.object({ login: z.string() }).partial().optional(),
    pull_request: z
      .object({
        number: z.number().int(),
        node_id: z.string().optional(),
        head: z
          .object({
            sha: z.string(),
            ref: z.string(),
            repo: z.object({ full_name: z.string() }).partial().nullish()
          })
          .partial()
          .optional(),
        base: z
          .object({
            ref: z.string(),
            repo: z.object({ full_name: z.string() }).partial().nullish()
          })
          .partial()
          .optional()
      })
      .optional(),
    deployment: z
      .object({
        sha: z.string().optional(),
        ref: z.string().optional(),
        environment: z.string().optional(),
        payload: z.unknown().optional()
      })
      .optional(),
    merge_group: z
      .object({
        head_sha: z.string(),
        head_ref: z.string(),
        base_sha: z.string().optional(),
        base_ref: z.string()
      })
      .optional(),
    deployment_status: z
      .object({
        environment_url: z.string().nullish(),
        target_url: z.string().nullish(),
        environment: z.string().nullish(),
        state: z.string().optional()
      })
      .optional()
  })
  .loose()

export type EventPayload = z.infer<typeof eventSchema>

export function readEventPayload(path: string | undefined): EventPayload {
  if (!path) return {}
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(
      `Cannot read the GitHub event at GITHUB_EVENT_PATH: ${(error as Error).message}`
    )
  }
  const parsed = eventSchema.safeParse(raw)
  // A payload of an unexpected shape is not fatal: fall back to the environment variables.
  return parsed.success ? parsed.data : {}
}

/**
 * Why GitHub gave this run no secrets, when it did: a pull request from a fork, or one opened by
 * Dependabot (whose runs see Dependabot secrets only).
 */
export function withheldSecretsReason(
  env: NodeJS.ProcessEnv,
  payload: EventPayload
): string | undefined {
  const pr = payload.pull_request
  // pull_request, pull_request_review and pull_request_review_comment run with the PR's head; only
  // pull_request_target runs in the base repository, with its secrets.
  const event = env.GITHUB_EVENT_NAME ?? ''
  if (!pr || !event.startsWith('pull_request') || event === 'pull_request_target') return undefined
  if (env.GITHUB_ACTOR === 'dependabot[bot]' || payload.sender?.login === 'dependabot[bot]')
    return 'a pull request opened by Dependabot (its runs get Dependabot secrets, not Actions secrets)'
  // GitHub names no head repository once the fork it came from is deleted.
  if (pr.head && pr.head.repo === null)
    return 'a pull request from a fork that has since been deleted (GitHub gives such runs no secrets)'
  const head = pr.head?.repo?.full_name
  const base = pr.base?.repo?.full_name
  if (head && base && head !== base)
    return `a pull request from the fork ${head} (GitHub gives such runs no secrets)`
  return undefined
}

/** Builds the RunContext from the runner's environment variables and the event payload. */
export function contextFromEnvironment(env: NodeJS.ProcessEnv, event: EventPayload): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const pr = event.pull_request
  const deployment = event.deployment

  let sha = env.GITHUB_SHA ?? ''
  let ref = env.GITHUB_REF ?? ''
  if (pr?.head?.sha) sha = pr.head.sha
  if (pr?.head?.ref) ref = pr.head.ref
  if (deployment?.sha) sha = deployment.sha
  if (deployment?.ref) ref = deployment.ref
  if (eventName === 'push' && event.after && !/^0+$/.test(event.after)) sha = event.after
  // A merge queue tests the queue's temporary branch (gh-readonly-queue/<base>/pr-<n>-<sha>): its
  // head commit is the merge of the PR into the base and the PRs ahead of it.
  const mergeGroup = event.merge_group
  if (mergeGroup) {
    sha = mergeGroup.head_sha
    ref = mergeGroup.head_ref
  }

  const context: RunContext = {
    eventName,
    owner,
    repo,
    sha,
    ref,
    serverUrl,
    actor: env.GITHUB_ACTOR || event.sender?.login,
    workflow: env.GITHUB_WORKFLOW || undefined,
    workflowFile: workflowFile(env.GITHUB_WORKFLOW_REF) ?? (env.GITHUB_WORKFLOW || undefined),
    job: env.GITHUB_JOB || undefined,
    runNumber: env.GITHUB_RUN_NUMBER ? Number(env.GITHUB_RUN_NUMBER) : undefined,
    workflowRunId: /^\d+$/.test(env.GITHUB_RUN_ID ?? '') ? env.GITHUB_RUN_ID : undefined,
    runAttempt: runAttempt(env.GITHUB_RUN_ATTEMPT)
  }
  if (env.GITHUB_RUN_ID && owner && repo) {
    const attempt = (context.runAttempt ?? 1) > 1 ? `/attempts/${context.runAttempt}` : ''
    context.runUrl = `${serverUrl}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`
  }
  if (pr)
    context.pullRequest = {
      number: pr.number,
      nodeId: pr.node_id,
      source: 'event',
      baseRef: pr.base?.ref || undefined
    }
  if (mergeGroup)
    context.mergeGroup = { baseRef: mergeGroup.base_ref, baseSha: mergeGroup.base_sha }
  if (deployment || event.deployment_status) {
    const status = event.deployment_status
    context.deployment = {
      // Only an http(s) URL of the deployment is ever sent to a vendor as the URL under test.
      url: httpUrl(status?.environment_url) ?? httpUrl(status?.target_url),
      environment: deployment?.environment || status?.environment || undefined,
      state: status?.state
    }
  }
  return context
}

/**
 * Why the run has no URL under test unless `url` is given: a merge group has no deployment, and a
 * preview deployment may never be made for it, so waiting for one could wait for ever.
 */
export function missingUrlReason(context: RunContext): string | undefined {
  if (!context.mergeGroup || context.deployment?.url) return undefined
  return 'a merge_group event has no deployment URL (a preview deployment may never exist for a merge group)'
}

/** Events whose commit may belong to an open PR that the event itself does not name. */
export function needsPullRequestLookup(context: RunContext): boolean {
  return (
    context.pullRequest === undefined &&
    ['deployment_status', 'deployment', 'push'].includes(context.eventName) &&
    context.sha !== ''
  )
}

export interface CommitPull {
  number: number
  node_id?: string
  state?: string
  head?: { sha?: string }
  base?: { ref?: string }
}

/** Of the PRs a commit belongs to, the open one whose head it is; else any open one. */
export function pickPullRequest(
  sha: string,
  pulls: readonly CommitPull[]
): PullRequestRef | undefined {
  const open = pulls.filter((pull) => pull.state === undefined || pull.state === 'open')
  const chosen = open.find((pull) => pull.head?.sha === sha) ?? open[0]
  if (!chosen) return undefined
  const baseRef = chosen.base?.ref || undefined
  return { number: chosen.number, nodeId: chosen.node_id, source: 'commit', baseRef }
}

/** `owner/repo/.github/workflows/e2e.yml@refs/heads/main` → `e2e.yml`. */
function workflowFile(ref: string | undefined): string | undefined {
  const path = ref?.split('@')[0] ?? ''
  const file = path.slice(path.lastIndexOf('/') + 1)
  return /\.ya?ml$/.test(file) ? file : undefined
}

/** The workflow's attempt, 1 for the first run; anything that is not a positive integer is 1. */
function runAttempt(value: string | undefined): number {
  const attempt = Number(value)
  return Number.isSafeInteger(attempt) && attempt > 1 ? attempt : 1
}
