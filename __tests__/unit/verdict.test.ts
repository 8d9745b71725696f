import { describe, expect, it } from 'vitest'
import {
  countTests,
  type Observation,
  type TestResult,
  type VendorSignal
} from '../../src/report/model.js'
import { judge, verdictText } from '../../src/report/verdict.js'

function test(status: TestResult['status'], extra: Partial<TestResult> = {}): TestResult {
  return { id: `t-${Math.random()}`, name: 'a test', status, links: [], ...extra }
}

function observe(signal: VendorSignal, tests: TestResult[]): Observation {
  return { provider: 'x', runId: 'r', signal, counts: countTests(tests), tests }
}

describe('judge', () => {
  it('fails a run with a failed or an errored test, whatever the vendor says of the run', () => {
    for (const signal of ['finished', 'failed'] as const) {
      expect(judge(observe(signal, [test('passed'), test('failed')])).status).toBe('failed')
      expect(judge(observe(signal, [test('passed'), test('errored')])).status).toBe('failed')
    }
  })

  it('calls a vendor-side failure without a failed test errored', () => {
    expect(judge(observe('failed', [test('passed')])).status).toBe('errored')
    expect(judge(observe('failed', [])).status).toBe('errored')
  })

  it('never passes a finished run in which no test ran', () => {
    expect(judge(observe('finished', [])).status).toBe('no-tests')
    expect(judge(observe('finished', [test('skipped'), test('skipped')])).status).toBe('no-tests')
  })

  it('counts a suppressed failure as run: a run of only snoozed failures is not "no tests"', () => {
    const snoozed = test('skipped', { suppressed: 'failed; snoozed' })
    expect(judge(observe('finished', [snoozed])).status).toBe('passed')
  })

  it('calls a finished run with unfinished tests errored, not passed, and says why', () => {
    const report = judge(observe('finished', [test('passed'), test('running')]))
    expect(report.status).toBe('errored')
    expect(report.note).toBe('The vendor ended the run with 1 test unfinished.')
  })

  it('keeps queued, running and cancelled as the vendor says', () => {
    expect(judge(observe('queued', [])).status).toBe('queued')
    expect(judge(observe('running', [test('failed')])).status).toBe('running')
    expect(judge(observe('cancelled', [test('passed')])).status).toBe('cancelled')
  })

  it('passes a finished run whose tests all passed', () => {
    const report = judge(observe('finished', [test('passed'), test('passed')]))
    expect(report.status).toBe('passed')
    expect(report).not.toHaveProperty('signal')
  })
})

describe('verdictText', () => {
  const text = (signal: VendorSignal, tests: TestResult[]): string =>
    verdictText(judge(observe(signal, tests)))

  it('says "all passed" only when every test passed', () => {
    expect(text('finished', [test('passed'), test('passed')])).toBe('all 2 tests passed')
    expect(text('finished', [test('passed'), test('skipped')])).toBe(
      '1 of 2 tests passed, 1 skipped'
    )
    expect(
      text('finished', [
        test('passed'),
        test('passed', { flaky: true }),
        test('skipped', { suppressed: 'snoozed' })
      ])
    ).toBe('2 of 3 tests passed, 1 only after retries, 1 known failure suppressed')
  })

  it('names failed and errored tests apart, with the figures of the counts table', () => {
    expect(text('finished', [test('passed'), test('errored')])).toBe('1 of 2 tests errored')
    expect(text('failed', [test('failed'), test('failed'), test('passed')])).toBe(
      '2 of 3 tests failed'
    )
    const tests = [
      ...Array.from({ length: 7 }, () => test('failed')),
      ...Array.from({ length: 5 }, () => test('errored')),
      ...Array.from({ length: 1988 }, () => test('passed'))
    ]
    expect(text('failed', tests)).toBe('7 of 2,000 tests failed, 5 errored')
  })

  it('says how many tests a score threshold failed', () => {
    const below = { rule: 'min-score' as const, threshold: 6 }
    const report = judge(
      observe('finished', [test('failed', { belowThreshold: below }), test('passed')])
    )
    expect(verdictText(report)).toBe('1 of 2 tests failed (1 below min-score 6)')
  })

  it('names the empty and the unfinished run', () => {
    expect(text('finished', [])).toBe('no tests ran')
    expect(text('finished', [test('skipped')])).toBe('no tests ran (1 test skipped)')
    expect(text('finished', [test('running')])).toBe('the run errored')
    expect(text('failed', [])).toBe('the run errored')
  })
})
