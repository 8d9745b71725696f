import { describe, expect, it } from 'vitest'
import { decide, type Policy } from '../../src/decide.js'
import { countTests, type RunReport, type RunStatus } from '../../src/report/model.js'
import type { SinkResult } from '../../src/sinks/sink.js'

const policy: Policy = { failOn: 'failure', allowNoTests: false, timeoutMinutes: 30 }

function report(status: RunStatus, fields: Partial<RunReport> = {}): RunReport {
  const tests =
    status === 'failed'
      ? [{ id: 'a', name: 'a', status: 'failed' as const, links: [] }]
      : [{ id: 'a', name: 'a', status: 'passed' as const, links: [] }]
  return { provider: 'x', runId: 'r', status, counts: countTests(tests), tests, ...fields }
}

const ok: SinkResult = { sink: 'job summary', paths: [], links: [] }

describe('decide', () => {
  it('passes a passed run and says so', () => {
    expect(decide(report('passed'), policy, [ok], 'Vendor')).toEqual({
      notice: { level: 'info', text: 'Vendor: all 1 test passed' }
    })
  })

  it('fails a failing verdict under fail-on: failure, with the report URL', () => {
    const decision = decide(report('failed', { url: 'https://v.example/r' }), policy, [ok], 'V')
    expect(decision.failure).toBe('V: 1 of 1 test failed — https://v.example/r')
    expect(decision.notice).toBeUndefined()
  })

  it('only warns under fail-on: never', () => {
    const decision = decide(report('errored'), { ...policy, failOn: 'never' }, [], 'V')
    expect(decision.failure).toBeUndefined()
    expect(decision.notice).toEqual({
      level: 'warning',
      text: 'V: the run errored (fail-on: never)'
    })
  })

  it('fails a run without tests unless allowed', () => {
    const empty = { ...report('no-tests'), tests: [], counts: countTests([]) }
    expect(decide(empty, policy, [], 'V').failure).toBe('V: no tests ran')
    expect(decide(empty, { ...policy, allowNoTests: true }, [], 'V').failure).toBeUndefined()
  })

  it('names the timeout, and fails on a broken sink even when the verdict passed', () => {
    expect(decide(report('timed-out'), policy, [], 'V').failure).toBe(
      'V: no verdict within 30 minutes'
    )
    const broken: SinkResult = { sink: 'Testmo run', paths: [], links: [], error: 'HTTP 422' }
    expect(decide(report('passed'), policy, [ok, broken], 'V')).toEqual({
      failure: 'Reporting failed — Testmo run: HTTP 422',
      notice: { level: 'info', text: 'V: all 1 test passed' }
    })
  })
})
