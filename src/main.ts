import * as core from '@actions/core'
import { log, redact, redactDeep } from './log.js'
import { checkWritablePaths } from './preflight.js'
import { setIdOutput, setOwnOutput, setUrlOutput } from './outputs.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  createGitHubClient,
  findPullRequestForCommit,
  upsertComment,
  type GitHubClient
} from './github-api.js'
import { githubStatus, isRateLimited, tokenRejected } from './github-errors.js'
import {
  contextFromEnvironment,
  needsPullRequestLookup,
  readEventPayload,
  withheldSecretsReason,
  type EventPayload,
  type RunContext
} from './github-context.js'
import { InputError, parseInputs, PROVIDER_SPECIFIC_INPUTS, type Settings } from './inputs.js'
import { maskSecrets, secretsOf } from './secrets.js'
import { waitForVerdict, type PollOutcome } from './poll.js'
import { createProvider, providerNames } from './providers/index.js'
import type { Provider, RunHandle } from './providers/provider.js'
import { commentBody, commentMarker } from './report/comment.js'
import type { RenderContext } from './report/markdown.js'
import { countTests, type RunReport } from './report/model.js'
import { failsByDefault, judge, verdictText } from './report/verdict.js'
import { junitXml } from './report/junit.js'
import { summaryMarkdown } from './report/summary.js'
import { createTestmoClient, TestmoPublisher } from './publish/testmo.js'
import { STATE_FINISHED, STATE_HANDLE } from './state.js'

// The longest wait between two looks at a run, unless poll-interval-seconds asks for more.
const MAX_POLL_INTERVAL_MS = 30_000

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
  const settings = parseInputs((name) => core.getInput(name), providerNames())
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
  provider.validate(request)
  await checkWritablePaths(settings)

  const github = settings.githubToken
    ? await createGitHubClient(settings.githubToken, env.GITHUB_API_URL)
    : undefined
  if (github && needsPullRequestLookup(context)) await lookUpPullRequest(github, context)

  const handle = await trigger(provider, request)
  core.saveState(STATE_HANDLE, JSON.stringify({ provider: provider.name, handle }))
  log.info(
    `Started ${provider.displayName} run ${handle.runId}${handle.url ? `: ${handle.url}` : ''}`
  )
  setIdOutput('run-id', handle.runId)
  setUrlOutput('report-url', handle.url)

  // Decided before rendering: the summary and the comment name it when they leave tests out.
  const reportPath = reportFilePath(settings, env, provider.name, handle.runId)
  const renderContext = { ...toRenderContext(provider, settings, context), reportPath }
  let report: RunReport
  if (settings.wait) {
    report = explainNoTests(await waitForReport(provider, handle, settings, deadline), settings)
  } else {
    report = startedReport(provider, handle)
    renderContext.startedOnly = true
  }

  const sinkFailures = await publish(report, {
    settings,
    deadline,
    context,
    renderContext,
    provider,
    github,
    reportPath
  })
  decide(report, provider, settings, sinkFailures, renderContext)
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
  for (const name of settings.given) {
    const specific = (PROVIDER_SPECIFIC_INPUTS as readonly string[]).includes(name)
    if (specific && !(provider.inputs as readonly string[]).includes(name)) {
      log.warning(`Input "${name}" does not apply to ${provider.displayName}; it is ignored.`)
    }
  }
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

async function trigger(
  provider: Provider,
  request: { settings: Settings; context: RunContext }
): Promise<RunHandle> {
  try {
    return await provider.trigger(request)
  } catch (error) {
    throw new Error(`Could not start the ${provider.displayName} run. ${errorMessage(error)}`)
  }
}

async function waitForReport(
  provider: Provider,
  handle: RunHandle,
  settings: Settings,
  deadline: number
): Promise<RunReport> {
  const scale = pollScale(process.env.TESTGATE_POLL_SCALE)
  const intervalMs = settings.pollIntervalSeconds * 1000 * scale
  // The runner signals a cancelled job with SIGINT (then SIGTERM): stop waiting and report what
  // is known; the post step then asks the vendor to stop the run.
  const cancellation = new AbortController()
  const onSignal = (): void => {
    log.info('The job is being cancelled: testgate stops waiting and reports what it has seen.')
    cancellation.abort()
  }
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  const outcome = await waitForVerdict({
    signal: cancellation.signal,
    observe: async () => judge(await provider.observe(handle)),
    intervalMs,
    maxIntervalMs: Math.max(intervalMs, MAX_POLL_INTERVAL_MS * scale),
    deadline,
    label: `${provider.displayName} run ${handle.runId}`,
    onProgress: log.info,
    onTransientError: (error) => log.info(`${error.message} — will look again`)
  })
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  // A run left behind by a cancelled job is the post step's to stop; any other outcome is final.
  if (outcome.kind !== 'aborted') core.saveState(STATE_FINISHED, 'true')
  return finalReport(outcome, provider, handle, settings)
}

/**
 * The test harness's time scale for the poll loop (TESTGATE_POLL_SCALE, between 0 and 1), so the
 * end-to-end suite can run the bundled action against simulators without real-time waits. Not an
 * input: users set poll-interval-seconds, at least 1.
 */
