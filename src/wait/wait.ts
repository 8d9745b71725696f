import * as core from '@actions/core'
import type { Settings } from '../core/inputs.js'
import { log } from '../core/log.js'
import { waitForVerdict, type PollOutcome } from './loop.js'
import { NO_HISTORY, type History } from '../vendors/history.js'
import type { Provider, RunHandle, TriggerRequest } from '../vendors/provider.js'
import { countTests, type RunReport } from '../report/model.js'
import { judge } from '../report/verdict.js'
import { STATE_FINISHED } from '../core/state.js'
import { plural } from '../core/text.js'

/**
 * Waiting for a started run's verdict: the poll loop with the provider's looks judged, the job's
 * cancellation, and a report for every way the wait can end.
 */

// The trigger's answer shows the run starting; a second look this soon sees one that was over
// already or failed at once.
const FIRST_LOOK_MS = 1_000
// With nothing known about when a run ends, a look every 10 s (or poll-interval-seconds, if
// longer): the median lateness is 5 s, and half the looks of a fixed 5 s loop.
const IDLE_INTERVAL_MS = 10_000
// On the way to a finish this run's progress predicts far off, no wait is longer than this.
const MAX_WAIT_MS = 60_000
// Never more requests than one per 5 s since the trigger: Octomind's own action looks every 5 s,
// and by any moment testgate has made at least one request fewer.
const REQUEST_BUDGET_MS = 5_000
// A history look-up is a nicety: it never holds up the wait for longer than this.
const HISTORY_TIMEOUT_MS = 3_000

/** The poll loop's clock; the benchmark gives a simulated one. */
export interface WaitClock {
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export async function waitForReport(
  provider: Provider,
  handle: RunHandle,
  request: TriggerRequest,
  deadline: number,
  clock?: WaitClock
): Promise<RunReport> {
  const { settings } = request
  const scale = pollScale(process.env.TESTGATE_POLL_SCALE)
  const startedAt = (clock?.now ?? Date.now)()
  // The runner signals a cancelled job with SIGINT (then SIGTERM): stop waiting and report what
  // is known; the post step then asks the vendor to stop the run.
  const cancellation = new AbortController()
  const onSignal = (): void => {
    log.info('The job is being cancelled: testgate stops waiting and reports what it has seen.')
    cancellation.abort()
  }
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  const floorMs = settings.pollIntervalSeconds * 1000 * scale
  // A re-run repeats a few failed tests: the target's full runs say nothing of how long it takes.
  const history =
    provider.capabilities.history && !request.rerun
      ? (run: RunReport) => readHistory(provider, request, run, HISTORY_TIMEOUT_MS * scale)
      : undefined
  const outcome = await waitForVerdict({
    signal: cancellation.signal,
    observe: async () => judge(await provider.observe(handle)),
    floorMs,
    idleMs: Math.max(floorMs, IDLE_INTERVAL_MS * scale),
    maxWaitMs: Math.max(floorMs, MAX_WAIT_MS * scale),
    budgetMs: REQUEST_BUDGET_MS * scale,
    history,
    // The trigger's answer gave the run's state: the first look comes a moment later.
    firstLookMs: FIRST_LOOK_MS * scale,
    startedAt,
    deadline,
    label: `${provider.displayName} run ${handle.runId}`,
    onProgress: log.info,
    onTransientError: (error) => log.info(`${error.message} — will look again`),
    ...clock
  })
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  // A run left behind by a cancelled job is the post step's to stop; any other outcome is final.
  if (outcome.kind !== 'aborted') core.saveState(STATE_FINISHED, 'true')
  return finalReport(outcome, provider, handle, settings)
}

export function historyLine(vendor: string, answer: History | 'timeout'): string {
  if (answer === 'timeout') return `No history: ${vendor} took too long to list recent runs.`
  const others = answer.leftOut > 0 ? ` (${answer.leftOut} left out: they ran otherwise)` : ''
  if (answer.durationsMs.length === 0)
    return `No history: ${vendor} lists no finished run like this one yet${others}.`
  const unverified =
    answer.unstated.length > 0
      ? `; weighed low, as ${vendor}'s list does not say their ${answer.unstated.join(' or ')}`
      : ''
  const runs = plural(answer.durationsMs.length, `recent ${vendor} run`)
  return `History: ${runs} like this one to predict its end${others}${unverified}.`
}

/**
 * The target's recent runs that may predict this one's end (see Provider.history). An extra read
 * that never fails the step: any error or a slow answer means "no history".
 */
export async function readHistory(
  provider: Provider,
  request: TriggerRequest,
  run: RunReport,
  timeoutMs: number
): Promise<History> {
  if (!provider.capabilities.history) return NO_HISTORY
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const answer = await Promise.race([provider.history(request, run), timeout])
    log.info(historyLine(provider.displayName, answer))
    return answer === 'timeout' ? NO_HISTORY : answer
  } catch (error) {
    log.info(`No history: ${(error as Error).message}`)
    return NO_HISTORY
  } finally {
    clearTimeout(timer)
  }
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
    const stop = provider.capabilities.cancel
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
