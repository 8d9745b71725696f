import { vendorCatalog } from '../../src/vendors/index.js'
import { describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github/context.js'
import { parseInputs } from '../../src/core/inputs.js'
import { mapStatus } from '../../src/vendors/provider.js'
import { countTests } from '../../src/report/model.js'
import {
  buildTriggerBody,
  empiricalOrigin,
  empiricalRerunProblem,
  empiricalRunId,
  readSingleRun
} from '../../src/vendors/empirical/api.js'
import { bestCounts, countsFromItem, mapDetail } from '../../src/vendors/empirical/mapping.js'
import {
  rerunTriggerRequest,
  triggerRequestSchema as empiricalTriggerSchema
} from '../contracts/empirical.js'
import {
  executeRequestSchema as testiflyExecuteSchema,
  rerunExecuteRequests as testiflyRerunRequests
} from '../contracts/testifly.js'
import {
  authHeaders,
  buildExecuteBody as futureAgiBody,
  futureAgiRerunProblem,
  inputProblems,
  unknownScenarios
} from '../../src/vendors/futureagi/api.js'
import { callIdentities, evalVerdicts, mapCall } from '../../src/vendors/futureagi/mapping.js'
import { callScore } from '../../src/vendors/futureagi/score.js'
import {
  completedExecutionPage,
  executeRequestSchema,
  executionDetailSchema,
  rerunExecuteRequest as futureAgiRerunRequest
} from '../contracts/futureagi.js'
import { buildExecuteBody as testiflyBody } from '../../src/vendors/testifly/api.js'
import { countsFromSummary, mapTest, runCounts } from '../../src/vendors/testifly/mapping.js'

function settings(provider: string, inputs: Record<string, string> = {}) {
  const all: Record<string, string> = { provider, 'api-key': 'k', ...inputs }
  return parseInputs((name) => all[name] ?? '', vendorCatalog())
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
  it('counts from the statuses summary, an unknown label as unfinished, and reports it', () => {
    const unknown: string[] = []
    expect(
      countsFromSummary(
        [
          { label: 'Passed', count: 18 },
          { label: 'Failed', count: 2 },
          { label: 'Skipped', count: 4 },
          { label: 'Running', count: 1 },
          { label: 'Scheduled', count: 3 },
          { label: 'Unheard', count: 9 }
        ],
        (label) => unknown.push(label)
      )
    ).toEqual({ total: 37, passed: 18, failed: 2, errored: 0, skipped: 4, pending: 13 })
    expect(unknown).toEqual(['Unheard'])
  })

  it('counts from the summary while the tests are not listed', () => {
    const summary = countsFromSummary([{ label: 'Passed', count: 3 }], () => {})
    expect(runCounts(countTests([]), summary)).toEqual({ counts: summary })
  })

  it("takes the summary's count where it shows a failure or an unfinished test the list does not", () => {
    const listed = countTests(
      ['t1', 't2', 't3'].map((id) => mapTest({ _id: id, status: 'Passed' }, () => {}))
    )
    const failed = countsFromSummary(
      [
        { label: 'Passed', count: 3 },
        { label: 'Failed', count: 1 }
      ],
      () => {}
    )
    expect(runCounts(listed, failed)).toEqual({
      counts: failed,
      note: "Testifly's summary of the run counts 1 failed and 0 unfinished tests, more than its list of tests shows: the verdict follows the summary."
    })
    const running = countsFromSummary(
      [
        { label: 'Passed', count: 3 },
        { label: 'Running', count: 1 }
      ],
      () => {}
    )
    expect(runCounts(listed, running).counts).toEqual(running)
    const agrees = countsFromSummary([{ label: 'Passed', count: 3 }], () => {})
    expect(runCounts(listed, agrees)).toEqual({ counts: listed })
  })
})

