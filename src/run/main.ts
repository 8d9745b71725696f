import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decide, type Decision } from './decide.js'
import {
  missingUrlReason,
  readEventPayload,
  withheldSecretsReason,
  type EventPayload,
  type RunContext
} from '../github/context.js'
import { VendorError } from '../core/http.js'
import { InputError, parseInputs, PROVIDER_SPECIFIC_INPUTS, type Settings } from '../core/inputs.js'
import { legLabel } from '../report/leg.js'
import { log, redactDeep } from '../core/log.js'
import { reportNotStarted, type Progress } from './not-started.js'
import { setIdOutput, setUrlOutput } from '../core/outputs.js'
import { withSentence } from '../core/text.js'
import { checkWritablePaths } from '../core/preflight.js'
import { readPreviousRun, type PreviousRun } from '../github/previous.js'
import { vendorCatalog } from '../vendors/index.js'
import {
  rerunFallbackLine,
  type Provider,
  type RunHandle,
  type TriggerRequest
} from '../vendors/provider.js'
import { changesSince } from '../report/changes.js'
import { judgedAgainstBase, startBaseRead } from './base.js'
import type { RunReport } from '../report/model.js'
import { evaluatePolicy } from '../report/policy.js'
import { planRerun, rerunReport, wantsRerun } from './rerun.js'
import { maskSecrets } from '../core/secrets.js'
import { publishAll } from '../sinks/index.js'
import { STATE_HANDLE } from '../core/state.js'
import { connectGitHub, renderContextOf, stepOf } from './step.js'
import { startedReport, waitForReport } from '../wait/wait.js'

/** The action: trigger → wait → report → decide. Nothing vendor-specific lives here. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const progress: Progress = { started: false }
  try {
    await pipeline(env, progress)
  } catch (error) {
    // A run that never started leaves no earlier report standing as this commit's verdict.
    if (!progress.started) await reportNotStarted(env, progress, error)
    log.fail(errorMessage(error))
  }
}

async function pipeline(env: NodeJS.ProcessEnv, progress: Progress): Promise<void> {
  maskSecrets()
  const payload = readEventPayload(env.GITHUB_EVENT_PATH)
  progress.payload = payload
  explainMissingSecrets(env, payload)
  const settings = parseInputs((name) => core.getInput(name), vendorCatalog())
  const step = stepOf(settings, env, payload)
  progress.step = step
  const { context, provider, leg, identity, deadline } = step
  const request = { settings, context }
  warnAboutIgnoredInputs(settings, provider)
  warnAboutDeploymentState(context)
  requireUrlWithoutDeployment(settings, context, provider)
  provider.validate(request)
  await checkWritablePaths(settings)
  await connectGitHub(step, env)
  const { github } = step

  const readPrevious = (): Promise<PreviousRun> =>
    readPreviousRun(github, context, settings, identity)
  // A re-run needs the last attempt's failures before it starts; otherwise they are read later.
  const previous = wantsRerun(settings, context) ? await readPrevious() : undefined
  const plan = previous
    ? planRerun(context, previous, (selection) => provider.rerunProblem(selection))
    : {}
  if (plan.explanation) log.info(plan.explanation)

  const triggered = { ...request, rerun: plan.selection }
  const handle = await trigger(provider, triggered)
  progress.started = true
  // Read beside the wait, once the run is started: it never delays the trigger.
  const baseRead = startBaseRead(step)
  core.saveState(STATE_HANDLE, JSON.stringify({ provider: provider.name, handle }))
  log.info(
    `Started ${provider.displayName} run ${handle.runId}${handle.url ? `: ${handle.url}` : ''}`
  )
  setIdOutput('run-id', handle.runId)
  setUrlOutput('report-url', handle.url)

  // Decided before rendering: the summary and the comment name it when they leave tests out.
  const reportPath = reportFilePath(settings, env, [provider.name, legLabel(leg), handle.runId])
  const renderContext = { ...renderContextOf(step), reportPath }
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
    const base = await baseRead
    if (base) renderContext.base = judgedAgainstBase(base, report, settings)
  } else {
    report = startedReport(provider, handle)
    renderContext.startedOnly = true
  }
  // The same function decide() ends the step with: the summary and the comment name its rule.
  renderContext.policy = evaluatePolicy(report, settings, renderContext.base)

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
  apply(decide(report, settings, sinks, provider.displayName, renderContext.base))
}

function warnAboutDeploymentState(context: RunContext): void {
  const state = context.deployment?.state
  if (!state || state === 'success') return
  log.warning(
    `The deployment's status is "${state}", not "success": testing it anyway. ` +
      "Add `if: github.event.deployment_status.state == 'success'` to the step to test finished deployments only."
  )
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

/** A provider that tests a URL gets none from a merge group: `url` must be given, never waited for. */
function requireUrlWithoutDeployment(
  settings: Settings,
  context: RunContext,
  provider: Provider
): void {
  const reason = missingUrlReason(context)
  if (!reason || settings.url || !provider.capabilities.testsUrl) return
  throw new InputError(
    `Input "url" is required for ${provider.displayName} here: ${reason}. ` +
      'Set `url:` to the address to test, e.g. a staging environment.'
  )
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
  return { ...report, note: withSentence(report.note, advice) }
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
