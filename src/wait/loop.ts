import { defaultSleep, VendorError } from '../core/http.js'
import { nextWaitMs, type Progress } from './schedule.js'
import { NO_HISTORY, type History } from '../vendors/history.js'
import { isTerminal, type RunReport } from '../report/model.js'
import { formatDuration } from '../core/text.js'

export interface PollOptions {
  /** One look at the run. */
  observe: () => Promise<RunReport>
  /** The shortest wait between two looks (poll-interval-seconds). */
  floorMs: number
  /** The wait between looks while nothing is known about when the run ends. */
  idleMs: number
  /** The longest wait on the way to a finish this run's progress predicts far off. */
  maxWaitMs: number
  /** Requests are kept to at most one per this many ms since the trigger, on average. */
  budgetMs: number
  /**
   * The target's comparable earlier runs, read once, after the first look that found the run
   * still going (a run already over needs none); the read counts as a request.
   */
  history?: (run: RunReport) => Promise<History>
  /**
   * The trigger's answer carried the run's state: the first look comes this long after it (a run
   * may be over already, or fail fast). Undefined: look at once.
   */
  firstLookMs?: number
  /** Epoch ms of the trigger's answer; default: when the wait starts. */
  startedAt?: number
  /** Epoch ms: no look starts after it. */
  deadline: number
  /** A line for the log whenever status or counts change, and now and then on a long quiet run. */
  onProgress: (line: string) => void
  /** A look that failed but may succeed later (network, 5xx, 429). */
  onTransientError: (error: VendorError) => void
  label: string
  heartbeatMs?: number
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Aborted when the job is being cancelled: the wait ends at once, as 'aborted'. */
  signal?: AbortSignal
}

export type PollOutcome =
  | { kind: 'verdict'; report: RunReport; looks: number }
  | { kind: 'timed-out'; report?: RunReport; looks: number }
  | { kind: 'lost'; report?: RunReport; looks: number; error: Error }
  | { kind: 'aborted'; report?: RunReport; looks: number }

/** What the loop has learnt so far; the schedule reads it. */
interface Seen {
  looks: number
  last?: RunReport
  lastKey: string
  lastLineAt: number
  lastLookMs: number
  progress?: Progress
  /** Looks and the history read. */
  requests: number
  /** Undefined until read. */
  history?: History
  /** A vendor's Retry-After: a floor for the next wait, whatever the schedule says. */
  retryAfterMs: number
}

/**
 * Looks at the run until it reaches a terminal status or the deadline passes: right away, or
 * `firstLookMs` after a trigger whose answer was a look, then when nextWaitMs() says. Never
 * sleeps after the verdict. Transient errors are survived until the deadline; any other error
 * ends the wait as 'lost' with the last report seen.
 */
export async function waitForVerdict(options: PollOptions): Promise<PollOutcome> {
  const now = options.now ?? Date.now
  const startedAt = options.startedAt ?? now()
  const seen: Seen = {
    looks: 0,
    lastKey: '',
    lastLineAt: startedAt,
    lastLookMs: 0,
    retryAfterMs: 0,
    requests: 0
  }
  let waitMs = options.firstLookMs
  for (;;) {
    if (waitMs !== undefined) {
      const remaining = options.deadline - now()
      if (remaining <= 0) return { kind: 'timed-out', report: seen.last, looks: seen.looks }
      // The last wait ends at the deadline, so one final look still sees a verdict that came in time.
      await (options.sleep ?? defaultSleep)(Math.min(waitMs, remaining), options.signal)
    }
    if (options.signal?.aborted) return { kind: 'aborted', report: seen.last, looks: seen.looks }
    const outcome = await lookOnce(options, seen, now() - startedAt, startedAt)
    if (outcome) return outcome
    if (seen.history === undefined && seen.last) await readHistoryOnce(options, seen, seen.last)
    waitMs = Math.max(nextWait(options, seen, now() - startedAt), seen.retryAfterMs)
  }
}

/**
 * The history, once, with the run as the first look saw it; counted as a request when read. It
 * only predicts: a failed read is no history, never a failed wait.
 */
async function readHistoryOnce(options: PollOptions, seen: Seen, run: RunReport): Promise<void> {
  seen.history = NO_HISTORY
  if (!options.history) return
  seen.requests++
  seen.history = await options.history(run).catch(() => NO_HISTORY)
}

function nextWait(options: PollOptions, seen: Seen, nowMs: number): number {
  return nextWaitMs({
    nowMs,
    floorMs: options.floorMs,
    idleMs: options.idleMs,
    maxWaitMs: options.maxWaitMs,
    budgetMs: options.budgetMs,
    requests: seen.requests,
    historyMs: seen.history?.durationsMs ?? [],
    historyUnverified: (seen.history?.unstated.length ?? 0) > 0,
    progress: seen.progress
  })
}

/** One look: the outcome when it ends the wait, else undefined with `seen` updated. */
async function lookOnce(
  options: PollOptions,
  seen: Seen,
  atMs: number,
  startedAt: number
): Promise<PollOutcome | undefined> {
  seen.looks++
  seen.requests++
  seen.retryAfterMs = 0
  try {
    const report = await options.observe()
    seen.last = report
    noteProgress(seen, report, atMs)
    logChange(options, seen, report, startedAt)
    seen.lastLookMs = atMs
    if (isTerminal(report.status)) return { kind: 'verdict', report, looks: seen.looks }
  } catch (error) {
    if (!(error instanceof VendorError) || !error.transient) {
      return { kind: 'lost', report: seen.last, looks: seen.looks, error: error as Error }
    }
    options.onTransientError(error)
    seen.retryAfterMs = error.retryAfterMs ?? 0
  }
  return undefined
}

/** A new count of finished tests restarts the progress estimate from this look. */
function noteProgress(seen: Seen, report: RunReport, atMs: number): void {
  const { total, pending } = report.counts
  const done = total - pending
  if (seen.progress?.done === done && seen.progress.total === total) return
  seen.progress = { done, total, seenAtMs: atMs, beforeMs: seen.lastLookMs }
}

function logChange(options: PollOptions, seen: Seen, report: RunReport, startedAt: number): void {
  const now = options.now ?? Date.now
  const key = progressKey(report)
  if (key === seen.lastKey && now() - seen.lastLineAt < (options.heartbeatMs ?? 120_000)) return
  options.onProgress(
    `${options.label}: ${describeProgress(report)} [${formatDuration(now() - startedAt)}]`
  )
  seen.lastLineAt = now()
  seen.lastKey = key
}

function progressKey(report: RunReport): string {
  return `${report.status}|${report.phase ?? ''}|${JSON.stringify(report.counts)}`
}

export function describeProgress(report: RunReport): string {
  const { counts } = report
  const status = report.phase ? `${report.status} (${report.phase})` : report.status
  if (counts.total === 0) return status
  const done = counts.total - counts.pending
  const parts = [`${counts.passed} passed`]
  if (counts.failed) parts.push(`${counts.failed} failed`)
  if (counts.errored) parts.push(`${counts.errored} errored`)
  if (counts.skipped) parts.push(`${counts.skipped} skipped`)
  return `${status} — ${done} of ${counts.total} tests done (${parts.join(', ')})`
}
