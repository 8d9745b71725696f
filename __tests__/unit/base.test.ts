import { describe, expect, it } from 'vitest'
import { compareWithBase, type BaseReading, type BaseRecord } from '../../src/report/base.js'
import { baseSection } from '../../src/report/base-section.js'
import { DIGEST_VERSION, type Digest } from '../../src/report/digest.js'
import { renderReport, SUMMARY_LIMITS } from '../../src/report/markdown.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'
import { decidingText, evaluatePolicy } from '../../src/report/policy.js'
import { decide } from '../../src/run/decide.js'

const test = (id: string, status: TestResult['status']): TestResult => ({
  id,
  name: `Test ${id}`,
  status,
  links: []
})

function report(tests: TestResult[], status: RunReport['status'] = 'failed'): RunReport {
  return { provider: 'octomind', runId: 'pr-run', status, counts: countTests(tests), tests }
}

function record(sha: string, failed: string[], fields: Partial<Digest> = {}): BaseRecord {
  return {
    digest: {
      version: DIGEST_VERSION,
      config: 'cfg',
      sha,
      runId: `run-${sha}`,
      url: `https://vendor.example/runs/${sha}`,
      status: failed.length > 0 ? 'failed' : 'passed',
      fails: failed.length > 0,
      decidedBy: failed.length > 0 ? 'fail-on' : 'none',
      passed: 6 - failed.length,
      total: 6,
      passedOutside: 0,
      failures: failed.map((id) => ({ id })),
      unlisted: 0,
      ...fields
    },
    checkUrl: `https://github.com/acme/shop/runs/${sha}`
  }
}

const reading = (records: BaseRecord[], problem?: string): BaseReading => ({
  branch: 'main',
  records,
  problem
})

const PR = report([
  test('T1', 'passed'),
  test('T2', 'failed'),
  test('T3', 'failed'),
  test('T4', 'errored'),
  test('T5', 'failed')
])

describe('compareWithBase', () => {
  it('calls a failure unknown when two tests of the run share its id: a record cannot tell them apart', () => {
    // e.g. two tests a vendor names alike, one failing on main, the other failing here
    const twins = report([test('T2', 'passed'), test('T2', 'failed'), test('T5', 'failed')])
    const base = compareWithBase(reading([record('c3', ['T2', 'T5'])]), twins)
    expect(base.unknown.map((t) => t.id)).toEqual(['T2'])
    expect(base.failingOnBase.map((t) => t.id)).toEqual(['T5'])
  })

  it('judges each failure by the newest base run that knows it, and the older ones for a mix', () => {
    const base = compareWithBase(
      reading([
        record('c3', ['T2']), // latest: T2 fails
        record('c2', ['T3']), // T3 failed here, passed in the latest: flaky
        record('c1', ['T2', 'T4'], { unlisted: 0 })
      ]),
      PR
    )
    expect(base.failingOnBase.map((t) => t.id)).toEqual(['T2'])
    expect(base.flakyOnBase.map((t) => t.id)).toEqual(['T3', 'T4'])
    expect(base.newFailures.map((t) => t.id)).toEqual(['T5'])
    expect(base.unknown).toEqual([])
    expect(base.runs.map((run) => run.sha)).toEqual(['c3', 'c2', 'c1'])
  })

  it('leaves every failure unknown without a base record, and says why', () => {
    const none = compareWithBase(reading([], 'the check runs could not be read (HTTP 403)'), PR)
    expect(none.unknown.map((t) => t.id)).toEqual(['T2', 'T3', 'T4', 'T5'])
    expect(none.problem).toBe('the check runs could not be read (HTTP 403)')
    expect(compareWithBase(reading([]), PR).problem).toBe(
      'no run of this configuration on main left a record'
    )
  })

  it('takes no evidence from a base run that ran no tests to a verdict', () => {
    const errored = record('c9', [], { status: 'errored', fails: true, decidedBy: 'fail-on' })
    const base = compareWithBase(reading([errored]), PR)
    expect(base.runs).toEqual([])
    expect(base.unknown).toHaveLength(4)
    expect(base.problem).toContain('have no test results')
  })

  it('knows nothing of a test a record may have left unlisted', () => {
    const partial = record('c5', ['T2'], { unlisted: 3 })
    const base = compareWithBase(reading([partial, record('c4', [])]), PR)
    expect(base.failingOnBase.map((t) => t.id)).toEqual(['T2'])
    // c5 cannot tell; c4, older, says T3, T4 and T5 did not fail
    expect(base.newFailures.map((t) => t.id)).toEqual(['T3', 'T4', 'T5'])
  })

  it('counts the failures a report does not list as unlisted', () => {
    const run = report([test('T2', 'failed')])
    run.counts = { ...run.counts, failed: 3, total: 8 }
    expect(compareWithBase(reading([record('c1', ['T2'])]), run).unlisted).toBe(2)
  })
})

