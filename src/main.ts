import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decide, type Decision } from './decide.js'
import { createGitHubClient, findPullRequestForCommit, type GitHubClient } from './github-api.js'
import { githubStatus, tokenRejected } from './github-errors.js'
import {
  contextFromEnvironment,
  missingUrlReason,
  needsPullRequestLookup,
  readEventPayload,
  withheldSecretsReason,
  type EventPayload,
  type RunContext
} from './github-context.js'
import { InputError, parseInputs, PROVIDER_SPECIFIC_INPUTS, type Settings } from './inputs.js'
import { legLabel, legOf, type Leg } from './leg.js'
import { log, redactDeep } from './log.js'
import { setIdOutput, setUrlOutput } from './outputs.js'
import { checkWritablePaths } from './preflight.js'
import { createProvider, vendorCatalog } from './providers/index.js'
import {
  rerunFallbackLine,
  type Provider,
  type RunHandle,
  type TriggerRequest
} from './providers/provider.js'
import type { RenderContext } from './report/markdown.js'
import type { RunReport } from './report/model.js'
import { evaluatePolicy } from './report/policy.js'
import { maskSecrets } from './secrets.js'
import { readPreviousRun } from './previous.js'
import { changesSince } from './report/changes.js'
import { commentMarker } from './report/comment.js'
import { planRerun, rerunReport, wantsRerun, type PreviousRun } from './rerun.js'
import { configId, type CommentIdentity } from './record-identity.js'
import { publishAll } from './sinks/index.js'
import { VendorError } from './http.js'
import { STATE_HANDLE } from './state.js'
import { startedReport, waitForReport } from './wait.js'

/** The action: trigger → wait → report → decide. Nothing vendor-specific lives here. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await pipeline(env)
  } catch (error) {
    log.fail(error instanceof Error ? error.message : String(error))
  }
}

async function pipeline(env: NodeJS.ProcessEnv): Promise<void> {
  maskSecrets()
  const payload = readEventPayload(env.GITHUB_EVENT_PATH)
  explainMissingSecrets(env, payload)
  const settings = parseInputs((name) => core.getInput(name), vendorCatalog())
  const context = contextFromEnvironment(env, payload)
  const deadline = Date.now() + settings.timeoutMinutes * 60_000
  const provider = createProvider(settings, {
    log: log.info,
    warn: log.warning,
    client: { deadline }
  })
  const request = { settings, context }
  warnAboutIgnoredInputs(settings, provider)
  const deploymentState = context.deployment?.state
  if (deploymentState && deploymentState !== 'success') {
    log.warning(
      `The deployment's status is "${deploymentState}", not "success": testing it anyway. ` +
        "Add `if: github.event.deployment_status.state == 'success'` to the step to test finished deployments only."
    )
  }
  requireUrlWithoutDeployment(settings, context, provider)
  provider.validate(request)
  await checkWritablePaths(settings)

  const github = settings.githubToken
    ? await createGitHubClient(settings.githubToken, env.GITHUB_API_URL)
    : undefined
  if (github && needsPullRequestLookup(context)) await lookUpPullRequest(github, context)

  const leg = legOf(settings, provider)
  const identity = commentIdentity(settings, context, provider, leg)
  const readPrevious = (): Promise<PreviousRun> =>
    readPreviousRun(github, context, settings, identity)
  // A re-run needs the last attempt's failures before it starts; otherwise they are read later.
  const previous = wantsRerun(settings, context) ? await readPrevious() : undefined
  const plan = previous
    ? planRerun(context, previous, (selection) => provider.rerunProblem?.(selection))
    : {}
  if (plan.explanation) log.info(plan.explanation)

  const triggered = { ...request, rerun: plan.selection }
  const handle = await trigger(provider, triggered)
  core.saveState(STATE_HANDLE, JSON.stringify({ provider: provider.name, handle }))
  log.info(
    `Started ${provider.displayName} run ${handle.runId}${handle.url ? `: ${handle.url}` : ''}`
  )
  setIdOutput('run-id', handle.runId)
  setUrlOutput('report-url', handle.url)

  // Decided before rendering: the summary and the comment name it when they leave tests out.
  const reportPath = reportFilePath(settings, env, [provider.name, legLabel(leg), handle.runId])
  const renderContext = { ...toRenderContext(provider, settings, context, leg), reportPath }
  let report: RunReport
  let lastRun = previous
  if (settings.wait) {
    report = await waitForReport(provider, handle, triggered, deadline)
    // Only a run that repeated just the failed tests is checked against them and leaves the
    // earlier passes out of its report.
    if (plan.earlier && handle.rerun)
      report = rerunReport(report, plan.earlier, provider.displayName)
    report = explainNoTests(report, settings)
    lastRun ??= await readPrevious()
    if (lastRun.digest) renderContext.changes = changesSince(lastRun.digest, report, context.sha)
  } else {
    report = startedReport(provider, handle)
    renderContext.startedOnly = true
  }
  // The same function decide() ends the step with: the summary and the comment name its rule.
  renderContext.policy = evaluatePolicy(report, settings)

  const sinks = await publishAll({
    // Vendor text may echo a secret (a key in a URL, a token in an error): no sink sees it.
    report: redactDeep(report),
    settings,
    context,
    render: renderContext,
    vendor: { name: provider.name, displayName: provider.displayName },
    leg,
    github,
    deadline,
    reportPath,
    comment: { ...identity, previous: lastRun }
  })
  apply(decide(report, settings, sinks, provider.displayName))
}

/** An empty api-key on a run GitHub gives no secrets: say why, and what to do, not just "required". */
function explainMissingSecrets(env: NodeJS.ProcessEnv, payload: EventPayload): void {
  const reason = withheldSecretsReason(env, payload)
  if (!reason || core.getInput('api-key').trim() !== '') return
  throw new InputError(
    `Input "api-key" is empty: this run is for ${reason}. ` +
      'See "Fork and Dependabot pull requests" in the testgate README: skip such runs with an `if:`, ' +
      'or run the tests from a `workflow_run` (or, knowing its risks, `pull_request_target`) workflow.'
  )
}

