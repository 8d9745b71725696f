/**
 * When to look at a run next: a pure function of what the poll loop knows. Times are ms since the
 * trigger's answer, which was itself a look at the run.
 *
 * With nothing known, looks come every `idleMs`. A predicted finish (from the target's recent run
 * durations, or from how many tests are done so far) is a window: the schedule sleeps most of the
 * way to it, looks densely inside it, and backs off to `idleMs` past it.
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
  /** The longest wait on the way to a finish predicted far off. */
  maxWaitMs: number
  /** Durations of the target's recent finished runs, where the vendor lists them. */
  historyMs: readonly number[]
  progress?: Progress
  /** The previous wait, for backing off past a window. */
  lastWaitMs?: number
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
// On the way to a far window, a wait is at most this share of the time already waited, so a run
// that ends well before its prediction is still seen within a quarter of its length.
const APPROACH_SHARE = 0.25
const BACK_OFF = 1.5

export function nextWaitMs(state: ScheduleState): number {
  const window = predictedWindow(state)
  return clampWait(window ? waitFor(window, state) : state.idleMs, state)
}

function waitFor(window: FinishWindow, state: ScheduleState): number {
  if (state.nowMs < window.lo) return approach(window.lo, state)
  if (state.nowMs <= window.hi) return denseSpacing(window, state.idleMs)
  return Math.min(state.idleMs, (state.lastWaitMs ?? state.floorMs) * BACK_OFF)
}

/**
 * Most of the way to the window, in steps that grow with the time already waited; straight to it
 * when it is less than a step and a half away (a look just before it would tell little).
 */
function approach(lo: number, state: ScheduleState): number {
  const step = Math.max(state.idleMs, Math.min(state.maxWaitMs, state.nowMs * APPROACH_SHARE))
  return lo - state.nowMs <= step * 1.5 ? lo - state.nowMs : step
}

function denseSpacing(window: FinishWindow, idleMs: number): number {
  return DENSITY * idleMs * relativeWidth(window)
}

function clampWait(ms: number, state: ScheduleState): number {
  return Math.round(Math.max(state.floorMs, Math.min(ms, Math.max(state.idleMs, state.maxWaitMs))))
}

/** The narrower (relative to its end) of the windows history and progress give. */
export function predictedWindow(state: ScheduleState): FinishWindow | undefined {
  const candidates = [historyWindow(state.historyMs), progressWindow(state)].filter(
    (window): window is FinishWindow => window !== undefined
  )
  return candidates.sort((a, b) => relativeWidth(a) - relativeWidth(b))[0]
}

function relativeWidth(window: FinishWindow): number {
  return (window.hi - window.lo) / Math.max(window.hi, 1)
}

/**
 * Recent durations, widened by a quarter of their spread (at least a tenth of the median) each
 * side: a new run is drawn from the same spread, so it may land just outside the ones seen.
 */
export function historyWindow(durations: readonly number[]): FinishWindow | undefined {
  const sorted = durations.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const min = sorted[0] ?? 0
  const max = sorted[sorted.length - 1] ?? 0
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0
  const margin = Math.max((max - min) / 4, median / 10)
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
