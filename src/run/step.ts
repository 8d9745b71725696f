import { createGitHubClient, findPullRequestForCommit, type GitHubClient } from '../github/api.js'
import { githubStatus, tokenRejected } from '../github/errors.js'
import {
  contextFromEnvironment,
  needsPullRequestLookup,
  type EventPayload,
  type RunContext
} from '../github/context.js'
import type { Settings } from '../core/inputs.js'
import { legLabel, legOf, type Leg } from '../report/leg.js'
import { log } from '../core/log.js'
import { createProvider } from '../vendors/index.js'
import type { Provider } from '../vendors/provider.js'
import { configId, type CommentIdentity } from '../github/identity.js'
import { commentMarker } from '../report/comment.js'
import type { RenderContext } from '../report/markdown.js'

/**
 * The step as it is set up before anything is sent to a vendor: its inputs, the GitHub context,
 * the provider, and who it is in the PR comment. A run that does not start still has this much
 * to say so with.
 */
export interface Step {
  settings: Settings
  context: RunContext
  provider: Provider
  leg: Leg
  identity: CommentIdentity
  /** Epoch ms: the end of timeout-minutes, counted from the step's start. */
  deadline: number
  /** Set by connectGitHub when there is a github-token. */
  github?: GitHubClient
}

export function stepOf(settings: Settings, env: NodeJS.ProcessEnv, payload: EventPayload): Step {
  const context = contextFromEnvironment(env, payload)
  const deadline = Date.now() + settings.timeoutMinutes * 60_000
  const provider = createProvider(settings, {
    log: log.info,
    warn: log.warning,
    client: { deadline }
  })
  const leg = legOf(settings, provider)
  const identity = commentIdentity(settings, context, provider, leg)
  return { settings, context, provider, leg, identity, deadline }
}

/**
 * Who this step is in the PR comment: its marker (provider, target, job, leg and workflow), the
 * marker an older testgate wrote (taken over once), and the id of its configuration.
 */
function commentIdentity(
  settings: Settings,
  context: RunContext,
  provider: Provider,
  leg: Leg
): CommentIdentity {
  // The target in the marker: the target-id input, for the vendors that take a target.
  const target = provider.facts.target ? settings.targetId : undefined
  return {
    marker: commentMarker(provider.name, target, context.job, leg, context.workflowFile),
    legacyMarker: commentMarker(provider.name, target, context.job, leg),
    config: configId(settings, context, leg)
  }
}

/** The GitHub client, and the PR of the commit when the event does not name one. */
export async function connectGitHub(step: Step, env: NodeJS.ProcessEnv): Promise<void> {
  const token = step.settings.githubToken
  if (!token) return
  step.github = await createGitHubClient(token, env.GITHUB_API_URL)
  if (needsPullRequestLookup(step.context)) await lookUpPullRequest(step.github, step.context)
}

async function lookUpPullRequest(github: GitHubClient, context: RunContext): Promise<void> {
  try {
    context.pullRequest = await findPullRequestForCommit(github, context)
    if (context.pullRequest)
      log.info(`Commit ${context.sha.slice(0, 7)} belongs to PR #${context.pullRequest.number}`)
  } catch (error) {
    const commit = `commit ${context.sha.slice(0, 7)}`
    // A rejected token is a misconfiguration, not a passing outage: stop before the vendor run
    // starts, since neither the PR nor its comment could be reached with it.
    if (githubStatus(error) === 401) throw tokenRejected(`looking up the PR of ${commit}`)
    const message = error instanceof Error ? error.message : String(error)
    log.warning(`Could not look up the PR of ${commit}: ${message}`)
  }
}

/** What the summary and the comment show besides the report. */
export function renderContextOf({ provider, settings, context, leg }: Step): RenderContext {
  return {
    vendor: provider.displayName,
    leg: legLabel(leg),
    environment: settings.environment,
    urlUnderTest: settings.url ?? context.deployment?.url,
    sha: context.sha,
    baseRef: context.mergeGroup?.baseRef,
    runUrl: context.runUrl,
    timeoutMinutes: settings.timeoutMinutes
  }
}
