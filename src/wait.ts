import * as core from '@actions/core'
import type { Settings } from './inputs.js'
import { log } from './log.js'
import { waitForVerdict, type PollOutcome } from './poll.js'
import type { Provider, RunHandle } from './providers/provider.js'
import { countTests, type RunReport } from './report/model.js'
import { judge } from './report/verdict.js'
import { STATE_FINISHED } from './state.js'

/**
 * Waiting for a started run's verdict: the poll loop with the provider's looks judged, the job's
 * cancellation, and a report for every way the wait can end.
 */

// The longest wait between two looks at a run, unless poll-interval-seconds asks for more.
const MAX_POLL_INTERVAL_MS = 30_000

export async function waitForReport(
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

export function startedReport(provider: Provider, handle: RunHandle): RunReport {
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