describe('Future AGI mapping (server contract)', () => {
  const A = 'a1a1a1a1-0000-4000-8000-000000000001'
  const B = 'a1a1a1a1-0000-4000-8000-000000000002'
  const C = 'a1a1a1a1-0000-4000-8000-000000000003'
  const fagi = (inputs: Record<string, string> = {}) =>
    settings('futureagi', {
      'api-secret': 's',
      'target-id': '0b5a4d0e-1111-4222-8333-444455556666',
      ...inputs
    })

  it('sends snake_case bodies the server accepts: only, all but (the complement), all', () => {
    const only = futureAgiBody(fagi({ 'test-ids': `${A},${B}` }), [A, B, C])
    const except = futureAgiBody(
      fagi({ 'exclude-test-ids': A, 'simulator-id': 'b2b2b2b2-0000-4000-8000-000000000001' }),
      [A, B, C]
    )
    const all = futureAgiBody(fagi())
    expect(only).toEqual({ scenario_ids: [A, B] })
    expect(except).toEqual({
      scenario_ids: [B, C],
      simulator_id: 'b2b2b2b2-0000-4000-8000-000000000001'
    })
    expect(all).toEqual({})
    for (const body of [only, except, all])
      expect(executeRequestSchema.safeParse(body).error).toBeUndefined()
  })

  it('sends the key pair and names every bad input before anything is sent', () => {
    expect(authHeaders(fagi())).toEqual({ 'X-Api-Key': 'k', 'X-Secret-Key': 's' })
    expect(inputProblems(fagi())).toEqual([])
    const problems = inputProblems(
      settings('futureagi', { 'test-ids': 'a', 'exclude-test-ids': B })
    ).join('\n')
    expect(problems).toContain('Input "api-secret" is required for Future AGI')
    expect(problems).toContain('Input "target-id" is required for Future AGI')
    expect(problems).toContain('not both')
    expect(problems).toContain('Input "test-ids": expected UUIDs, got "a"')
    expect(unknownScenarios(fagi({ 'exclude-test-ids': `${A},${C}` }), [A, B])).toEqual([
      `Input "exclude-test-ids": not scenarios of run test 0b5a4d0e-1111-4222-8333-444455556666: ${C}`
    ])
  })

  it('judges Pass/Fail evals, marks an errored eval, and shows scores unjudged', () => {
    const call = completedExecutionPage.results[0]!
    expect(evalVerdicts(call.eval_outputs)).toEqual([
      {
        name: 'Policy adherence',
        outcome: 'failed',
        text: 'Failed · The agent promised a refund it may not give.'
      },
      { name: 'Tone', outcome: 'not judged', text: '6 · Polite, but long.' }
    ])
    expect(
      evalVerdicts({
        x: {
          value: null,
          reason: 'timeout',
          type: 'Pass/Fail',
          name: 'Safety',
          error: true,
          status: 'error',
          skipped: false
        },
        y: {}
      })
    ).toEqual([{ name: 'Safety', outcome: 'errored', text: 'null · timeout' }])
    expect(evalVerdicts(undefined)).toEqual([])
  })

  it('maps a contract-shaped page: failed evals fail a completed call; identity is the scenario', () => {
    expect(executionDetailSchema.safeParse(completedExecutionPage).error).toBeUndefined()
    const calls = completedExecutionPage.results
    const identities = callIdentities(calls)
    expect(identities).toEqual([
      { id: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'Refund request' },
      { id: 'a1a1a1a1-0000-4000-8000-000000000002', name: 'Order status' },
      { id: 'a1a1a1a1-0000-4000-8000-000000000003', name: 'Address change' }
    ])
    const [failed, passed, fallback] = calls.map((call, i) =>
      mapCall(call, identities[i]!, () => {})
    )
    expect(failed).toMatchObject({ status: 'failed', durationMs: 61_500, score: 4 })
    expect(failed?.error).toContain('Failed evals: Policy adherence')
    expect(failed?.error).toContain('Overall score: 4')
    expect(passed).toMatchObject({ status: 'passed', score: 9 })
    // the CSAT evaluation failed and the server stored the success evaluation's 1.0: no score
    expect(fallback).toMatchObject({ status: 'passed' })
    expect(fallback?.score).toBeUndefined()
    expect(fallback?.scoreNote).toBe('1: fallback or a score of 1, not judged')
    expect(passed?.links).toEqual([
      {
        label: 'recording',
        url: 'https://storage.futureagi.example/recordings/8d1f7b63.mp3',
        kind: 'artifact'
      }
    ])
  })

  it('judges only 1–10 satisfaction scores, never the 0/1 fallback the server stores for them', () => {
    const score = (overall: number | null, csat: number | null = null) =>
      callScore({ overall_score: overall, csat_score: csat })
    expect(score(7)).toEqual({ score: 7 })
    expect(score(10)).toEqual({ score: 10 })
    expect(score(null)).toEqual({})
    // the success evaluation's "false" and "true", and a provider's own number
    expect(score(0)).toEqual({ scoreNote: '0: fallback (success evaluation false), not judged' })
    expect(score(1)).toEqual({ scoreNote: '1: fallback or a score of 1, not judged' })
    expect(score(0.93)).toEqual({ scoreNote: '0.93: not on the 1–10 scale, not judged' })
    expect(score(85)).toEqual({ scoreNote: '85: not on the 1–10 scale, not judged' })
    // the CSAT evaluator's own result (chat and SDK calls) is the score, a 1 included
    expect(score(1, 1)).toEqual({ score: 1 })
    expect(score(0, 6)).toEqual({ score: 6 })
  })

  /** A call of the dataset scenario "Rows", with its row's columns. */
  const rowCall = (id: string, start: string, columns: Record<string, unknown>) => ({
    id,
    status: 'completed',
    scenario: 'Rows',
    scenario_id: A,
    start_time: start,
    scenario_columns: columns
  })

  it("tells a dataset scenario's calls apart by row, whatever order they started in", () => {
    const column = (value: unknown) => ({
      value,
      visible: true,
      dataset_column_id: 'c',
      dataset_id: 'd',
      column_name: 'situation',
      data_type: 'text'
    })
    const late = { situation: column('Caller   is\nlate'), persona: column({ b: 1, a: 2 }) }
    const lost = { situation: column('Caller lost the card') }
    const run1 = callIdentities([
      rowCall('x', '2026-01-01T00:00:01Z', late),
      rowCall('y', '2026-01-01T00:00:02Z', lost)
    ])
    // the next run starts them the other way round, and lists the columns in another order
    const run2 = callIdentities([
      rowCall('v', '2026-01-01T00:00:01Z', lost),
      rowCall('w', '2026-01-01T00:00:02Z', {
        persona: column({ a: 2, b: 1 }),
        situation: column('Caller   is\nlate')
      })
    ])
    expect(run1[0]).toEqual(run2[1])
    expect(run1[1]).toEqual(run2[0])
    expect(run1.map((identity) => identity.name)).toEqual([
      'Rows (Caller is late)',
      'Rows (Caller lost the card)'
    ])
    expect(run1[0]?.id).toMatch(new RegExp(`^${A}#[\\w-]{12}$`))
    expect(run1[0]?.rerunKey).toBe(A)
    // an edited row is another test
    const edited = callIdentities([
      rowCall('x', '2026-01-01T00:00:01Z', { situation: column('Caller is very late') }),
      rowCall('y', '2026-01-01T00:00:02Z', lost)
    ])
    expect(edited[0]?.id).not.toBe(run1[0]?.id)
    expect(edited[1]?.id).toBe(run1[1]?.id)
  })

  it('numbers twin rows among themselves, and names rows whose labels clash by their key', () => {
    const situation = (value: unknown) => ({ situation: { value } })
    const long = 'x'.repeat(60)
    const names = callIdentities([
      rowCall('a', '1', situation('same')),
      rowCall('b', '2', situation('same')),
      rowCall('c', '3', situation(`${long}1`)),
      rowCall('d', '4', situation(`${long}2`)),
      rowCall('e', '5', situation(42)),
      rowCall('f', '6', {})
    ]).map((identity) => identity.name)
    expect(names.slice(0, 2)).toEqual(['Rows (same, 1)', 'Rows (same, 2)'])
    // two rows that read alike once shortened: each by the start of its key instead
    expect(names[2]).toMatch(/^Rows \(row [\w-]{6}\)$/)
    expect(names[3]).toMatch(/^Rows \(row [\w-]{6}\)$/)
    expect(names[2]).not.toBe(names[3])
    expect(names[4]).toMatch(/^Rows \(row [\w-]{6}\)$/) // no text to show
    expect(names[5]).toBe('Rows (call 1)') // no row named: numbered by start
  })

  it('numbers the calls of one scenario by start time, the same on every run', () => {
    const call = (id: string, start: string) => ({
      id,
      status: 'completed',
      scenario: 'Rows',
      scenario_id: A,
      start_time: start
    })
    expect(
      callIdentities([call('z', '2026-01-01T00:00:02Z'), call('y', '2026-01-01T00:00:01Z')])
    ).toEqual([
      { id: `${A}#2`, rerunKey: A, name: 'Rows (call 2)' },
      { id: `${A}#1`, rerunKey: A, name: 'Rows (call 1)' }
    ])
  })

  it('maps call statuses, unknown ones as still running', () => {
    const identity = { id: 'x', name: 'x' }
    expect(mapCall({ id: 'c2', status: 'analyzing' }, identity, () => {}).status).toBe('running')
    expect(mapCall({ id: 'c3', status: 'cancelled' }, identity, () => {}).status).toBe('skipped')
    expect(
      mapCall({ id: 'c4', status: 'failed', ended_reason: 'silence-timed-out' }, identity, () => {})
    ).toMatchObject({ status: 'failed', error: 'The call failed: silence-timed-out' })
    const unknown: string[] = []
    expect(
      mapCall({ id: 'c5', status: 'exploding' }, identity, (v) => unknown.push(v)).status
    ).toBe('running')
    expect(unknown).toEqual(['exploding'])
  })
})