describe('fail-on: new-failures', () => {
  const failOn = ['new-failures', 'errored', 'timed-out', 'cancelled', 'no-tests'] as const
  const policy = { failOn: [...failOn] }
  const onlyT2 = report([test('T1', 'passed'), test('T2', 'failed')])

  it('fails a failed run only when a failure is new or unknown against the base branch', () => {
    const known = compareWithBase(reading([record('c1', ['T2'])]), onlyT2)
    expect(evaluatePolicy(onlyT2, policy, known)).toMatchObject({
      fails: false,
      decidedBy: 'none',
      newFailures: { count: 0, branch: 'main' }
    })
    const withT5 = compareWithBase(reading([record('c1', ['T2'])]), PR)
    const verdict = evaluatePolicy(PR, policy, withT5)
    expect(verdict).toMatchObject({ fails: true, decidedBy: 'new-failures' })
    expect(decidingText(verdict, 'failed')).toBe(
      'decided by new-failures: 3 failed tests are new against main'
    )
  })

  it('counts every failure as new without a base comparison, or with no base record', () => {
    expect(evaluatePolicy(onlyT2, policy)).toMatchObject({
      fails: true,
      decidedBy: 'new-failures',
      newFailures: { count: 1 }
    })
    const unknown = compareWithBase(reading([], 'no record'), onlyT2)
    expect(evaluatePolicy(onlyT2, policy, unknown).decidedBy).toBe('new-failures')
  })

  it('still fails on the other statuses, and leaves the default policy as it was', () => {
    const errored = report([], 'errored')
    expect(evaluatePolicy(errored, policy).decidedBy).toBe('fail-on')
    const known = compareWithBase(reading([record('c1', ['T2'])]), onlyT2)
    const failure = { failOn: ['failed' as const, 'errored' as const] }
    expect(evaluatePolicy(onlyT2, failure, known).decidedBy).toBe('fail-on')
  })

  it('ends the step with the rule named, or a warning that says nothing is new', () => {
    const settings = { failOn: [...failOn], allowNoTests: false, timeoutMinutes: 30 }
    const withT5 = compareWithBase(reading([record('c1', ['T2'])]), PR)
    const failing = decide(PR, settings, [], 'Octomind', withT5)
    expect(failing.decidedBy).toBe('new-failures')
    expect(failing.failure).toContain(
      'The step fails, decided by new-failures: 3 failed tests are new against main.'
    )
    const known = compareWithBase(reading([record('c1', ['T2'])]), onlyT2)
    const passing = decide(onlyT2, settings, [], 'Octomind', known)
    expect(passing.failure).toBeUndefined()
    expect(passing.notice).toEqual({
      level: 'warning',
      text: 'Octomind: 1 of 2 tests failed (no failure is new against main; fail-on: new-failures, errored, timed-out, cancelled, no-tests)'
    })
  })
})

describe('the section "Against <base>"', () => {
  it('shows each class above the failures, naming the base run compared with', () => {
    const base = compareWithBase(
      reading([record('c3c3c3c3', ['T2']), record('c2c2c2c2', ['T3'])]),
      report([test('T2', 'failed'), test('T3', 'failed'), test('T5', 'failed')])
    )
    expect(baseSection(base, 'Octomind')).toBe(
      [
        '### Against main (latest of 2 runs: commit c3c3c3c, [Octomind report](https://vendor.example/runs/c3c3c3c3))',
        '',
        '🆕 **1 new** (not failing on main): Test T5<br>',
        '❌ **1 failing on main too**: Test T2<br>',
        '🎲 **1 flaky on main** (mixed results in its recent runs): Test T3'
      ].join('\n')
    )
    const markdown = renderReport(
      PR,
      { vendor: 'Octomind', base: compareWithBase(reading([record('c1', ['T2'])]), PR) },
      SUMMARY_LIMITS
    )
    expect(markdown.indexOf('### Against main')).toBeGreaterThan(0)
    expect(markdown.indexOf('### Against main')).toBeLessThan(markdown.indexOf('### Failed tests'))
  })

  it('says why every failure is unknown, and shows nothing for a run without failures', () => {
    const unknown = compareWithBase(reading([], 'no record'), PR)
    expect(baseSection(unknown, 'Octomind')).toBe(
      '### Against main\n\n❔ **4 unknown** (no record): Test T2, Test T3, Test T4, Test T5'
    )
    const passed = report([test('T1', 'passed')], 'passed')
    expect(baseSection(compareWithBase(reading([]), passed), 'Octomind')).toBeUndefined()
  })

  it('escapes a branch name and never names more than a few unknown tests', () => {
    const many = report(Array.from({ length: 12 }, (_, i) => test(`U${i}`, 'failed')))
    const section = baseSection(compareWithBase({ branch: 'release/<b>*', records: [] }, many), 'V')
    expect(section).toContain('### Against release/&lt;b&gt;\\*')
    expect(section).toContain('Test U7, and 4 more')
  })
})

describe('fail-on: new-failures, a failed run the vendor ended with tests unfinished', () => {
  it('fails on the unfinished tests, though no failure is new', () => {
    const tests = [test('T1', 'passed'), test('T2', 'failed'), test('T3', 'running')]
    const run = report(tests)
    const known = compareWithBase(reading([record('c1', ['T2'])]), run)
    const failOn = ['new-failures', 'errored', 'timed-out', 'cancelled', 'no-tests'] as const
    const verdict = evaluatePolicy(run, { failOn: [...failOn] }, known)
    expect(verdict).toMatchObject({ fails: true, decidedBy: 'fail-on' })
  })
})
