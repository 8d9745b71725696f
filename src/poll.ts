import { defaultSleep, VendorError } from './http.js'
import { isTerminal, type RunReport } from './report/model.js'
import { formatDuration } from './text.js'

export interface PollOptions {
  /** One look at the run. */
  observe: () => Promise<RunReport>
  /** First wait between looks; it grows while nothing changes. */
  intervalMs: number
  /** The longest wait between looks. */
  maxIntervalMs: number
  /** Epoch ms: no look starts after it. */
  deadline: number
  /** A line for the log whenever status or counts change, and now and then on a long quiet run. */
  onProgress: (line: string) => void
  /** A look that failed but may succeed later (network, 5xx, 429). */
  onTransientError: (error: VendorError) => void
  label: string
  heartbeatMs?: number
  growth?: number
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

/**
 * Looks at the run right away, then at a growing interval until it reaches a terminal status or the
 * deadline passes. Never sleeps after the verdict. Transient errors are survived until the deadline;
 * any other error ends the wait as 'lost' with the last report seen.
 */
export async function waitForVerdict(options: PollOptions): Promise<PollOutcome> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const growth = options.growth ?? 1.5
  const heartbeatMs = options.heartbeatMs ?? 120_000
  const startedAt = now()
  let interval = options.intervalMs
  let last: RunReport | undefined
  let lastKey = ''
  let lastLineAt = startedAt
  let looks = 0

  for (;;) {
    if (options.signal?.aborted) return { kind: 'aborted', report: last, looks }
    // A vendor's Retry-After is a floor for the next wait, whatever the interval says.
    let floorMs = 0
    looks++
    try {
      const report = await options.observe()
      last = report
      const key = progressKey(report)
      if (key !== lastKey || now() - lastLineAt >= heartbeatMs) {
        options.onProgress(
          `${options.label}: ${describeProgress(report)} [${formatDuration(now() - startedAt)}]`
        )
        lastLineAt = now()
        if (key !== lastKey) interval = options.intervalMs
        lastKey = key
      } else {
        interval = Math.min(options.maxIntervalMs, interval * growth)
      }
      if (isTerminal(report.status)) return { kind: 'verdict', report, looks }
    } catch (error) {
      if (!(error instanceof VendorError) || !error.transient) {
        return { kind: 'lost', report: last, looks, error: error as Error }
      }
      options.onTransientError(error)
      interval = Math.min(options.maxIntervalMs, interval * growth)
      floorMs = error.retryAfterMs ?? 0
    }
    const remaining = options.deadline - now()
    if (remaining <= 0) return { kind: 'timed-out', report: last, looks }
    // The last wait ends at the deadline, so one final look still sees a verdict that came in time.
    await sleep(Math.min(Math.max(interval, floorMs), remaining), options.signal)
  }
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
