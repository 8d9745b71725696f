/**
 * When to look at a run next: a pure function of what the poll loop knows. Times are ms since the
 * trigger's answer.
 *
 * With nothing known, looks come every `idleMs`. A predicted finish (from this run's tests done so
 * far, or from comparable earlier runs) is a window: looks approach it no further apart than
 * `idleMs` (only this run's own steady progress may stride further), come densely inside it, and
 * follow closely past it, a run that outlived its prediction being likely to end soon after.
 * Whatever the plan, looks keep under a request budget: by any time, no more requests (looks and
 * the history read) than one per `budgetMs` since the trigger.
 */

export interface Progress {
  /** Tests done at the last look, of `total`. */
  done: number
  total: number
  /** The first look that saw `done` tests done. */
  seenAtMs: number
  /** The last look before it, which saw fewer (0: the trigger). */
  beforeMs: number
}

export interface ScheduleState {
  /** Now, in ms since the trigger's answer. */
  nowMs: number
  /** The shortest wait between two looks (poll-interval-seconds). */
  floorMs: number
  /** The wait when nothing is known about the finish. */
  idleMs: number
  /** The longest wait on the way to a finish this run's progress predicts far off. */
  maxWaitMs: number
  /** Requests are kept to at most one per this many ms since the trigger, on average. */
  budgetMs: number
  /** Requests made since the trigger's answer: looks and the history read. */
  requests: number
  /** Durations of the target's comparable earlier runs, where the vendor lists them. */
  historyMs: readonly number[]
  /** The vendor's list could not show those runs ran as this one does (see History.unstated). */
  historyUnverified?: boolean
  progress?: Progress
}

/** When the run is expected to end: between lo and hi, ms since the trigger. */
export interface FinishWindow {
  lo: number
  hi: number
}

// Inside a window, spacing = this × idleMs × the window's width relative to its end: with the
// default 10 s, a window as wide as the run gets a look every 12 s, a ±15% one every ~4 s, one
// narrowed by progress every floorMs.
const DENSITY = 1.2
// Past a window, a look after this share of the time so far, at most this share of idleMs apart.
const PAST_SHARE = 0.3
const PAST_MAX_SHARE = 0.6
// Progress of at least this many tests may stride towards its window, each stride at most this
// share of the time already waited (so a run that ends early is seen within a quarter of its
// length) and maxWaitMs.
const STRIDE_MIN_DONE = 3
const STRIDE_SHARE = 0.25
// History widens its window by a tenth of the median each side, a fifth when it is unverified.
const MARGIN_SHARE = 0.1
const UNVERIFIED_MARGIN_SHARE = 0.2

export function nextWaitMs(state: ScheduleState): number {
  const allowedAtMs = (state.requests + 1) * state.budgetMs
  const planned = Math.max(state.floorMs, plannedWaitMs(state))
  return Math.round(Math.max(planned, allowedAtMs - state.nowMs))
}

function plannedWaitMs(state: ScheduleState): number {
  const window = predictedWindow(state)
  if (!window) return state.idleMs
  if (state.nowMs > window.hi) return pastWindowWait(state)
  const wait = nextLookInWindow(window, state) - state.nowMs
  if (state.nowMs >= window.lo || wait <= state.idleMs) return wait
  return approachStep(window, state)
}

/** The next of evenly spaced looks from max(now, lo) that end at the window's end. */
function nextLookInWindow(window: FinishWindow, state: ScheduleState): number {
  const spacing = Math.min(
    state.idleMs,
    Math.max(state.floorMs, DENSITY * state.idleMs * relativeWidth(window))
  )
  const from = Math.max(state.nowMs, window.lo)
  const looks = Math.max(1, Math.ceil((window.hi - from) / spacing))
  return from + (window.hi - from) / looks
}

/**
 * Idle steps towards a window; strides, up to its start, only where this run's own progress
 * puts it: history that is wrong must not cost more than an idle wait.
 */
function approachStep(window: FinishWindow, state: ScheduleState): number {
  const progress = progressWindow(state)
  const ownEvidence =
    progress !== undefined &&
    (state.progress?.done ?? 0) >= STRIDE_MIN_DONE &&
    window.lo <= progress.lo
  if (!ownEvidence) return state.idleMs
  const stride = Math.min(state.maxWaitMs, state.nowMs * STRIDE_SHARE, window.lo - state.nowMs)
  return Math.max(state.idleMs, stride)
}

/** A run that outlived its window most likely ends soon: follow closely, not a whole idle wait. */
function pastWindowWait(state: ScheduleState): number {
  return Math.min(PAST_MAX_SHARE * state.idleMs, PAST_SHARE * state.nowMs)
}

function relativeWidth(window: FinishWindow): number {
  return (window.hi - window.lo) / Math.max(window.hi, 1)
}

/**
 * Where the run is expected to end. Observation overrules history: this run's progress decides
 * when it disagrees with the earlier runs (the windows do not meet); where they agree, the end is
 * where both put it.
 */
export function predictedWindow(state: ScheduleState): FinishWindow | undefined {
  const history = historyWindow(state.historyMs, state.historyUnverified)
  const progress = progressWindow(state)
  if (!progress || !history) return progress ?? history
  const lo = Math.max(history.lo, progress.lo)
  const hi = Math.min(history.hi, progress.hi)
  return lo <= hi ? { lo, hi } : progress
}

/**
 * Recent durations, widened by a quarter of their spread (at least a tenth of the median, a fifth
 * when unverified) each side: a new run is drawn from the same spread, so it may land just
 * outside the ones seen.
 */
export function historyWindow(
  durations: readonly number[],
  unverified = false
): FinishWindow | undefined {
  const sorted = durations.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const min = sorted[0] ?? 0
  const max = sorted[sorted.length - 1] ?? 0
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0
  const share = unverified ? UNVERIFIED_MARGIN_SHARE : MARGIN_SHARE
  const margin = Math.max((max - min) / 4, median * share)
  return { lo: Math.max(0, min - margin), hi: max + margin }
}

/**
 * k of N tests done → the run ends near (time of the k-th) × N / k. The k-th finished between the
 * two looks around it, and tests are uneven: the window widens by 1/(2k) + 5% each side. A run
 * with no new test done since also cannot end before now × N / (k + 1).
 */
export function progressWindow(state: ScheduleState): FinishWindow | undefined {
  const p = state.progress
  if (!p || p.done < 1 || p.done >= p.total) return undefined
  const slack = 0.5 / p.done + 0.05
  const lo = Math.max(
    ((p.beforeMs * p.total) / p.done) * (1 - slack),
    ((state.nowMs * p.total) / (p.done + 1)) * (1 - slack)
  )
  return { lo, hi: Math.max(lo, ((p.seenAtMs * p.total) / p.done) * (1 + slack)) }
}
