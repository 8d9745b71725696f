import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  createGitHubClient,
  findPullRequestForCommit,
  githubStatus,
  upsertComment,
  type GitHubClient
} from './github-api.js'
import {
  contextFromEnvironment,
  needsPullRequestLookup,
  readEventPayload,
  type RunContext
} from './github-context.js'
import { parseInputs, PROVIDER_SPECIFIC_INPUTS, type Settings } from './inputs.js'
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
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

async function pipeline(env: NodeJS.ProcessEnv): Promise<void> {
  maskSecrets()
  const settings = parseInputs((name) => core.getInput(name), providerNames())
  const context = contextFromEnvironment(env, readEventPayload(env.GITHUB_EVENT_PATH))
  const deadline = Date.now() + settings.timeoutMinutes * 60_000
  const provider = createProvider(settings, {
    log: core.info,
    warn: core.warning,
    client: { deadline }
  })
  const request = { settings, context }
  warnAboutIgnoredInputs(settings, provider)
  const deploymentState = context.deployment?.state
  if (deploymentState && deploymentState !== 'success') {
    core.warning(
      `The deployment's status is "${deploymentState}", not "success": testing it anyway. ` +
        "Add `if: github.event.deployment_status.state == 'success'` to the step to test finished deployments only."
    )
  }
  provider.validate(request)

  const github = settings.githubToken
    ? createGitHubClient(settings.githubToken, env.GITHUB_API_URL)
    : undefined
  if (github && needsPullRequestLookup(context)) await lookUpPullRequest(github, context)

  const handle = await trigger(provider, request)
  core.saveState(STATE_HANDLE, JSON.stringify({ provider: provider.name, handle }))
  core.info(
    `Started ${provider.displayName} run ${handle.runId}${handle.url ? `: ${handle.url}` : ''}`
  )
  core.setOutput('run-id', handle.runId)
  if (handle.url) core.setOutput('report-url', handle.url)

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

function warnAboutIgnoredInputs(settings: Settings, provider: Provider): void {
  for (const name of settings.given) {
    const specific = (PROVIDER_SPECIFIC_INPUTS as readonly string[]).includes(name)
    if (specific && !(provider.inputs as readonly string[]).includes(name)) {
      core.warning(`Input "${name}" does not apply to ${provider.displayName}; it is ignored.`)
    }
  }
}

async function lookUpPullRequest(github: GitHubClient, context: RunContext): Promise<void> {
  try {
    context.pullRequest = await findPullRequestForCommit(github, context)
    if (context.pullRequest)
      core.info(`Commit ${context.sha.slice(0, 7)} belongs to PR #${context.pullRequest.number}`)
  } catch (error) {
    core.warning(
      `Could not look up the PR of commit ${context.sha.slice(0, 7)}: ${errorMessage(error)}`
    )
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
  const intervalMs = settings.pollIntervalSeconds * 1000
  // The runner signals a cancelled job with SIGINT (then SIGTERM): stop waiting and report what
  // is known; the post step then asks the vendor to stop the run.
  const cancellation = new AbortController()
  const onSignal = (): void => {
    core.info('The job is being cancelled: testgate stops waiting and reports what it has seen.')
    cancellation.abort()
  }
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  const outcome = await waitForVerdict({
    signal: cancellation.signal,
    observe: async () => judge(await provider.observe(handle)),
    intervalMs,
    maxIntervalMs: Math.max(intervalMs, MAX_POLL_INTERVAL_MS),
    deadline,
    label: `${provider.displayName} run ${handle.runId}`,
    onProgress: core.info,
    onTransientError: (error) => core.info(`${error.message} — will look again`)
  })
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  // A run left behind by a cancelled job is the post step's to stop; any other outcome is final.
  if (outcome.kind !== 'aborted') core.saveState(STATE_FINISHED, 'true')
  return finalReport(outcome, provider, handle, settings)
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
async function publish(report: RunReport, publishing: PublishContext): Promise<string[]> {
  const failures: string[] = []
  const attempt = async (sink: string, write: () => Promise<void>): Promise<void> => {
    try {
      await write()
    } catch (error) {
      failures.push(`${sink}: ${errorMessage(error)}`)
      core.error(`Could not write the ${sink}: ${errorMessage(error)}`)
    }
  }
  // The report file goes first: whatever fails later, the data is on disk.
  await attempt('report file', () => writeReportFile(report, publishing))
  setOutputs(report)
  const { settings, renderContext } = publishing
  if (renderContext.startedOnly && (settings.junitPath || settings.testmo)) {
    core.info('No verdict to publish yet (wait: false): the JUnit file and Testmo are skipped.')
  } else {
    if (settings.junitPath) await attempt('JUnit file', () => writeJunit(report, publishing))
    // Before the summary and the comment, so both can link to the Testmo run.
    if (settings.testmo) await attempt('Testmo run', () => publishToTestmo(report, publishing))
  }
  if (settings.summary) {
    await attempt('job summary', async () => {
      await core.summary.addRaw(summaryMarkdown(report, renderContext)).write()
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
  await writeFile(path, junitXml(report, provider.displayName))
  core.setOutput('junit-path', path)
  core.info(`JUnit XML of ${report.counts.total} tests written to ${path}`)
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
    log: core.info
  })
  const publisher = new TestmoPublisher(client, testmo, core.info, (runId, runUrl) => {
    core.setOutput('testmo-run-id', runId)
    core.setOutput('testmo-run-url', runUrl)
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
  core.info(
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
  core.setOutput('report-path', path)
}

function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
}

function setOutputs(report: RunReport): void {
  const { counts } = report
  core.setOutput('status', report.status)
  core.setOutput('run-id', report.runId)
  if (report.url) core.setOutput('report-url', report.url)
  if (report.status === 'queued' || (report.status === 'running' && counts.total === 0)) return
  core.setOutput('total', counts.total)
  core.setOutput('passed', counts.passed)
  // Errored tests did not pass either: `failed` counts both, so `failed > 0` means "look at this".
  core.setOutput('failed', counts.failed + counts.errored)
  core.setOutput('skipped', counts.skipped)
}

async function writeComment(report: RunReport, publishing: PublishContext): Promise<void> {
  const { settings, context, github, provider } = publishing
  if (settings.comment === 'off') return
  const pr = context.pullRequest
  if (!pr) {
    if (settings.comment === 'always')
      core.warning(
        'comment: always, but no pull request was found for this event; no comment written.'
      )
    return
  }
  if (!github) {
    core.warning('No github-token: the PR comment is skipped.')
    return
  }
  const marker = commentMarker(provider.name, report.targetId, context.job)
  try {
    const result = await upsertComment(
      github,
      { owner: context.owner, repo: context.repo, issueNumber: pr.number, marker },
      commentBody(report, publishing.renderContext, marker)
    )
    core.info(`PR #${pr.number}: comment ${result.action} ${result.url}`)
  } catch (error) {
    const status = githubStatus(error)
    if (status === 403 || status === 404) {
      core.warning(
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
  else if (failing) core.warning(`${message} (fail-on: never)`)
  else core.info(message)
  if (sinkFailures.length > 0) problems.push(`Reporting failed — ${sinkFailures.join('; ')}`)
  if (problems.length > 0) core.setFailed(problems.join('\n'))
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
