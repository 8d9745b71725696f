import { describe, expect, it } from 'vitest'
import { countTests, type RunStatus, type TestResult } from '../../src/report/model.js'
import {
  checkText,
  decidingText,
  evaluatePolicy,
  figure,
  passRate,
  stepStatus,
  withThresholdFailures,
  type VerdictPolicy
} from '../../src/report/policy.js'
import { headline, policyLines, renderReport, SUMMARY_LIMITS } from '../../src/report/markdown.js'
import { judge } from '../../src/report/verdict.js'

const ALL = ['failed', 'errored', 'timed-out', 'cancelled', 'no-tests'] as const

function test(status: TestResult['status'], score?: number): TestResult {
  return {
    id: `t-${Math.random()}`,
    name: 'a call',
    status,
    links: [],
    ...(score === undefined ? {} : { score })
  }
}

function report(status: RunStatus, tests: TestResult[]) {
  return { provider: 'x', runId: 'r', status, counts: countTests(tests), tests }
}

const policy = (fields: Partial<VerdictPolicy> = {}): VerdictPolicy => ({
  failOn: [...ALL],
  ...fields
})

describe('evaluatePolicy: fail-on', () => {
  it('fails on each status in the list, and on none other', () => {
    for (const status of ALL) {
      const run = report(status, [])
      expect(evaluatePolicy(run, policy()).decidedBy).toBe('fail-on')
      expect(evaluatePolicy(run, policy({ failOn: ALL.filter((c) => c !== status) })).fails).toBe(
        false
      )
    }
    expect(evaluatePolicy(report('passed', [test('passed')]), policy())).toEqual({
      fails: false,
      decidedBy: 'none',
      failedRules: [],
      failOn: ALL,
      checks: [],
      failedJudgedByRate: false
    })
  })

  it('judges nothing in a run without a verdict yet (wait: false)', () => {
    const started = report('queued', [])
    expect(evaluatePolicy(started, policy({ minPassRate: 100, minScore: 9 }))).toMatchObject({
      fails: false,
      checks: []
    })
  })
})

describe('evaluatePolicy: min-pass-rate', () => {
  const oneFailure = report('failed', [
    test('passed'),
    test('passed'),
    test('passed'),
    test('failed')
  ])

  it('fails a run below it even when fail-on lets its status pass', () => {
    const verdict = evaluatePolicy(oneFailure, policy({ failOn: ['errored'], minPassRate: 80 }))
    expect(verdict).toMatchObject({ fails: true, decidedBy: 'min-pass-rate' })
    expect(verdict.checks).toEqual([
      { rule: 'min-pass-rate', threshold: 80, value: 75, over: 4, outcome: 'failed' }
    ])
  })

  it('passes a run at the threshold exactly, compared without rounding', () => {
    const nineOfTen = report('failed', [
      ...Array.from({ length: 9 }, () => test('passed')),
      test('failed')
    ])
    expect(evaluatePolicy(nineOfTen, policy({ failOn: [], minPassRate: 90 })).fails).toBe(false)
    const twoOfThree = report('failed', [test('passed'), test('passed'), test('errored')])
    // 66.666…% is below 66.67 and meets 66.6
    expect(evaluatePolicy(twoOfThree, policy({ failOn: [], minPassRate: 66.67 })).fails).toBe(true)
    expect(evaluatePolicy(twoOfThree, policy({ failOn: [], minPassRate: 66.6 })).fails).toBe(false)
  })

  it('counts errored tests as executed, and skipped ones not at all', () => {
    const run = report('failed', [
      test('passed'),
      test('errored'),
      test('skipped'),
      test('skipped')
    ])
    expect(passRate(run)).toBe(50)
  })

  it('leaves a suppressed failure out, as the verdict does', () => {
    const snoozed = { ...test('skipped'), suppressed: 'failed; snoozed in Empirical' }
    const run = report('passed', [test('passed'), snoozed])
    expect(evaluatePolicy(run, policy({ minPassRate: 100 })).fails).toBe(false)
  })

  it('is not applicable when no test ran: the no-tests status decides', () => {
    const empty = report('no-tests', [test('skipped')])
    const verdict = evaluatePolicy(empty, policy({ minPassRate: 50 }))
    expect(verdict.decidedBy).toBe('fail-on')
    expect(verdict.checks[0]?.outcome).toBe('not-applicable')
    expect(evaluatePolicy(empty, policy({ failOn: [], minPassRate: 50 })).fails).toBe(false)
  })

  it('is met by a passed run at 100%', () => {
    const run = report('passed', [test('passed')])
    expect(evaluatePolicy(run, policy({ minPassRate: 100 })).checks[0]?.outcome).toBe('met')
  })
})