describe('Empirical counts', () => {
  const ended = { id: 456, state: 'ended', total_count: 50, success_count: 40, failed_count: 0 }

  it("counts the tests an ended run's total has and no outcome count does as unfinished", () => {
    expect(countsFromItem({ ...ended, skipped_count: 0 })).toEqual({
      total: 50,
      passed: 40,
      failed: 0,
      errored: 0,
      skipped: 0,
      pending: 10
    })
  })

  it("takes the run's counts over a shorter per-test list that shows fewer unfinished tests", () => {
    const listed = countTests(
      Array.from({ length: 40 }, (_, i) => mapDetail({ name: `t${i}`, status: 'passed' }, () => {}))
    )
    const fromRun = countsFromItem(ended)
    expect(bestCounts(listed, fromRun)).toEqual(fromRun)
    const complete = countsFromItem({ ...ended, success_count: 40, total_count: 40 })
    expect(bestCounts(listed, complete)).toEqual(listed)
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
      tags: ['@smoke'],
      github_actor: 'octocat'
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
      suppressed: 'failed; the failure is snoozed in Empirical, so it does not count'
    })
    expect(mapDetail({ name: 'c', status: 'timedOut' }, () => {}).status).toBe('failed')
    const unknown: string[] = []
    expect(mapDetail({ name: 'd', status: 'exotic' }, (value) => unknown.push(value)).status).toBe(
      'running'
    )
    expect(unknown).toEqual(['exotic'])
  })
})

