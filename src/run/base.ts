import { BASE_READ_TIMEOUT_MS, readBaseRecords } from '../github/base-records.js'
import { log } from '../core/log.js'
import type { BaseReading } from '../report/base.js'
import { checkRunName } from '../report/check-run.js'
import { legLabel } from '../report/leg.js'
import type { Step } from './step.js'
import { pollScale } from '../wait/wait.js'

/**
 * On a pull request, the base branch's latest records of this configuration, read beside the wait
 * for the verdict: started after the trigger, so it never delays it, and never failing the step.
 * Undefined where there is no base to compare with (not a PR, no verdict awaited, no token).
 */
export function startBaseRead(step: Step): Promise<BaseReading> | undefined {
  const { settings, context, github, provider, leg, identity } = step
  const pr = context.pullRequest
  if (!pr || !settings.wait) return undefined
  const branch = pr.baseRef
  if (!branch) {
    log.info(`PR #${pr.number}: the event names no base branch to compare the failures with.`)
    return undefined
  }
  if (!github) {
    log.info(`No github-token: the failures are not compared with ${branch}.`)
    return undefined
  }
  const source = {
    github,
    owner: context.owner,
    repo: context.repo,
    branch,
    checkName: checkRunName(provider.displayName, legLabel(leg)),
    identity,
    apiKey: settings.apiKey
  }
  // The test harness runs time faster (TESTGATE_POLL_SCALE), this bound with it.
  return readBaseRecords(source, BASE_READ_TIMEOUT_MS * pollScale(process.env.TESTGATE_POLL_SCALE))
}