function warnAboutIgnoredInputs(settings: Settings, provider: Provider): void {
  const othersOwn = Object.entries(vendorCatalog().ownInputs).flatMap(([name, own]) =>
    name === settings.provider ? [] : Object.keys(own)
  )
  for (const name of settings.given) {
    const shared = (PROVIDER_SPECIFIC_INPUTS as readonly string[]).includes(name)
    if ((shared && !provider.inputs.includes(name)) || othersOwn.includes(name))
      log.warning(`Input "${name}" does not apply to ${provider.displayName}; it is ignored.`)
  }
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
  // The target in the marker: the target-id input, for the vendors that read one.
  const target = provider.inputs.includes('target-id') ? settings.targetId : undefined
  return {
    marker: commentMarker(provider.name, target, context.job, leg, context.workflowFile),
    legacyMarker: commentMarker(provider.name, target, context.job, leg),
    config: configId(settings, context, leg)
  }
}

/** A provider that tests a URL gets none from a merge group: `url` must be given, never waited for. */
function requireUrlWithoutDeployment(
  settings: Settings,
  context: RunContext,
  provider: Provider
): void {
  const reason = missingUrlReason(context)
  if (!reason || settings.url || !provider.inputs.includes('url')) return
  throw new InputError(
    `Input "url" is required for ${provider.displayName} here: ${reason}. ` +
      'Set `url:` to the address to test, e.g. a staging environment.'
  )
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
    log.warning(`Could not look up the PR of ${commit}: ${errorMessage(error)}`)
  }
}

async function trigger(provider: Provider, request: TriggerRequest): Promise<RunHandle> {
  try {
    return await provider.trigger(request)
  } catch (error) {
    // A vendor that declines the failed tests' selection (an id it no longer knows) started
    // nothing: asking for every test cannot run anything twice.
    if (request.rerun && error instanceof VendorError && error.refused) {
      const why = `${provider.displayName} refused the failed tests' selection (${error.message})`
      log.warning(rerunFallbackLine(why))
      return trigger(provider, { ...request, rerun: undefined })
    }
    throw new Error(`Could not start the ${provider.displayName} run. ${errorMessage(error)}`)
  }
}

function toRenderContext(
  provider: Provider,
  settings: Settings,
  context: RunContext,
  leg: Leg
): RenderContext {
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

/** report-path, else `<provider>[-<leg>]-<run id>.json` under RUNNER_TEMP: one file per leg. */
function reportFilePath(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  parts: (string | undefined)[]
): string {
  const file = parts.flatMap((part) => (part ? [safeFileName(part)] : [])).join('-')
  return settings.reportPath ?? join(env.RUNNER_TEMP || tmpdir(), 'testgate', `${file}.json`)
}

function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
}

/** Logs the decision and fails the step when it says so. */
function apply(decision: Decision): void {
  if (decision.notice?.level === 'warning') log.warning(decision.notice.text)
  else if (decision.notice) log.info(decision.notice.text)
  if (decision.failure) log.fail(decision.failure)
}

/**
 * A run without tests says what was asked for, so a team can see why nothing matched, and how to
 * accept an empty run.
 */
function explainNoTests(report: RunReport, settings: Settings): RunReport {
  if (report.status !== 'no-tests') return report
  const accept = !settings.failOn.includes('no-tests')
    ? ''
    : settings.given.includes('fail-on')
      ? ' Leave no-tests out of `fail-on` if a run without tests is acceptable.'
      : ' Set `allow-no-tests: true` if a run without tests is acceptable.'
  const advice = `Selected: ${describeSelection(settings)}.${accept}`
  return { ...report, note: report.note ? `${report.note} ${advice}` : advice }
}

/** What the inputs narrowed the run to: the shared narrowing inputs, then the vendor's own. */
export function describeSelection(settings: Settings): string {
  const shared: [string, string | string[] | undefined][] = [
    ['target-id', settings.targetId],
    ['environment', settings.environment],
    ['tags', settings.tags],
    ['test-ids', settings.testIds],
    ['exclude-test-ids', settings.excludeTestIds]
  ]
  const parts = [...shared, ...Object.entries(settings.own)].flatMap(([name, value]) => {
    const text = Array.isArray(value) ? value.join(', ') : value?.trim()
    return text ? [`${name} ${text}`] : []
  })
  return parts.length > 0 ? parts.join('; ') : 'every test (no narrowing input was set)'
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
