import { describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github/context.js'
import { changesSince } from '../../src/report/changes.js'
import { commentWanted } from '../../src/report/comment.js'
import { digestOf, type Digest } from '../../src/report/digest.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'
import { planRerun, rerunReport } from '../../src/run/rerun.js'

const SHA = 'a'.repeat(40)
const context = (attempt: number, runId = '4242'): RunContext => ({
  eventName: 'pull_request',
  owner: 'o',
  repo: 'r',
  sha: SHA,
  ref: 'feature',
  serverUrl: 'https://github.com',
  workflowRunId: runId,
  runAttempt: attempt
})

const test = (id: string, status: TestResult['status'], rerunKey?: string): TestResult => ({
  id,
  name: `name of ${id}`,
  status,
  links: [],
  ...(rerunKey ? { rerunKey } : {})
})

function report(tests: TestResult[], status: RunReport['status'] = 'failed'): RunReport {
  return {
    provider: 'p',
    runId: 'vendor-run-1',
    url: 'https://vendor.example/r/1',
    status,
    counts: countTests(tests),
    tests
  }
}

function digest(
  tests: TestResult[],
  overrides: Partial<Digest> = {},
  status?: RunReport['status']
): Digest {
  return {
    ...digestOf(
      {
        report: report(tests, status),
        verdict: {
          fails: status !== 'passed',
          decidedBy: status === 'passed' ? 'none' : 'fail-on'
        },
        config: 'config-1',
        sha: SHA,
        workflowRunId: '4242',
        attempt: 1
      },
      'key'
    ),
    ...overrides
  }
}

const attempt1 = [
  test('a', 'passed'),
  test('b', 'failed', 'b-v2'),
  test('c', 'errored'),
  test('d', 'passed')
]

describe('planRerun', () => {
  it('selects the failed and errored tests by the key the vendor re-runs them by', () => {
    const plan = planRerun(context(2), { digest: digest(attempt1) })
    expect(plan.selection).toEqual({ previousRunId: 'vendor-run-1', keys: ['b-v2', 'c'] })
    expect(plan.explanation).toBe(
      'Re-running the 2 tests that failed in attempt 1: https://vendor.example/r/1'
    )
  })

  it('never sends a key twice (several calls of one scenario)', () => {
    const tests = [test('s1#1', 'failed', 's1'), test('s1#2', 'failed', 's1')]
    expect(planRerun(context(2), { digest: digest(tests) }).selection?.keys).toEqual(['s1'])
  })

  it.each([
    [{ reason: 'PR #7 has no comment' }, context(2), 'PR #7 has no comment'],
    [
      { digest: digest(attempt1) },
      context(2, '999'),
      'records workflow run 4242, not an earlier attempt'
    ],
    [
      { digest: digest(attempt1, { attempt: 2 }) },
      context(2),
      'records attempt 2, not an earlier one'
    ],
    [{ digest: digest(attempt1, {}, 'timed-out') }, context(2), 'attempt 1 ended timed-out'],
    [
      { digest: digest(attempt1, { unlisted: 300 }) },
      context(2),
      '302 failed tests, more than its digest lists (2)'
    ],
    [{ digest: digest([test('a', 'passed')], {}, 'passed') }, context(2), 'attempt 1 ended passed']
  ])('runs everything and says why: %#', (previous, ctx, why) => {
    const plan = planRerun(ctx, previous)
    expect(plan.selection).toBeUndefined()
    expect(plan.explanation).toMatch(/^rerun: failed, but running every test: /)
    expect(plan.explanation).toContain(why)
  })
})

describe('planRerun with the vendor asked', () => {
  it('runs everything, saying why, when the vendor cannot re-run the selection', () => {
    const asked: unknown[] = []
    const plan = planRerun(context(2), { digest: digest(attempt1) }, (selection) => {
      asked.push(selection)
      return 'the vendor re-runs by integer run id, and "vendor-run-1" is not one'
    })
    expect(asked).toEqual([{ previousRunId: 'vendor-run-1', keys: ['b-v2', 'c'] }])
    expect(plan).toEqual({
      explanation:
        'rerun: failed, but running every test: the vendor re-runs by integer run id, and "vendor-run-1" is not one.'
    })
  })

  it('re-runs the selection the vendor can use', () => {
    const plan = planRerun(context(2), { digest: digest(attempt1) }, () => undefined)
    expect(plan.selection?.keys).toEqual(['b-v2', 'c'])
    expect(plan.earlier).toBeDefined()
  })
})

describe('rerunReport', () => {
  it('counts the earlier passes outside the selection in the totals, not in the list', () => {
    const rerun = rerunReport(
      report([test('b', 'passed', 'b-v2'), test('c', 'passed')], 'passed'),
      digest(attempt1),
      'V'
    )
    expect(rerun.status).toBe('passed')
    expect(rerun.counts).toMatchObject({ total: 4, passed: 4, failed: 0 })
    expect(rerun.tests).toHaveLength(2)
    expect(rerun.rerunOf).toEqual({
      attempt: 1,
      runId: 'vendor-run-1',
      url: 'https://vendor.example/r/1',
      rerun: 2,
      passed: 2,
      notRerun: 0,
      outside: []
    })
  })

  it('counts a selected test the vendor returned no result for as failed, not re-run', () => {
    const rerun = rerunReport(
      report([test('b', 'passed', 'b-v2')], 'passed'),
      digest(attempt1),
      'V'
    )
    expect(rerun.status).toBe('failed')
    expect(rerun.counts).toMatchObject({ total: 4, passed: 3, failed: 1 })
    expect(rerun.tests.find((t) => t.id === 'c')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('Not re-run by V')
    })
    expect(rerun.rerunOf?.notRerun).toBe(1)
  })

  it('never counts a test outside the selection as a pass; one that failed counts', () => {
    const ran = [test('x', 'passed'), test('y', 'failed'), test('z', 'passed')]
    const rerun = rerunReport(report(ran, 'failed'), digest(attempt1), 'V')
    expect(rerun.status).toBe('failed')
    // b and c not re-run, y failed; the 2 earlier passes count; x and z do not
    expect(rerun.counts).toMatchObject({ total: 5, passed: 2, failed: 3 })
    expect(rerun.rerunOf?.outside).toEqual(['name of x', 'name of z'])
  })

  it('fails a re-run that ran nothing, whatever the vendor says', () => {
    const rerun = rerunReport(report([], 'no-tests'), digest(attempt1), 'V')
    expect(rerun.status).toBe('failed')
    expect(rerun.counts).toMatchObject({ total: 4, passed: 2, failed: 2 })
  })

  it('takes a selected test that came back skipped as not re-run', () => {
    const ran = [test('b', 'skipped', 'b-v2'), test('c', 'passed')]
    expect(rerunReport(report(ran, 'passed'), digest(attempt1), 'V')).toMatchObject({
      status: 'failed',
      counts: { failed: 1, passed: 3, skipped: 0 }
    })
  })

  it('judges every result of a test the vendor returns twice: one failure fails the re-run', () => {
    const ran = [test('b', 'failed', 'b-v2'), test('b', 'passed', 'b-v2'), test('c', 'passed')]
    const rerun = rerunReport(report(ran, 'failed'), digest(attempt1), 'V')
    expect(rerun.status).toBe('failed')
    expect(rerun.counts).toMatchObject({ total: 5, passed: 4, failed: 1 })
    expect(rerun.tests.filter((t) => t.id === 'b').map((t) => t.status)).toEqual([
      'failed',
      'passed'
    ])
  })

  it('keeps the status of a re-run the vendor did not finish', () => {
    const rerun = rerunReport(
      report([test('b', 'running', 'b-v2')], 'timed-out'),
      digest(attempt1),
      'V'
    )
    expect(rerun.status).toBe('timed-out')
    expect(rerun.rerunOf?.notRerun).toBe(0)
  })
})

