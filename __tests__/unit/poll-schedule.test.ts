import { describe, expect, it } from 'vitest'
import {
  historyWindow,
  nextWaitMs,
  predictedWindow,
  progressWindow,
  type ScheduleState
} from '../../src/poll-schedule.js'

const base: ScheduleState = {
  nowMs: 0,
  floorMs: 1_000,
  idleMs: 10_000,
  maxWaitMs: 60_000,
  historyMs: []
}

const at = (nowMs: number, more: Partial<ScheduleState> = {}) =>
  nextWaitMs({ ...base, nowMs, ...more })

describe('nextWaitMs', () => {
  it('looks every idle interval when nothing is known', () => {
    expect(at(0)).toBe(10_000)
    expect(at(1_800_000)).toBe(10_000)
  })

  it('never waits less than the floor', () => {
    expect(at(0, { idleMs: 500 })).toBe(1_000)
    expect(at(0, { historyMs: [500] })).toBe(1_000)
  })

  it('sleeps straight to a window that is near', () => {
    // Runs of 12–13 s: the window opens at 10.75 s, a little beyond one idle interval.
    expect(at(0, { historyMs: [12_000, 12_500, 13_000] })).toBe(10_750)
  })

  it('approaches a far window in waits that grow with the time waited, up to the longest wait', () => {
    const historyMs = [3_600_000, 3_500_000, 3_700_000]
    expect(at(0, { historyMs })).toBe(10_000)
    expect(at(100_000, { historyMs })).toBe(25_000)
    expect(at(1_000_000, { historyMs })).toBe(60_000)
  })

  it('looks densely inside the window, more densely the narrower it is', () => {
    const wide = at(100_000, { historyMs: [85_000, 100_000, 115_000] })
    const narrow = at(100_000, { historyMs: [98_000, 100_000, 102_000] })
    expect(wide).toBeLessThan(5_000)
    expect(narrow).toBeLessThan(wide)
  })

  it('backs off past the window, up to the idle interval', () => {
    const historyMs = [60_000]
    expect(at(80_000, { historyMs, lastWaitMs: 2_000 })).toBe(3_000)
    expect(at(90_000, { historyMs, lastWaitMs: 8_000 })).toBe(10_000)
  })
})

describe('predicted windows', () => {
  it('history: the durations seen, widened by a quarter of their spread', () => {
    expect(historyWindow([100_000, 80_000, 120_000])).toEqual({ lo: 70_000, hi: 130_000 })
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

  it('takes the narrower of history and progress', () => {
    const progress = { done: 19, total: 20, seenAtMs: 570_000, beforeMs: 565_000 }
    const window = predictedWindow({
      ...base,
      nowMs: 575_000,
      historyMs: [500_000, 600_000, 700_000],
      progress
    })
    expect(window).toEqual(progressWindow({ ...base, nowMs: 575_000, progress }))
  })
})
