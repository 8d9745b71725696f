import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { writeGroup } from '../../src/github/api.js'

/** When each of `count` calls through the write group starts, ms after the first was scheduled. */
async function startTimes(count: number): Promise<number[]> {
  const limiter = writeGroup().key('testgate')
  const started: number[] = []
  const t0 = Date.now()
  const calls = Array.from({ length: count }, () =>
    limiter.schedule(async () => {
      started.push(Date.now() - t0)
    })
  )
  await vi.advanceTimersByTimeAsync(10_000)
  await Promise.all(calls)
  return started
}

describe('the throttling plugin’s write group', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lets a run’s comment look-up and write go at once', async () => {
    const started = await startTimes(3)
    expect(Math.max(...started)).toBeLessThan(100)
  })

  it('holds a longer burst to one call a second', async () => {
    const started = await startTimes(6)
    expect(started.slice(3).every((at) => at >= 900)).toBe(true)
    expect(started[5]! - started[3]!).toBeGreaterThanOrEqual(1_800)
  })
})