describe('changesSince', () => {
  const previous = digest([
    test('a', 'failed'),
    test('b', 'failed'),
    test('c', 'failed'),
    test('d', 'passed')
  ])
  const now = report([
    test('a', 'failed'),
    test('b', 'passed'),
    test('d', 'failed'),
    test('e', 'errored')
  ])

  it('sorts failures into new, still failing and fixed on another commit', () => {
    const changes = changesSince(previous, now, 'b'.repeat(40))
    expect(changes.newFailures.map((t) => t.id)).toEqual(['d', 'e'])
    expect(changes.stillFailing.map((t) => t.id)).toEqual(['a'])
    expect(changes.fixed.map((t) => t.id)).toEqual(['b'])
    expect(changes.flaky).toEqual([])
    expect(changes.gone).toBe(1)
    expect(changes.since.sameCommit).toBe(false)
  })

  it('calls a test that failed and then passed on the same commit flaky, not fixed', () => {
    const changes = changesSince(previous, now, SHA)
    expect(changes.flaky.map((t) => t.id)).toEqual(['b'])
    expect(changes.fixed).toEqual([])
  })

  it('says when the last run listed only some of its failures', () => {
    const changes = changesSince({ ...previous, unlisted: 40 }, now, SHA)
    expect(changes.incomplete).toEqual({ listed: 3, failed: 43 })
  })
})