describe('evaluatePolicy: scores', () => {
  const scored = report('passed', [test('passed', 9), test('passed', 6.5), test('passed', 8)])

  it('fails min-score on any scored test below it, and names how many', () => {
    const verdict = evaluatePolicy(scored, policy({ minScore: 7 }))
    expect(verdict).toMatchObject({ fails: true, decidedBy: 'min-score' })
    expect(verdict.checks[0]).toEqual({
      rule: 'min-score',
      threshold: 7,
      value: 6.5,
      over: 3,
      below: 1,
      unscored: 0,
      outcome: 'failed'
    })
    expect(evaluatePolicy(scored, policy({ minScore: 6.5 })).fails).toBe(false)
  })

  it('fails min-average-score on a mean below it', () => {
    const verdict = evaluatePolicy(scored, policy({ minAverageScore: 8 }))
    expect(verdict.decidedBy).toBe('min-average-score')
    expect(verdict.checks[0]?.value).toBeCloseTo(7.8333, 3)
    expect(evaluatePolicy(scored, policy({ minAverageScore: 7.8 })).fails).toBe(false)
  })

  it('judges only the tests that have a score, and says how many have none', () => {
    const run = report('failed', [test('passed', 9), test('errored')])
    const verdict = evaluatePolicy(run, policy({ failOn: [], minScore: 8, minAverageScore: 9 }))
    expect(verdict.fails).toBe(false)
    expect(verdict.checks.map((check) => check.over)).toEqual([1, 1])
    expect(checkText(verdict.checks[0]!)).toBe(
      'Score: lowest 9 of 1 scored test (minimum 8); 1 test without a score, not judged'
    )
  })

  it('fails a threshold no test could be measured against, when tests ran', () => {
    const unscored = report('passed', [test('passed')])
    const verdict = evaluatePolicy(unscored, policy({ minScore: 5, minAverageScore: 5 }))
    expect(verdict.failedRules).toEqual(['min-score', 'min-average-score'])
    expect(verdict.checks[0]?.value).toBeUndefined()
    const empty = report('no-tests', [])
    expect(evaluatePolicy(empty, policy({ failOn: [], minScore: 5 })).fails).toBe(false)
  })

  it('lists every failed rule in order, the first deciding', () => {
    const run = report('failed', [test('passed', 9), test('failed', 2)])
    const verdict = evaluatePolicy(
      run,
      policy({ minPassRate: 60, minScore: 5, minAverageScore: 6 })
    )
    expect(verdict.failedRules).toEqual([
      'fail-on',
      'min-pass-rate',
      'min-score',
      'min-average-score'
    ])
  })
})