export function pollScale(value: string | undefined): number {
  const scale = Number(value)
  return value && scale > 0 && scale <= 1 ? scale : 1
}

export function finalReport(
  outcome: PollOutcome,
  provider: Provider,
  handle: RunHandle,
  settings: Settings
): RunReport {
  if (outcome.kind === 'verdict') return outcome.report
  const last = outcome.report ?? startedReport(provider, handle)
  if (outcome.kind === 'timed-out') {
    return {
      ...last,
      status: 'timed-out',
      note: `No verdict within timeout-minutes (${settings.timeoutMinutes}); the run may still be going at ${provider.displayName}.`
    }
  }
  if (outcome.kind === 'aborted') {
    const stop = provider.cancel
      ? `the post step asks ${provider.displayName} to stop the run`
      : `${provider.displayName} has no way to stop it, so it may still be going`
    return {
      ...last,
      status: 'cancelled',
      note: `The workflow job was cancelled while testgate waited; ${stop}.`
    }
  }
  return {
    ...last,
    status: 'errored',
    note: `testgate lost track of the run: ${outcome.error.message}`
  }
}

function startedReport(provider: Provider, handle: RunHandle): RunReport {
  return {
    provider: provider.name,
    targetId: handle.targetId,
    runId: handle.runId,
    url: handle.url,
    status: handle.status,
    counts: countTests([]),
    tests: []
  }
}

function toRenderContext(
  provider: Provider,
  settings: Settings,
  context: RunContext
): RenderContext {
  return {
    vendor: provider.displayName,
    environment: settings.environment,
    urlUnderTest: settings.url ?? context.deployment?.url,
    sha: context.sha,
    runUrl: context.runUrl,
    timeoutMinutes: settings.timeoutMinutes
  }
}

interface PublishContext {
  settings: Settings
  deadline: number
  context: RunContext
  renderContext: RenderContext
  provider: Provider
  github: GitHubClient | undefined
  reportPath: string
}

/** Writes the report everywhere it goes. A sink that fails does not stop the others. */
async function publish(unsafe: RunReport, publishing: PublishContext): Promise<string[]> {
  // Vendor text may echo a secret (a key in a URL, a token in an error): no sink sees it.
  const report = redactDeep(unsafe)
  const failures: string[] = []
  const attempt = async (sink: string, write: () => Promise<void>): Promise<void> => {
    try {
      await write()
    } catch (error) {
      failures.push(`${sink}: ${errorMessage(error)}`)
      log.error(`Could not write the ${sink}: ${errorMessage(error)}`)
    }
  }
  // The report file goes first: whatever fails later, the data is on disk.
  await attempt('report file', () => writeReportFile(report, publishing))
  setOutputs(report)
  const { settings, renderContext } = publishing
  if (renderContext.startedOnly && (settings.junitPath || settings.testmo)) {
    log.info('No verdict to publish yet (wait: false): the JUnit file and Testmo are skipped.')
  } else {
    if (settings.junitPath) await attempt('JUnit file', () => writeJunit(report, publishing))
    // Before the summary and the comment, so both can link to the Testmo run.
    if (settings.testmo) await attempt('Testmo run', () => publishToTestmo(report, publishing))
  }
  if (settings.summary) {
    await attempt('job summary', async () => {
      await core.summary.addRaw(redact(summaryMarkdown(report, renderContext))).write()
    })
  }
  await attempt('PR comment', () => writeComment(report, publishing))
  return failures
}

async function writeJunit(
  report: RunReport,
  { settings, provider }: PublishContext
): Promise<void> {
  const path = settings.junitPath ?? ''
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, redact(junitXml(report, provider.displayName)))
  setOwnOutput('junit-path', path)
  log.info(`JUnit XML of ${report.counts.total} tests written to ${path}`)
}

// A run that used up the step's deadline still gets this long to publish to Testmo.
const TESTMO_GRACE_MS = 2 * 60_000

async function publishToTestmo(report: RunReport, publishing: PublishContext): Promise<void> {
  const { settings, context, renderContext, provider } = publishing
  const testmo = settings.testmo
  if (!testmo) return
  const client = createTestmoClient(testmo, {
    secrets: secretsOf(settings),
    deadline: Math.max(publishing.deadline, Date.now() + TESTMO_GRACE_MS),
    log: log.info
  })
  const publisher = new TestmoPublisher(client, testmo, log.info, (runId, runUrl) => {
    setIdOutput('testmo-run-id', String(runId))
    setUrlOutput('testmo-run-url', runUrl)
    renderContext.published = [
      ...(renderContext.published ?? []),
      { label: `Testmo run ${runId}`, url: runUrl }
    ]
  })
  const result = await publisher.publish({
    report,
    context,
    vendor: provider.displayName,
    environment: settings.environment,
    urlUnderTest: renderContext.urlUnderTest
  })
  log.info(
    `Testmo: ${result.tests} tests published to ${result.runUrl} in ${result.requests} requests`
  )
}