describe('commentWanted', () => {
  const red = digest([test('a', 'failed')])
  const green = digest([test('a', 'passed')], {}, 'passed')
  it('always writes under always', () => {
    expect(commentWanted('always', { fails: false, exists: false, current: green }).write).toBe(
      true
    )
  })
  it('under failure, writes a failing run, turns an existing comment green, and skips a new green one', () => {
    expect(commentWanted('failure', { fails: true, exists: false, current: red }).write).toBe(true)
    expect(commentWanted('failure', { fails: false, exists: true, current: green }).write).toBe(
      true
    )
    expect(commentWanted('failure', { fails: false, exists: false, current: green })).toEqual({
      write: false,
      reason: 'comment-on: failure, and the run passed'
    })
  })
  it('under change, writes only when the verdict or the failures differ', () => {
    const facts = { fails: true, exists: true, current: red }
    expect(commentWanted('change', { ...facts, previous: red }).write).toBe(false)
    expect(commentWanted('change', { ...facts, previous: green }).write).toBe(true)
    const other = digest([test('b', 'failed')])
    expect(commentWanted('change', { ...facts, previous: other }).write).toBe(true)
    expect(commentWanted('change', { ...facts, exists: false, previous: red }).write).toBe(true)
    expect(commentWanted('change', facts).write).toBe(true)
  })
  it("under change, rewrites a combined comment's section that names another commit", () => {
    const facts = { fails: true, exists: true, current: red }
    const older = { ...red, sha: 'b'.repeat(40) }
    expect(commentWanted('change', { ...facts, previous: older }).write).toBe(false)
    // the heading would count the leg as not run on this commit
    expect(commentWanted('change', { ...facts, previous: older, grouped: true }).write).toBe(true)
    expect(commentWanted('change', { ...facts, previous: red, grouped: true }).write).toBe(false)
  })
  it('under change, compares the decided verdict, not the status alone', () => {
    // min-pass-rate failed a run the vendor passed: same status, same (no) failures
    const below = digest(
      [test('a', 'passed')],
      { fails: true, decidedBy: 'min-pass-rate' },
      'passed'
    )
    const facts = { fails: true, exists: true }
    expect(commentWanted('change', { ...facts, current: below, previous: green }).write).toBe(true)
    expect(commentWanted('change', { ...facts, current: green, previous: below }).write).toBe(true)
  })
  it('under change, counts a record that lists only part of its failures as changed', () => {
    const partial = digest([test('a', 'failed')], { unlisted: 5 })
    const facts = { fails: true, exists: true }
    expect(commentWanted('change', { ...facts, current: partial, previous: partial }).write).toBe(
      true
    )
  })
})
