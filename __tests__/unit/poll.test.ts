import { describe, expect, it } from 'vitest'
import { VendorError } from '../../src/core/http.js'
import { formatDuration } from '../../src/core/text.js'
import { describeProgress, waitForVerdict, type PollOptions } from '../../src/wait/loop.js'
import {
  countTests,
  type RunReport,
  type RunStatus,
  type TestResult
} from '../../src/report/model.js'

function report(status: RunStatus, statuses: TestResult['status'][] = []): RunReport {
  const tests = statuses.map((s, i) => ({ id: String(i), name: `t${i}`, status: s, links: [] }))
  return { provider: 'x', runId: 'r', status, counts: countTests(tests), tests }
}

/** A clock that only moves when the poll loop sleeps. */
function fakeTime() {
  let now = 0
  const sleeps: number[] = []
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
    },
    sleeps
  }
}

/** waitForVerdict on the fake clock, with quiet callbacks unless a test gives its own. */
function poll(
  time: ReturnType<typeof fakeTime>,
  observe: () => Promise<RunReport>,
  options: Partial<PollOptions> = {}
) {
  return waitForVerdict({
    observe,
    floorMs: 1000,
    idleMs: 1000,
    maxWaitMs: 30_000,
    budgetMs: 1,
    deadline: 60_000,
    label: 'run',
    onProgress: () => {},
    onTransientError: () => {},
    now: time.now,
    sleep: time.sleep,
    ...options
  })
}