describe('a threshold failure, as the step decided it', () => {
  it('fails the tests below min-score the vendor passed, and counts them failed', () => {
    const low = { ...test('passed', 5.5), name: 'Angry customer' }
    const run = report('passed', [test('passed', 8), low, test('passed', 9), test('failed', 2)])
    const verdict = evaluatePolicy(run, policy({ failOn: [], minScore: 6 }))
    const shown = withThresholdFailures(run, verdict)
    expect(shown.status).toBe('failed')
    expect(shown.counts).toMatchObject({ total: 4, passed: 2, failed: 2 })
    const failed = shown.tests.filter((t) => t.belowThreshold)
    expect(failed.map((t) => [t.name, t.status, t.belowThreshold])).toEqual([
      ['Angry customer', 'failed', { rule: 'min-score', threshold: 6 }]
    ])
    // the vendor's own failure stays as the vendor sent it
    expect(shown.tests[3]).toEqual(run.tests[3])
  })

  it('under a failed min-average-score, fails the tests below it; a met one fails none', () => {
    const run = report('passed', [test('passed', 9), test('passed', 5), test('passed', 7)])
    const failing = evaluatePolicy(run, policy({ minAverageScore: 8 }))
    expect(withThresholdFailures(run, failing).tests.map((t) => t.status)).toEqual([
      'passed',
      'failed',
      'failed'
    ])
    const met = evaluatePolicy(run, policy({ minAverageScore: 7 }))
    expect(withThresholdFailures(run, met)).toBe(run)
  })

  it('keeps `passed` as the status only for a step that passes', () => {
    const run = report('passed', [test('passed')])
    const unscored = evaluatePolicy(run, policy({ minScore: 6 }))
    expect(stepStatus(run, unscored)).toBe('failed')
    expect(stepStatus(run, evaluatePolicy(run, policy()))).toBe('passed')
    const failed = report('failed', [test('failed')])
    expect(stepStatus(failed, evaluatePolicy(failed, policy({ failOn: [] })))).toBe('failed')
  })

  it('lists the broken tests with the failures, their score beside the threshold', () => {
    const low = { ...test('passed', 5.5), name: 'Angry customer' }
    const run = report('passed', [test('passed', 8), low])
    const context = { vendor: 'Future AGI', policy: evaluatePolicy(run, policy({ minScore: 6 })) }
    const md = renderReport(run, context, SUMMARY_LIMITS)
    expect(md).toContain('| 2 | 1 | 1 | 0 |')
    expect(md).toContain('### Failed tests (1)')
    expect(md).toContain('❌ **Angry customer** · score 5.5, below min-score 6')
    expect(md).toContain('<details><summary>✅ 1 passed</summary>')
    expect(md.indexOf('Angry customer')).toBeLessThan(md.indexOf('<details>'))
  })
})

