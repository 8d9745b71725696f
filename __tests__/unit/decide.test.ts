import { describe, expect, it } from 'vitest'
import { decide, type Policy } from '../../src/run/decide.js'
import {
  countTests,
  type RunReport,
  type RunStatus,
  type TestResult
} from '../../src/report/model.js'
import type { SinkResult } from '../../src/sinks/sink.js'

const DEFAULT_FAIL_ON = ['failed', 'errored', 'timed-out', 'cancelled', 'no-tests'] as const
const policy: Policy = { failOn: [...DEFAULT_FAIL_ON], allowNoTests: false, timeoutMinutes: 30 }

function report(status: RunStatus, fields: Partial<RunReport> = {}): RunReport {
  const tests =
    status === 'failed'
      ? [{ id: 'a', name: 'a', status: 'failed' as const, links: [] }]
      : [{ id: 'a', name: 'a', status: 'passed' as const, links: [] }]
  return { provider: 'x', runId: 'r', status, counts: countTests(tests), tests, ...fields }
}

function withTests(status: RunStatus, tests: TestResult[]): RunReport {
  return { provider: 'x', runId: 'r', status, counts: countTests(tests), tests }
}

const ok: SinkResult = { sink: 'job summary', paths: [], links: [] }

describe('decide', () => {
  it('passes a passed run and says so', () => {
    expect(decide(report('passed'), policy, [ok], 'Vendor')).toEqual({
      failure: undefined,
      notice: { level: 'info', text: 'Vendor: all 1 test passed' },
      decidedBy: 'none'
    })
  })

  it('fails a failing verdict under fail-on: failure, with the report URL and the rule', () => {
    const decision = decide(report('failed', { url: 'https://v.example/r' }), policy, [ok], 'V')
    expect(decision.failure).toBe(
      'V: 1 of 1 test failed — https://v.example/r\nThe step fails, decided by fail-on, which includes failed.'
    )
    expect(decision.decidedBy).toBe('fail-on')
    expect(decision.notice).toBeUndefined()
  })

  it('only warns under fail-on: never', () => {
    const decision = decide(report('errored'), { ...policy, failOn: [] }, [], 'V')
    expect(decision.failure).toBeUndefined()
    expect(decision.notice).toEqual({
      level: 'warning',
      text: 'V: the run errored (fail-on: never)'
    })
  })

  it('warns, naming the list, on a status a fail-on list leaves out', () => {
    const decision = decide(
      report('failed'),
      { ...policy, failOn: ['errored', 'timed-out'] },
      [],
      'V'
    )
    expect(decision).toEqual({
      failure: undefined,
      notice: { level: 'warning', text: 'V: 1 of 1 test failed (fail-on: errored, timed-out)' },
      decidedBy: 'none'
    })
  })

  it('fails a run without tests unless fail-on leaves no-tests out', () => {
    const empty = { ...report('no-tests'), tests: [], counts: countTests([]) }
    expect(decide(empty, policy, [], 'V').failure).toBe(
      'V: no tests ran\nThe step fails, decided by fail-on, which includes no-tests.'
    )
    expect(decide(empty, { ...policy, failOn: ['failed'] }, [], 'V').failure).toBeUndefined()
  })

  it('fails a run below min-pass-rate that fail-on lets pass, naming the rule', () => {
    const tests: TestResult[] = [
      { id: 'a', name: 'a', status: 'passed', links: [] },
      { id: 'b', name: 'b', status: 'passed', links: [] },
      { id: 'c', name: 'c', status: 'failed', links: [] }
    ]
    const decision = decide(
      withTests('failed', tests),
      { ...policy, failOn: ['errored'], minPassRate: 90 },
      [],
      'V'
    )
    expect(decision.decidedBy).toBe('min-pass-rate')
    expect(decision.failure).toBe(
      'V: 1 of 3 tests failed\nThe step fails, decided by min-pass-rate: Pass rate: 66.6% of 3 executed tests passed (minimum 90%).'
    )
  })

  it('names every other rule that failed too', () => {
    const tests: TestResult[] = [
      { id: 'a', name: 'a', status: 'passed', score: 9, links: [] },
      { id: 'b', name: 'b', status: 'failed', score: 4, links: [] }
    ]
    const decision = decide(
      withTests('failed', tests),
      { ...policy, minPassRate: 75, minScore: 5, minAverageScore: 7 },
      [],
      'V'
    )
    expect(decision.decidedBy).toBe('fail-on')
    expect(decision.failure).toContain(
      'decided by fail-on, which includes failed (also below: min-pass-rate, min-score, min-average-score).'
    )
  })

  it('names the timeout, and fails on a broken sink even when the verdict passed', () => {
    expect(decide(report('timed-out'), policy, [], 'V').failure).toBe(
      'V: no verdict within 30 minutes\nThe step fails, decided by fail-on, which includes timed-out.'
    )
    const broken: SinkResult = { sink: 'Testmo run', paths: [], links: [], error: 'HTTP 422' }
    expect(decide(report('passed'), policy, [ok, broken], 'V')).toEqual({
      failure: 'Reporting failed — Testmo run: HTTP 422',
      notice: { level: 'info', text: 'V: all 1 test passed' },
      decidedBy: 'none'
    })
  })
})