describe('waitForVerdict', () => {
  it('looks at once, then every idle interval while nothing is known, and stops at the verdict without a last sleep', async () => {
    const time = fakeTime()
    const states = [
      report('running'),
      report('running'),
      report('running'),
      report('running'),
      report('passed')
    ]
    const lines: string[] = []
    const outcome = await poll(time, async () => states.shift() ?? report('passed'), {
      idleMs: 2000,
      onProgress: (line) => lines.push(line)
    })
    expect(outcome.kind).toBe('verdict')
    expect(outcome.looks).toBe(5)
    expect(time.sleeps).toEqual([2000, 2000, 2000, 2000])
    expect(lines).toEqual(['run: running [0s]', 'run: passed [8s]'])
  })

  it('looks a moment after a trigger that carried the state, then on the schedule', async () => {
    const time = fakeTime()
    const lookedAt: number[] = []
    const outcome = await poll(
      time,
      async () => {
        lookedAt.push(time.now())
        return report(time.now() >= 20_000 ? 'passed' : 'running')
      },
      { idleMs: 10_000, firstLookMs: 1_000 }
    )
    expect(outcome).toMatchObject({ kind: 'verdict', looks: 3 })
    expect(lookedAt).toEqual([1_000, 11_000, 21_000])
  })

  it('reads no history for a run the first look finds over', async () => {
    const time = fakeTime()
    let reads = 0
    const outcome = await poll(time, async () => report('passed'), {
      firstLookMs: 1_000,
      history: async () => {
        reads++
        return { durationsMs: [], leftOut: 0, unstated: [] }
      }
    })
    expect(outcome).toMatchObject({ kind: 'verdict', looks: 1 })
    expect(time.now()).toBe(1_000)
    expect(reads).toBe(0)
  })

  it('reads the history once, with the run as the first look saw it, and counts it as a request', async () => {
    const time = fakeTime()
    const seenBy: number[] = []
    const lookedAt: number[] = []
    await poll(
      time,
      async () => {
        lookedAt.push(time.now())
        return report(time.now() >= 30_000 ? 'passed' : 'running', ['running', 'running'])
      },
      {
        idleMs: 10_000,
        budgetMs: 5_000,
        firstLookMs: 1_000,
        deadline: 600_000,
        history: async (run) => {
          seenBy.push(run.counts.total)
          return { durationsMs: [], leftOut: 0, unstated: [] }
        }
      }
    )
    expect(seenBy).toEqual([2])
    // The first look and the history read at 1 s: the third request waits until 15 s.
    expect(lookedAt).toEqual([1_000, 15_000, 25_000, 35_000])
  })

  it('looks densely where comparable earlier runs ended, without skipping an idle look on the way', async () => {
    const time = fakeTime()
    const lookedAt: number[] = []
    await poll(
      time,
      async () => {
        lookedAt.push(time.now())
        return report(time.now() >= 100_000 ? 'passed' : 'running')
      },
      {
        idleMs: 10_000,
        firstLookMs: 1_000,
        deadline: 600_000,
        history: async () => ({
          durationsMs: [90_000, 95_000, 100_000, 105_000, 110_000],
          leftOut: 0,
          unstated: []
        })
      }
    )
    // The window is 80–120 s: idle looks on the way, then one every 3.9 s inside it, up to its end.
    expect(lookedAt.filter((at) => at < 80_000)).toEqual([
      1_000, 11_000, 21_000, 31_000, 41_000, 51_000, 61_000, 71_000
    ])
    expect(lookedAt.filter((at) => at >= 80_000)).toEqual([
      81_000, 84_900, 88_800, 92_700, 96_600, 100_500
    ])
  })

  it('narrows in on the end as tests finish one by one', async () => {
    const time = fakeTime()
    const lookedAt: number[] = []
    // Ten tests, one done every 30 s: the run ends at 300 s.
    const at = (ms: number) => {
      const done = Math.min(10, Math.floor(ms / 30_000))
      const statuses = Array.from({ length: 10 }, (_, i) => (i < done ? 'passed' : 'running'))
      return report(done === 10 ? 'passed' : 'running', statuses as TestResult['status'][])
    }
    await poll(
      time,
      async () => {
        lookedAt.push(time.now())
        return at(time.now())
      },
      { idleMs: 10_000, firstLookMs: 1_000, deadline: 600_000 }
    )
    expect(lookedAt.at(-1)! - 300_000).toBeLessThanOrEqual(2_000)
    expect(lookedAt.length).toBeLessThan(300_000 / 5_000)
  })

  it('survives transient errors, honouring Retry-After', async () => {
    const time = fakeTime()
    const errors: string[] = []
    const answers: (RunReport | VendorError)[] = [
      new VendorError('X', 'http', 'HTTP 503', { status: 503 }),
      new VendorError('X', 'http', 'HTTP 429', { status: 429, retryAfterMs: 5000 }),
      new VendorError('X', 'network', 'reset'),
      report('failed')
    ]
    const observe = async () => {
      const next = answers.shift()!
      if (next instanceof VendorError) throw next
      return next
    }
    const outcome = await poll(time, observe, {
      onTransientError: (error) => errors.push(error.message)
    })
    expect(outcome.kind).toBe('verdict')
    expect(errors).toEqual(['HTTP 503', 'HTTP 429', 'reset'])
    expect(time.sleeps[1]).toBe(5000)
  })

  it('waits a Retry-After longer than the longest interval in full', async () => {
    const time = fakeTime()
    const answers: (RunReport | VendorError)[] = [
      new VendorError('X', 'http', 'HTTP 429', { status: 429, retryAfterMs: 90_000 }),
      report('passed')
    ]
    await poll(
      time,
      async () => {
        const next = answers.shift()!
        if (next instanceof VendorError) throw next
        return next
      },
      { maxWaitMs: 30_000, deadline: 600_000 }
    )
    expect(time.sleeps).toEqual([90_000])
  })

  it('ends as lost on an error that will not go away, keeping the last report', async () => {
    const time = fakeTime()
    let calls = 0
    const outcome = await poll(time, async () => {
      if (calls++ === 0) return report('running', ['passed', 'running'])
      throw new VendorError('X', 'http', 'HTTP 401', { status: 401 })
    })
    expect(outcome.kind).toBe('lost')
    expect(outcome.report?.counts.passed).toBe(1)
  })

  it('times out at the deadline, with one last look at it', async () => {
    const time = fakeTime()
    const outcome = await poll(time, async () => report('running'), {
      floorMs: 4000,
      idleMs: 4000,
      deadline: 10_000
    })
    expect(outcome.kind).toBe('timed-out')
    expect(time.sleeps).toEqual([4000, 4000, 2000])
    expect(outcome.looks).toBe(4)
  })

  it('ends as aborted when the job is cancelled, keeping the last report', async () => {
    const time = fakeTime()
    const cancellation = new AbortController()
    let looks = 0
    const outcome = await poll(
      time,
      async () => {
        if (++looks === 2) cancellation.abort()
        return report('running', ['passed', 'running'])
      },
      { signal: cancellation.signal }
    )
    expect(outcome).toMatchObject({ kind: 'aborted', looks: 2 })
    expect(outcome.report?.counts.passed).toBe(1)
  })

  it('prints a heartbeat on a long quiet run', async () => {
    const time = fakeTime()
    let looks = 0
    const lines: string[] = []
    await poll(time, async () => (++looks > 12 ? report('passed') : report('running')), {
      floorMs: 30_000,
      idleMs: 30_000,
      deadline: 3_600_000,
      heartbeatMs: 120_000,
      onProgress: (line) => lines.push(line)
    })
    expect(lines).toEqual([
      'run: running [0s]',
      'run: running [2m 00s]',
      'run: running [4m 00s]',
      'run: passed [6m 00s]'
    ])
  })
})

describe('describeProgress', () => {
  it('counts finished tests', () => {
    expect(describeProgress(report('running', ['passed', 'failed', 'running', 'queued']))).toBe(
      'running — 2 of 4 tests done (1 passed, 1 failed)'
    )
    expect(describeProgress(report('queued'))).toBe('queued')
  })

  it('formats durations', () => {
    expect(formatDuration(59_400)).toBe('59s')
    expect(formatDuration(61_000)).toBe('1m 01s')
    expect(formatDuration(3_720_000)).toBe('1h 02m')
  })
})
