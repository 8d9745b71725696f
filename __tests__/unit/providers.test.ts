import { describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github-context.js'
import { parseInputs } from '../../src/inputs.js'
import { mapStatus } from '../../src/providers/provider.js'
import {
  buildTriggerBody,
  empiricalOrigin,
  mapDetail,
  readSingleRun
} from '../../src/providers/empirical.js'
import {
  authHeaders,
  buildExecuteBody as futureAgiBody,
  evalVerdicts,
  mapCall
} from '../../src/providers/futureagi.js'
import {
  buildExecuteBody as testiflyBody,
  countsFromSummary,
  mapTest
} from '../../src/providers/testifly.js'

function settings(provider: string, inputs: Record<string, string> = {}) {
  const all: Record<string, string> = { provider, 'api-key': 'k', ...inputs }
  return parseInputs((name) => all[name] ?? '', ['octomind', 'testifly', 'futureagi', 'empirical'])
}

const context: RunContext = {
  eventName: 'push',
  owner: 'acme',
  repo: 'shop',
  sha: 'abc123',
  ref: 'refs/heads/main',
  serverUrl: 'https://github.com',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/shop/actions/runs/9'
}

describe('mapStatus', () => {
  it('maps known statuses and reads unknown ones, prototype names included, as still running', () => {
    const table: Record<string, string> = { DONE: 'passed' }
    const unknown: string[] = []
    const map = (value: string) => mapStatus(table, value, 'running', (v) => unknown.push(v))
    expect(['DONE', 'constructor', 'toString', 'NEW'].map(map)).toEqual([
      'passed',
      'running',
      'running',
      'running'
    ])
    expect(unknown).toEqual(['constructor', 'toString', 'NEW'])
  })
})

describe('Testifly mapping', () => {
  it('sends exactly one selection and names the inputs when there is not exactly one', () => {
    expect(testiflyBody(settings('testifly', { 'feature-id': 'f1', agent: 'a1' }))).toEqual({
      action: 'executeTests',
      featureId: 'f1',
      agentName: 'a1'
    })
    expect(testiflyBody(settings('testifly', { 'suite-id': 's1' }))).toEqual({
      action: 'executeTests',
      testSuiteId: 's1'
    })
    expect(testiflyBody(settings('testifly', { 'test-ids': 't1' }))).toEqual({
      action: 'executeTests',
      testId: 't1'
    })
    expect(testiflyBody(settings('testifly', { 'test-ids': 't1\nt2' }))).toEqual({
      action: 'executeTests',
      tests: ['t1', 't2']
    })
    expect(() => testiflyBody(settings('testifly'))).toThrow('none is set')
    expect(() =>
      testiflyBody(settings('testifly', { 'feature-id': 'f', 'suite-id': 's' }))
    ).toThrow('"feature-id" and "suite-id" are set')
  })

  it('maps test statuses, video, error and the last timeline steps', () => {
    const unknown: string[] = []
    const failed = mapTest(
      {
        _id: 't1',
        title: 'Checkout',
        status: 'Failed',
        duration: 1240,
        videoLink: 'https://v.example/1',
        error: { message: 'Card declined' },
        timeline: ['Open cart', { title: 'Click Pay', status: 'failed' }]
      },
      (value) => unknown.push(value)
    )
    expect(failed).toEqual({
      id: 't1',
      name: 'Checkout',
      status: 'failed',
      durationMs: 1240,
      error: 'Card declined\n\nLast steps:\n  Open cart\n  failed · Click Pay',
      links: [{ label: 'video', url: 'https://v.example/1', kind: 'artifact' }]
    })
    expect(mapTest({ _id: 't2', status: 'Scheduled' }, () => {}).status).toBe('queued')
    expect(mapTest({ _id: 't3', status: 'Exploding' }, (value) => unknown.push(value)).status).toBe(
      'running'
    )
    expect(unknown).toEqual(['Exploding'])
  })
})

describe('Testifly run summary', () => {
  it('counts from the statuses summary while the tests are not listed', () => {
    expect(
      countsFromSummary([
        { label: 'Passed', count: 18 },
        { label: 'Failed', count: 2 },
        { label: 'Skipped', count: 4 },
        { label: 'Running', count: 1 },
        { label: 'Scheduled', count: 3 },
        { label: 'Unheard', count: 9 }
      ])
    ).toEqual({ total: 28, passed: 18, failed: 2, errored: 0, skipped: 4, pending: 4 })
  })
})

describe('Future AGI mapping', () => {
  it('maps scenario selection and picks the auth form', () => {
    expect(futureAgiBody(settings('futureagi'))).toEqual({ selectAll: true, scenarioIds: [] })
    expect(futureAgiBody(settings('futureagi', { 'test-ids': 'a,b' }))).toEqual({
      selectAll: false,
      scenarioIds: ['a', 'b']
    })
    expect(
      futureAgiBody(settings('futureagi', { 'exclude-test-ids': 'c', 'simulator-id': 's' }))
    ).toEqual({ selectAll: true, scenarioIds: ['c'], simulatorId: 's' })
    expect(() =>
      futureAgiBody(settings('futureagi', { 'test-ids': 'a', 'exclude-test-ids': 'b' }))
    ).toThrow('not both')
    expect(authHeaders(settings('futureagi'))).toEqual({ authorization: 'Bearer k' })
    expect(authHeaders(settings('futureagi', { 'api-secret': 's' }))).toEqual({
      'X-Api-Key': 'k',
      'X-Secret-Key': 's'
    })
  })

  it('judges evals given as a map or a list, and shows what it cannot judge', () => {
    expect(
      evalVerdicts({
        Tone: { output: 'Passed', score: 0.9 },
        Resolution: { output: false, reason: 'no refund' }
      })
    ).toEqual([
      { name: 'Tone', failed: false, text: 'output Passed · score 0.9' },
      { name: 'Resolution', failed: true, text: 'output false · no refund' }
    ])
    expect(
      evalVerdicts([{ eval_name: 'Safety', passed: false }, 'fail', { name: 'Odd', detail: [1] }])
    ).toEqual([
      { name: 'Safety', failed: true, text: '{"eval_name":"Safety","passed":false}' },
      { name: 'eval 2', failed: true, text: 'output fail' },
      { name: 'Odd', failed: false, text: '{"name":"Odd","detail":[1]}' }
    ])
    expect(evalVerdicts(undefined)).toEqual([])
  })

  it('fails a completed call whose evals fail, and maps call statuses', () => {
    const call = mapCall(
      {
        id: 'c1',
        status: 'completed',
        duration: 61.5,
        overall_score: 0.2,
        eval_outputs: { Resolution: 'Failed' },
        transcript: 'user: hi'
      },
      'Refund',
      () => {}
    )
    expect(call).toMatchObject({ status: 'failed', durationMs: 61_500 })
    expect(call.error).toContain('Failed evals: Resolution')
    expect(call.error).toContain('Overall score: 0.2')
    expect(call.error).toContain('user: hi')
    expect(mapCall({ id: 'c2', status: 'ANALYZING' }, 'x', () => {}).status).toBe('running')
    expect(mapCall({ id: 'c3', status: 'cancelled' }, 'x', () => {}).status).toBe('skipped')
  })
})

describe('Empirical mapping', () => {
  it('builds the trigger from inputs and context', () => {
    const warnings: string[] = []
    const body = buildTriggerBody(
      {
        settings: settings('empirical', {
          environment: 'Staging',
          variables: 'A=1\nA=2',
          tags: '@smoke'
        }),
        context
      },
      (line) => warnings.push(line)
    )
    expect(body).toEqual({
      environment: 'staging',
      build: {
        branch: 'main',
        commit: 'abc123',
        commit_url: 'https://github.com/acme/shop/commit/abc123'
      },
      metadata: {
        run_url: 'https://github.com/acme/shop/actions/runs/9',
        actor: 'octocat',
        repository: 'acme/shop'
      },
      environment_variables_overrides: [{ name: 'A', value: '2' }],
      tags: ['@smoke']
    })
    expect(warnings).toEqual(['Empirical takes one value per variable: "A" gets its last value.'])
  })

  it('sends a pushed tag as the build version', () => {
    const body = buildTriggerBody(
      {
        settings: settings('empirical', { environment: 'production' }),
        context: { ...context, ref: 'refs/tags/v2.3.0' }
      },
      () => {}
    )
    expect(body.build).toMatchObject({ branch: 'v2.3.0', version: 'v2.3.0' })
  })

  it('takes the origin from api-url, with or without /api', () => {
    expect(empiricalOrigin(undefined)).toBe('https://api.empirical.run')
    expect(empiricalOrigin('https://dash.empirical.run/api')).toBe('https://dash.empirical.run')
    expect(empiricalOrigin('https://dash.empirical.run/')).toBe('https://dash.empirical.run')
  })

  it('reads the single-run answer wherever its parts are', () => {
    const nested = readSingleRun({
      data: {
        test_run: {
          testRun: { state: 'ended' },
          flattenedSummaryDetails: [{ name: 'a', status: 'passed' }]
        }
      }
    })
    expect(nested.state).toBe('ended')
    expect(nested.details).toHaveLength(1)
    expect(readSingleRun({ data: { test_run: { state: 'started' } } }).state).toBe('started')
    expect(readSingleRun('garbage')).toEqual({ state: undefined, details: [], raw: {} })
  })

  it('maps flaky, snoozed and unknown test statuses', () => {
    expect(mapDetail({ name: 'a', status: 'flaky' }, () => {})).toMatchObject({
      status: 'passed',
      flaky: true
    })
    expect(mapDetail({ name: 'b', status: 'failed', snooze_info: [{}] }, () => {})).toMatchObject({
      status: 'skipped',
      error: 'Failure snoozed in Empirical'
    })
    expect(mapDetail({ name: 'c', status: 'timedOut' }, () => {}).status).toBe('failed')
    const unknown: string[] = []
    expect(mapDetail({ name: 'd', status: 'exotic' }, (value) => unknown.push(value)).status).toBe(
      'running'
    )
    expect(unknown).toEqual(['exotic'])
  })
})