function reportFilePath(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  provider: string,
  runId: string
): string {
  return (
    settings.reportPath ??
    join(env.RUNNER_TEMP || tmpdir(), 'testgate', `${provider}-${safeFileName(runId)}.json`)
  )
}

async function writeReportFile(
  report: RunReport,
  { reportPath: path }: PublishContext
): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`)
  setOwnOutput('report-path', path)
}

function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
}

function setOutputs(report: RunReport): void {
  const { counts } = report
  setOwnOutput('status', report.status)
  setIdOutput('run-id', report.runId)
  setUrlOutput('report-url', report.url)
  if (report.status === 'queued' || (report.status === 'running' && counts.total === 0)) return
  setOwnOutput('total', counts.total)
  setOwnOutput('passed', counts.passed)
  // Errored tests did not pass either: `failed` counts both, so `failed > 0` means "look at this".
  setOwnOutput('failed', counts.failed + counts.errored)
  setOwnOutput('skipped', counts.skipped)
}

async function writeComment(report: RunReport, publishing: PublishContext): Promise<void> {
  const { settings, context, github, provider } = publishing
  if (settings.comment === 'off') return
  const pr = context.pullRequest
  if (!pr) {
    if (settings.comment === 'always')
      log.warning(
        'comment: always, but no pull request was found for this event; no comment written.'
      )
    return
  }
  if (!github) {
    log.warning('No github-token: the PR comment is skipped.')
    return
  }
  const marker = commentMarker(provider.name, report.targetId, context.job)
  try {
    const result = await upsertComment(
      github,
      { owner: context.owner, repo: context.repo, issueNumber: pr.number, marker },
      redact(commentBody(report, publishing.renderContext, marker)),
      log.info
    )
    log.info(`PR #${pr.number}: comment ${result.action} ${result.url}`)
  } catch (error) {
    const status = githubStatus(error)
    // A read-only token (a fork's PR) is expected and only a warning; a token GitHub rejects is a
    // misconfiguration to fix, so it fails the step like any sink that could not write.
    if (status === 401) throw tokenRejected(`writing the PR comment on PR #${pr.number}`)
    // A rate limit's 403 is no missing permission: like a 5xx, the comment could not be written.
    if ((status === 403 && !isRateLimited(error)) || status === 404) {
      log.warning(
        `Could not comment on PR #${pr.number} (HTTP ${status}): the token needs \`permissions: pull-requests: write\` ` +
          '(PRs from forks get a read-only token). The job summary has the full report.'
      )
      return
    }
    throw error
  }
}

function decide(
  report: RunReport,
  provider: Provider,
  settings: Settings,
  sinkFailures: string[],
  renderContext: RenderContext
): void {
  const problems: string[] = []
  const message = verdictMessage(report, provider, renderContext)
  const failing = failsByDefault(report.status, settings.allowNoTests)
  if (settings.failOn === 'failure' && failing) problems.push(message)
  else if (failing) log.warning(`${message} (fail-on: never)`)
  else log.info(message)
  if (sinkFailures.length > 0) problems.push(`Reporting failed — ${sinkFailures.join('; ')}`)
  if (problems.length > 0) log.fail(problems.join('\n'))
}

function verdictMessage(
  report: RunReport,
  provider: Provider,
  renderContext: RenderContext
): string {
  const where = report.url ? ` — ${report.url}` : ''
  const note = report.note ? `. ${report.note}` : ''
  switch (report.status) {
    case 'timed-out':
      return `${provider.displayName}: no verdict within ${renderContext.timeoutMinutes} minutes${where}`
    default:
      return `${provider.displayName}: ${verdictText(report)}${note}${where}`
  }
}

/**
 * A run without tests says what was asked for, so a team can see why nothing matched, and how to
 * accept an empty run.
 */
function explainNoTests(report: RunReport, settings: Settings): RunReport {
  if (report.status !== 'no-tests') return report
  const accept = settings.allowNoTests
    ? ''
    : ' Set `allow-no-tests: true` if a run without tests is acceptable.'
  const advice = `Selected: ${describeSelection(settings)}.${accept}`
  return { ...report, note: report.note ? `${report.note} ${advice}` : advice }
}

const SELECTION_INPUTS = [
  'target-id',
  'environment',
  'tags',
  'test-ids',
  'exclude-test-ids',
  'feature-id',
  'suite-id'
] as const

export function describeSelection(settings: Settings): string {
  const values: Record<(typeof SELECTION_INPUTS)[number], string | string[] | undefined> = {
    'target-id': settings.targetId,
    environment: settings.environment,
    tags: settings.tags,
    'test-ids': settings.testIds,
    'exclude-test-ids': settings.excludeTestIds,
    'feature-id': settings.featureId,
    'suite-id': settings.suiteId
  }
  const parts = SELECTION_INPUTS.flatMap((name) => {
    const value = values[name]
    const text = Array.isArray(value) ? value.join(', ') : value
    return text ? [`${name} ${text}`] : []
  })
  return parts.length > 0 ? parts.join('; ') : 'every test (no narrowing input was set)'
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