describe('what the policy says', () => {
  it('cuts figures rather than round them up to a threshold', () => {
    expect(figure(89.96)).toBe('89.9')
    expect(figure(100)).toBe('100')
    expect(figure(7.8333, 2)).toBe('7.83')
    expect(figure(0.3 * 3, 1)).toBe('0.9')
  })

  it('puts each figure beside its threshold', () => {
    const run = report('passed', [test('passed', 8), test('passed', 6.8)])
    const verdict = evaluatePolicy(
      run,
      policy({ minPassRate: 90, minScore: 7, minAverageScore: 8 })
    )
    expect(verdict.checks.map(checkText)).toEqual([
      'Pass rate: 100% of 2 executed tests passed (minimum 90%)',
      'Score: lowest 6.8 of 2 scored tests, 1 of 2 below (minimum 7)',
      'Score: average 7.4 over 2 scored tests (minimum 8)'
    ])
    expect(policyLines(run, verdict)).toBe(
      [
        'Pass rate: 100% of 2 executed tests passed \\(minimum 90%\\) ✓',
        'Score: lowest 6.8 of 2 scored tests, 1 of 2 below \\(minimum 7\\) ✗',
        'Score: average 7.4 over 2 scored tests \\(minimum 8\\) ✗',
        '**The step fails**, decided by min-score: Score: lowest 6.8 of 2 scored tests, 1 of 2 below \\(minimum 7\\).'
      ].join('<br>\n')
    )
  })

  it('shows the deciding rule in the headline and the summary when a threshold fails a passed run', () => {
    const run = report('passed', [test('passed', 8), test('passed', 6.8)])
    const verdict = evaluatePolicy(run, policy({ minAverageScore: 8 }))
    const context = { vendor: 'Future AGI', policy: verdict }
    const summary = renderReport(run, context, SUMMARY_LIMITS)
    expect(summary).toContain(
      '## ❌ Future AGI: 1 of 2 tests failed \\(1 below min-average-score 8\\)'
    )
    expect(summary).toContain('Score: average 7.4 over 2 scored tests \\(minimum 8\\) ✗')
    expect(summary).toContain('**The step fails**, decided by min-average-score')
  })

  it('names the rule when no test can be blamed: a run without scores', () => {
    const run = report('passed', [test('passed'), test('passed')])
    const verdict = evaluatePolicy(run, policy({ minScore: 6 }))
    expect(headline(run, { vendor: 'Future AGI', policy: verdict })).toBe(
      '❌ Future AGI: all 2 tests passed, min-score not checked: no test has a score'
    )
  })

  it('says the step passes, and under which fail-on, when no rule failed the run', () => {
    const run = report('failed', [test('passed'), test('failed')])
    const verdict = evaluatePolicy(run, policy({ failOn: ['errored', 'timed-out'] }))
    const context = { vendor: 'V', policy: verdict }
    expect(headline(run, context)).toBe('❌ V: 1 of 2 tests failed')
    expect(renderReport(run, context, SUMMARY_LIMITS)).toContain(
      '**The step passes**: no rule failed the run (`fail-on: errored, timed-out`).'
    )
  })
})

describe('the policy in the summary', () => {
  it('is left out of a passed run with no threshold set', () => {
    const run = report('passed', [test('passed')])
    const context = { vendor: 'V', policy: evaluatePolicy(run, policy()) }
    expect(renderReport(run, context, SUMMARY_LIMITS)).not.toContain('The step')
  })

  it('names fail-on when a status decides', () => {
    const run = report('failed', [test('passed'), test('failed')])
    const context = { vendor: 'V', policy: evaluatePolicy(run, policy()) }
    expect(renderReport(run, context, SUMMARY_LIMITS)).toContain(
      '**The step fails**, decided by fail-on, which includes failed.'
    )
  })
})

describe('evaluatePolicy: a failed run the vendor ended with tests unfinished', () => {
  // Octomind's own spec example: a FAILED report with a result still WAITING.
  const tests = [
    ...Array.from({ length: 9 }, () => test('passed')),
    test('failed'),
    ...Array.from({ length: 10 }, () => test('running'))
  ]
  const run = judge({
    provider: 'x',
    runId: 'r',
    signal: 'failed',
    counts: countTests(tests),
    tests
  })
  const lenient = ['errored', 'timed-out', 'cancelled', 'no-tests'] as const

  it('fails under min-pass-rate, which judges the failure, not the tests that never finished', () => {
    expect(run.status).toBe('failed')
    const verdict = evaluatePolicy(run, {
      failOn: [...lenient],
      minPassRate: 90,
      failedJudgedByRate: true
    })
    expect(verdict).toMatchObject({ fails: true, decidedBy: 'fail-on' })
    expect(decidingText(verdict, run.status)).toBe(
      'decided by fail-on, which includes errored: 10 tests did not finish'
    )
  })

  it('says so beside the failures', () => {
    expect(run.note).toBe('The vendor ended the run with 10 tests unfinished.')
  })

  it('names failed where fail-on has it, and passes where fail-on has neither', () => {
    const verdict = evaluatePolicy(run, { failOn: ['failed', 'errored'] })
    expect(decidingText(verdict, run.status)).toBe('decided by fail-on, which includes failed')
    expect(evaluatePolicy(run, { failOn: ['timed-out'] }).fails).toBe(false)
  })
})
