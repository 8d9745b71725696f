import { describe, expect, it } from 'vitest'
import {
  historyWindow,
  nextWaitMs,
  predictedWindow,
  progressWindow,
  type ScheduleState
} from '../../src/wait/schedule.js'

// A budget of one request per 10 ms never binds, except in the tests of the budget itself.
const base: ScheduleState = {
  nowMs: 0,
  floorMs: 1_000,
  idleMs: 10_000,
  maxWaitMs: 60_000,
  budgetMs: 10,
  requests: 0,
  historyMs: []
}

const at = (nowMs: number, more: Partial<ScheduleState> = {}) =>
  nextWaitMs({ ...base, nowMs, ...more })

/** The looks the schedule makes from `fromMs` until `untilMs`, with this state otherwise. */
function looksUntil(untilMs: number, more: Partial<ScheduleState>, fromMs = 1_000): number[] {
  const looks = [fromMs]
  while (looks.at(-1)! < untilMs) {
    const now = looks.at(-1)!
    looks.push(now + at(now, { ...more, requests: looks.length + (more.requests ?? 0) }))
  }
  return looks
}

describe('nextWaitMs', () => {
  it('looks every idle interval when nothing is known', () => {
    expect(at(0)).toBe(10_000)
    expect(at(1_800_000)).toBe(10_000)
  })

  it('never waits less than the floor', () => {
    expect(at(0, { idleMs: 500 })).toBe(1_000)
    expect(at(2_000, { historyMs: [1_000, 1_000] })).toBe(1_000)
  })

  it('goes straight to the first look in a window less than an idle wait away', () => {
    // Runs of 12–13 s: the window is 10.75–14.25 s, with looks at 12.5 s and at its end.
    expect(at(3_000, { historyMs: [12_000, 12_500, 13_000] })).toBe(9_500)
    expect(at(1_000, { historyMs: [12_000, 12_500, 13_000] })).toBe(10_000)
  })

  it('approaches a window history predicts far off in idle steps, never longer', () => {
    const historyMs = [3_600_000, 3_500_000, 3_700_000]
    expect(at(0, { historyMs })).toBe(10_000)
    expect(at(1_000_000, { historyMs })).toBe(10_000)
  })

  it('strides towards the end this run’s own steady progress predicts', () => {
    // 10 of 40 tests done by 450 s: the end is near 1,800 s.
    const progress = { done: 10, total: 40, seenAtMs: 450_000, beforeMs: 440_000 }
    expect(at(460_000, { progress })).toBe(60_000)
    expect(at(460_000, { progress: { ...progress, done: 2, total: 8 } })).toBe(10_000)
  })

  it('looks densely inside the window, more densely the narrower it is', () => {
    const wide = at(100_000, { historyMs: [85_000, 100_000, 115_000] })
    const narrow = at(100_000, { historyMs: [98_000, 100_000, 102_000] })
    expect(wide).toBeLessThan(5_000)
    expect(narrow).toBeLessThan(wide)
  })

  it('weighs history the vendor cannot show comparable lower: a wider window, looked at less densely', () => {
    const historyMs = [99_000, 100_000, 101_000]
    expect(at(100_000, { historyMs, historyUnverified: true })).toBeGreaterThan(
      at(100_000, { historyMs })
    )
  })

  it('follows a run past its window closely, at most 6 s apart, not a whole idle wait', () => {
    const historyMs = [20_000, 21_000, 22_000]
    expect(at(30_000, { historyMs })).toBe(6_000)
    expect(at(26_000, { historyMs, idleMs: 30_000 })).toBe(7_800)
  })

  it('keeps to one request per budget interval since the trigger, whatever the plan', () => {
    // The first look and the history read at 1 s: the next look is the third request, at 15 s.
    expect(at(1_000, { budgetMs: 5_000, requests: 2 })).toBe(14_000)
    expect(at(1_000, { budgetMs: 5_000, requests: 2, historyMs: [5_000, 6_000] })).toBe(14_000)
    expect(at(60_000, { budgetMs: 5_000, requests: 3 })).toBe(10_000)
  })
})

describe('misleading history costs no more than an idle wait', () => {
  it('a run that fails early is seen within an idle wait of its end, runs 30 % longer or not', () => {
    const historyMs = [780_000, 800_000, 820_000]
    const looks = looksUntil(600_000, { historyMs })
    const gaps = looks.slice(1).map((look, i) => look - looks[i]!)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10_000)
  })

  it('progress that disagrees with history wins', () => {
    // History says 800 s, narrowly; 4 of 8 tests done at 300 s say 600 s, more loosely.
    const progress = { done: 4, total: 8, seenAtMs: 300_000, beforeMs: 295_000 }
    const historyMs = [800_000, 800_000, 800_000]
    const window = predictedWindow({ ...base, nowMs: 305_000, historyMs, progress })
    expect(window).toEqual(progressWindow({ ...base, nowMs: 305_000, progress }))
  })

  it('a run longer than every earlier one is followed, not left for the idle grid', () => {
    const looks = looksUntil(40_000, { historyMs: [25_000, 26_000, 27_000] }, 30_000)
    expect(looks.slice(0, 3)).toEqual([30_000, 36_000, 42_000])
  })
})

describe('predicted windows', () => {
  it('history: the durations seen, widened by a quarter of their spread', () => {
    expect(historyWindow([100_000, 80_000, 120_000])).toEqual({ lo: 70_000, hi: 130_000 })
    expect(historyWindow([100_000])).toEqual({ lo: 90_000, hi: 110_000 })
    expect(historyWindow([100_000], true)).toEqual({ lo: 80_000, hi: 120_000 })
    expect(historyWindow([])).toBeUndefined()
    expect(historyWindow([Number.NaN, -1])).toBeUndefined()
  })

  it('progress: k of N tests done after t puts the end near t·N/k', () => {
    const window = progressWindow({
      ...base,
      nowMs: 300_000,
      progress: { done: 9, total: 10, seenAtMs: 270_000, beforeMs: 265_000 }
    })
    expect(window!.lo).toBeGreaterThan(250_000)
    expect(window!.lo).toBeLessThan(300_000)
    expect(window!.hi).toBeGreaterThan(300_000)
    expect(window!.hi).toBeLessThan(340_000)
  })

  it('progress: none before the first test is done, none once all are', () => {
    const progress = { done: 0, total: 5, seenAtMs: 10_000, beforeMs: 0 }
    expect(progressWindow({ ...base, progress })).toBeUndefined()
    expect(progressWindow({ ...base, progress: { ...progress, done: 5 } })).toBeUndefined()
  })

  it('where history and progress agree, the end is where both put it', () => {
    const progress = { done: 19, total: 20, seenAtMs: 570_000, beforeMs: 565_000 }
    const window = predictedWindow({
      ...base,
      nowMs: 575_000,
      historyMs: [620_000, 630_000, 640_000],
      progress
    })
    const own = progressWindow({ ...base, nowMs: 575_000, progress })!
    const earlier = historyWindow([620_000, 630_000, 640_000])!
    expect(window).toEqual({
      lo: Math.max(own.lo, earlier.lo),
      hi: Math.min(own.hi, earlier.hi)
    })
    expect(window!.lo).toBeGreaterThan(own.lo)
  })
})
