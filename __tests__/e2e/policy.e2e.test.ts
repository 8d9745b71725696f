import { describe, expect, it } from 'vitest'
import type { FutureAgiScenario } from '../simulators/futureagi.js'
import { KEY, vendorWorld } from '../simulators/vendor-world.js'
import { SCENARIO } from '../vendors/futureagi.js'
import { kitOf } from '../vendors/index.js'

/** The verdict policy (fail-on, thresholds), end to end through dist/index.js. */

const { world, start, run, testiflySim, futureAgiSim } = vendorWorld()

describe('verdict policy, end to end through dist/index.js', () => {
  const testifly = (url: string) => kitOf('testifly').matrix.inputs(url, KEY)
  const futureAgi = (url: string) => kitOf('futureagi').matrix.inputs(url, KEY)

  /** Three calls, all passing their evals; Future AGI's overall_score is 1–10. */
  const scoredCalls = (): FutureAgiScenario[] => {
    const passing = (score: number) => ({
      status: 'completed',
      overall_score: score,
      evals: [{ name: 'Task completion', type: 'Pass/Fail' as const, value: 'Passed' }]
    })
    return [
      { id: SCENARIO.refund, name: 'Refund request', calls: 2, outcome: passing(9) },
      { id: SCENARIO.angry, name: 'Angry customer', calls: 1, outcome: passing(6.5) }
    ]
  }

  it('passes a failed run with a warning when fail-on leaves failed out', async () => {
    const sim = await start(testiflySim('fail'))
    const result = await run({ ...testifly(sim.url), 'fail-on': 'errored, timed-out\ncancelled' })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'failed', 'decided-by': 'none' })
    expect(result.warnings.join('\n')).toContain(
      'Testifly: 1 of 3 tests failed (fail-on: errored, timed-out, cancelled)'
    )
    expect(result.summary).toContain(
      '**The step passes**: no rule failed the run (`fail-on: errored, timed-out, cancelled`).'
    )
  })

  it('fails on min-pass-rate a run whose status fail-on lets pass, naming the rule', async () => {
    const sim = await start(testiflySim('fail'))
    const result = await run({ ...testifly(sim.url), 'fail-on': 'errored', 'min-pass-rate': '90' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', 'decided-by': 'min-pass-rate' })
    // As the workflow command carries it: % as %25, a line break as %0A.
    expect(result.errors.join('\n')).toContain(
      'failed%0AThe step fails, decided by min-pass-rate: Pass rate: 66.6%25 of 3 executed tests passed (minimum 90%25).'
    )
    expect(result.summary).toContain('❌ Testifly: 1 of 3 tests failed, below min-pass-rate')
    expect(result.summary).toContain(
      'Pass rate: 66.6% of 3 executed tests passed \\(minimum 90%\\) ✗'
    )
    const comment = world.github.commentsOn(21)[0]?.body ?? ''
    expect(comment).toContain('**The step fails**, decided by min-pass-rate')
  })

  it('lets min-pass-rate judge failed tests when fail-on is left unset', async () => {
    const sim = await start(testiflySim('fail'))
    const result = await run({ ...testifly(sim.url), 'min-pass-rate': '50' })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'failed', 'decided-by': 'none' })
    expect(result.warnings.join('\n')).toContain(
      'Testifly: 1 of 3 tests failed (failed tests judged by min-pass-rate, which the run meets)'
    )
    expect(result.summary).toContain('\\(minimum 50%\\) ✓')
    expect(result.summary).toContain(
      '**The step passes**: failed tests are judged by min-pass-rate, which the run meets \\(fail-on is not set\\).'
    )
  })

  it('names fail-on when it is set and the status decides, with min-pass-rate met beside it', async () => {
    const sim = await start(testiflySim('fail'))
    const result = await run({ ...testifly(sim.url), 'min-pass-rate': '50', 'fail-on': 'failure' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs['decided-by']).toBe('fail-on')
    expect(result.errors.join('\n')).toContain('decided by fail-on, which includes failed.')
    expect(result.summary).toContain('\\(minimum 50%\\) ✓')
  })

  it('refuses a pass rate written as a fraction, and a score rule for a vendor without scores', async () => {
    const sim = await start(testiflySim('pass'))
    const result = await run({ ...testifly(sim.url), 'min-pass-rate': '0.9', 'min-score': '7' })

    expect(result.exitCode).toBe(1)
    const errors = result.errors.join('\n')
    expect(errors).toContain(
      'Input "min-pass-rate": expected a percent from 0 to 100: 0.9 would be 0.9 %25; for 90 %25 write 90'
    )
    expect(sim.requestsTo('execute')).toHaveLength(0)
    const scoreless = await run({ ...testifly(sim.url), 'min-score': '7' })
    expect(scoreless.errors.join('\n')).toContain(
      'Input "min-score": testifly gives its tests no score, so no run could meet it'
    )
    expect(sim.requestsTo('execute')).toHaveLength(0)
  })

  it('fails a Future AGI run the vendor passed when a call scores below min-score', async () => {
    const sim = await start(futureAgiSim('pass', { scenarios: scoredCalls() }))
    const result = await run({ ...futureAgi(sim.url), 'min-score': '7' })

    expect(result.exitCode).toBe(1)
    // the outputs say what the step decided: `passed` only ever for a step that passed
    expect(result.outputs).toMatchObject({
      status: 'failed',
      'decided-by': 'min-score',
      passed: '2',
      failed: '1'
    })
    expect(result.errors.join('\n')).toContain(
      'Future AGI: 1 of 3 tests failed (1 below min-score 7)%0AThe step fails, decided by min-score: Score: lowest 6.5 of 3 scored tests, 1 of 3 below (minimum 7).'
    )
    // the call that broke the threshold is a failure, listed first, its score beside the threshold
    expect(result.summary).toContain('❌ Future AGI: 1 of 3 tests failed \\(1 below min-score 7\\)')
    expect(result.summary).toContain('| 3 | 2 | 1 | 0 |')
    expect(result.summary).toContain('❌ **Angry customer** · score 6.5, below min-score 7')
    expect(result.summary.indexOf('Angry customer')).toBeLessThan(
      result.summary.indexOf('✅ 2 passed</summary>')
    )
    expect(result.summary).not.toContain('| ✅ Angry customer')
    expect(result.summary).toContain(
      'Score: lowest 6.5 of 3 scored tests, 1 of 3 below \\(minimum 7\\) ✗'
    )
  })

  it("does not judge the 0/1 fallback Future AGI's server stores when a call's score failed", async () => {
    // CSAT failed on one call: the server stored its success evaluation, "true", as 1.0
    const scenarios = scoredCalls().map((scenario, i) =>
      i === 1 ? { ...scenario, outcome: { ...scenario.outcome, overall_score: 1 } } : scenario
    )
    const sim = await start(futureAgiSim('pass', { scenarios }))
    const result = await run({ ...futureAgi(sim.url), 'min-score': '6' })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'passed', 'decided-by': 'none', failed: '0' })
    expect(result.summary).toContain(
      'Score: lowest 9 of 2 scored tests \\(minimum 6\\); 1 test without a score, not judged ✓'
    )
    expect(result.summary).toContain(
      '| ✅ Angry customer | 42s | 1: fallback or a score of 1, not judged |'
    )
  })

  it('judges min-average-score on the mean of the calls, shown beside the threshold', async () => {
    const sim = await start(futureAgiSim('pass', { scenarios: scoredCalls() }))
    const below = await run({ ...futureAgi(sim.url), 'min-average-score': '8.5' })

    expect(below.exitCode).toBe(1)
    expect(below.outputs['decided-by']).toBe('min-average-score')
    expect(below.summary).toContain('Score: average 8.16 over 3 scored tests \\(minimum 8.5\\) ✗')

    const met = await run({ ...futureAgi(sim.url), 'min-average-score': '8', 'min-score': '6' })
    expect(met.exitCode, met.stdout).toBe(0)
    expect(met.outputs).toMatchObject({ status: 'passed', 'decided-by': 'none' })
    expect(met.summary).toContain('Score: average 8.16 over 3 scored tests \\(minimum 8\\) ✓')
    expect(met.summary).toContain('Score: lowest 6.5 of 3 scored tests \\(minimum 6\\) ✓')
  })

  it('stops on a bad policy input before anything is sent, naming the input', async () => {
    const sim = await start(futureAgiSim('pass'))
    const result = await run({
      ...futureAgi(sim.url),
      'fail-on': 'failed, flaky',
      'min-score': 'ten'
    })

    expect(result.exitCode).toBe(1)
    const errors = result.errors.join('\n')
    expect(errors).toContain('Input "fail-on": unknown "flaky"')
    expect(errors).toContain('Input "min-score": expected a plain number')
    expect(sim.requestsTo('execute')).toHaveLength(0)
  })
})