describe('re-run of failed tests: what each vendor is sent', () => {
  it('Testifly: the failed test ids instead of the selection, one as testId, several as tests', () => {
    const s = settings('testifly', { 'feature-id': 'f1', agent: 'a1' })
    const several = testiflyBody(s, { previousRunId: 'job1', keys: ['t2', 't4'] })
    const one = testiflyBody(s, { previousRunId: 'job1', keys: ['t4'] })
    expect(several).toEqual({ action: 'executeTests', tests: ['t2', 't4'], agentName: 'a1' })
    expect(one).toEqual({ action: 'executeTests', testId: 't4', agentName: 'a1' })
    for (const body of [several, one, ...Object.values(testiflyRerunRequests)])
      expect(testiflyExecuteSchema.safeParse(body).error).toBeUndefined()
  })

  it('Testifly: the run report keys a test by its _id, which is what the selection takes', () => {
    const test = mapTest(
      { _id: '6804f1f1d2d4e0a1c1a0d789', title: 'Login', status: 'Failed' },
      () => {}
    )
    expect(test.id).toBe('6804f1f1d2d4e0a1c1a0d789')
    expect(test).not.toHaveProperty('rerunKey')
  })

  const A = 'a1a1a1a1-0000-4000-8000-000000000001'
  const B = 'a1a1a1a1-0000-4000-8000-000000000002'
  const fagi = (inputs: Record<string, string> = {}) =>
    settings('futureagi', {
      'api-secret': 's',
      'target-id': '0b5a4d0e-1111-4222-8333-444455556666',
      ...inputs
    })

  it('Future AGI: the failed scenarios as scenario_ids, once each, with no exclusion complement', () => {
    const rerun = { previousRunId: 'e1', keys: [A, B, A] }
    const body = futureAgiBody(fagi({ 'exclude-test-ids': B }), [A, B], rerun)
    expect(body).toEqual({ scenario_ids: [A, B] })
    const withSimulator = futureAgiBody(
      fagi({ 'simulator-id': 'b2b2b2b2-0000-4000-8000-000000000001' }),
      [],
      rerun
    )
    expect(withSimulator).toEqual({
      scenario_ids: [A, B],
      simulator_id: 'b2b2b2b2-0000-4000-8000-000000000001'
    })
    for (const sent of [body, withSimulator, futureAgiRerunRequest])
      expect(executeRequestSchema.safeParse(sent).error).toBeUndefined()
  })

  it('Future AGI: numbered calls of one scenario are re-run by the scenario id', () => {
    const call = (id: string, start: string, scenario_id: string | null = A) => ({
      id,
      status: 'failed',
      scenario: 'Rows',
      scenario_id,
      start_time: start
    })
    expect(
      callIdentities([
        call('z', '2026-01-01T00:00:02Z'),
        call('y', '2026-01-01T00:00:01Z'),
        call('x', '2026-01-01T00:00:03Z', B)
      ])
    ).toEqual([
      { id: `${A}#2`, rerunKey: A, name: 'Rows (call 2)' },
      { id: `${A}#1`, rerunKey: A, name: 'Rows (call 1)' },
      { id: B, name: 'Rows' }
    ])
    const mapped = mapCall(call('z', ''), { id: `${A}#1`, rerunKey: A, name: 'Rows' }, () => {})
    expect(mapped).toMatchObject({ id: `${A}#1`, rerunKey: A })
  })

  it('Future AGI: keys that are no scenario ids cannot be re-run', () => {
    expect(futureAgiRerunProblem({ previousRunId: 'e', keys: [A, B] })).toBeUndefined()
    expect(futureAgiRerunProblem({ previousRunId: 'e', keys: [A, 'Refund request'] })).toContain(
      "Future AGI re-runs calls by their scenario's id"
    )
  })

  it('Empirical: rerun_only_failed with the earlier run as rerun_source_id, without tags', () => {
    const body = buildTriggerBody(
      {
        settings: settings('empirical', { environment: 'staging', tags: '@smoke' }),
        context,
        rerun: { previousRunId: '456', keys: ['a30a6eba6312f6b87ea5-1'] }
      },
      () => {}
    )
    expect(body).toMatchObject({
      environment: 'staging',
      rerun_source_id: 456,
      rerun_only_failed: true
    })
    expect(body).not.toHaveProperty('tags')
    expect(body).not.toHaveProperty('test_case_ids')
    for (const sent of [body, rerunTriggerRequest])
      expect(empiricalTriggerSchema.safeParse(sent).error).toBeUndefined()
    const all = buildTriggerBody(
      { settings: settings('empirical', { environment: 'staging' }), context },
      () => {}
    )
    expect(all).not.toHaveProperty('rerun_source_id')
    expect(all).not.toHaveProperty('rerun_only_failed')
  })

  it('Empirical: a run id that is not a positive integer cannot be re-run, and says so', () => {
    expect(empiricalRunId('456')).toBe(456)
    for (const bad of ['', '0', '-3', '4.5', '1e3', 'abc', '0456', '99999999999999999999'])
      expect(empiricalRunId(bad)).toBeUndefined()
    expect(empiricalRerunProblem({ previousRunId: '456', keys: [] })).toBeUndefined()
    expect(empiricalRerunProblem({ previousRunId: 'run-9', keys: [] })).toBe(
      'Empirical re-runs a run by its integer id, and the earlier attempt\'s run id "run-9" is not one'
    )
  })
})
