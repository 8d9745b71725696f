import { pullRequestNow, type GitHubClient } from '../github/api.js'
import { BASE_READ_TIMEOUT_MS, readBaseRecords } from '../github/base-records.js'
import { log } from '../core/log.js'
import { compareWithBase, type BaseComparison, type BaseReading } from '../report/base.js'
import type { RunReport } from '../report/model.js'
import { checkRunName } from '../report/check-run.js'
import { legLabel } from '../report/leg.js'
import type { Step } from './step.js'

/**
 * On a pull request or in a merge queue, the base branch's latest records of this configuration,
 * read beside the wait for the verdict: started after the trigger, so it never delays it, and
 * never failing the step. Undefined where there is no base to compare with (a push or a schedule,
 * no verdict awaited, no token).
 */
export function startBaseRead(step: Step): Promise<BaseReading> | undefined {
  const { settings, context, github } = step
  if (!settings.wait) return undefined
  const branch = baseBranchOf(context)
  if (!branch) return undefined
  if (!github) {
    log.info(`No github-token: the failures are not compared with ${branch}.`)
    return undefined
  }
  const started = Date.now()
  return currentBase(github, context, branch).then((base) =>
    // the whole read, the PR's included, keeps to the one bound
    readBase(step, github, base, BASE_READ_TIMEOUT_MS - (Date.now() - started))
  )
}

function readBase(
  step: Step,
  github: GitHubClient,
  branch: string,
  timeoutMs: number
): Promise<BaseReading> {
  const { settings, context, provider, leg, identity } = step
  const source = {
    github,
    owner: context.owner,
    repo: context.repo,
    branch,
    checkName: checkRunName(provider.displayName, legLabel(leg)),
    identity,
    apiKey: settings.apiKey
  }
  return readBaseRecords(source, timeoutMs)
}

// Asking where a re-run's PR merges now is given this long; past it, the event's branch is used.
const PR_READ_TIMEOUT_MS = 5_000

/**
 * The branch a PR merges into now. A workflow re-run keeps the event it first ran for, and a PR
 * retargeted since (from `release` to `main`) would be judged against a branch it no longer merges
 * into: on a re-run, GitHub is asked. A first run's event is current.
 */
async function currentBase(
  github: GitHubClient,
  context: Step['context'],
  eventBase: string
): Promise<string> {
  const pr = context.pullRequest
  if (!pr || (context.runAttempt ?? 1) < 2) return eventBase
  const where = { owner: context.owner, repo: context.repo, number: pr.number }
  try {
    const { base } = await pullRequestNow(github, where, AbortSignal.timeout(PR_READ_TIMEOUT_MS))
    if (base !== eventBase)
      log.info(
        `PR #${pr.number} merges into ${base} now (into ${eventBase} when this run's event fired): comparing with ${base}.`
      )
    return base
  } catch {
    log.info(
      `PR #${pr.number}: where it merges now could not be read; comparing with ${eventBase}, as the event says.`
    )
    return eventBase
  }
}

/** The branch a PR or a merge queue merges into, as a branch name (`main`). */
function baseBranchOf(context: Step['context']): string | undefined {
  // A queue names it as a full ref (`refs/heads/main`); the commits are listed by branch name.
  if (context.mergeGroup) return context.mergeGroup.baseRef.replace(/^refs\/heads\//, '')
  const pr = context.pullRequest
  if (pr && !pr.baseRef)
    log.info(`PR #${pr.number}: the event names no base branch to compare the failures with.`)
  return pr?.baseRef
}

/**
 * Each failure judged against the base branch's records, for the summary, the comment and the
 * policy. A base branch where this step leaves no check run at all (a workflow that runs on pull
 * requests only) has nothing to tell a reader: no section then, unless `fail-on: new-failures`
 * judges by it, where it shows why every failure counts as new.
 */
export function judgedAgainstBase(
  reading: BaseReading,
  report: RunReport,
  settings: Step['settings']
): BaseComparison | undefined {
  const comparison = compareWithBase(reading, report)
  return comparison.absent && !settings.failOn.includes('new-failures') ? undefined : comparison
}
