import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { encodeDigest, readDigest } from '../../src/report/digest.js'
import { FutureAgiSimulator, type FutureAgiScenario } from '../simulators/futureagi.js'
import type { OctomindSimulator } from '../simulators/octomind.js'
import { type ActionResult } from '../simulators/runner.js'
import { TestiflySimulator } from '../simulators/testifly.js'
import { FAGI_SECRET, RUN_TEST, SCENARIO_IDS } from '../vendors/futureagi.js'
import { RERUN_CASES } from '../vendors/octomind.js'
import { PROJECT, RERUN_IDS } from '../vendors/testifly.js'
import { rerunWorld, triggers, FAILING, KEY } from '../simulators/rerun-world.js'

/**
 * A re-run's fallbacks particular to a vendor, and a re-run checked against the tests it asked
 * for, end to end through dist/index.js (see rerun.e2e.test.ts for the re-run itself).
 */

const { start, attempt, ourComment, octomindCase, testiflyCase, futureAgiCase, empiricalCase } =
  rerunWorld()

describe('re-run fallbacks particular to a vendor', () => {
  it("Empirical: a saved run id that is not Empirical's integer id runs every test, naming it", async () => {
    const vendorCase = empiricalCase()
    const sim = await vendorCase.start()
    const inputs = vendorCase.inputs(sim.url)
    const first = await attempt(1, inputs)
    expect(first.exitCode, first.stdout).toBe(1)
    // The comment's digest now names a run id Empirical cannot re-run (a damaged or foreign one).
    const comment = ourComment()
    const reading = readDigest(comment?.body ?? '', KEY)
    if (!comment || reading.kind !== 'found') throw new Error('attempt 1 left no digest')
    const line = comment.body.split('\n').find((l) => l.startsWith('<!-- testgate-digest:')) ?? ''
    comment.body = comment.body.replace(
      line,
      encodeDigest({ ...reading.digest, runId: 'run-abc' }, KEY)
    )

    vendorCase.passNext()
    const second = await attempt(2, { ...inputs, rerun: 'failed' })

    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.stdout).toContain(
      'rerun: failed, but running every test: Empirical re-runs a run by its integer id, and the earlier attempt\'s run id "run-abc" is not one.'
    )
    const sent = triggers(sim, vendorCase.triggerRoute)
    vendorCase.expectAll(sent[1]!)
    expect(second.stdout).not.toContain('Re-running')
    expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
    expect(second.summary).not.toContain('Re-run of')
  })

  it('Octomind: a failure keyed by a result id (no test-case version) runs every test, naming it', async () => {
    const vendorCase = octomindCase()
    const sim = await vendorCase.start()
    const inputs = vendorCase.inputs(sim.url)
    const first = await attempt(1, inputs)
    expect(first.exitCode, first.stdout).toBe(1)
    const comment = ourComment()
    const reading = readDigest(comment?.body ?? '', KEY)
    if (!comment || reading.kind !== 'found') throw new Error('attempt 1 left no digest')
    const line = comment.body.split('\n').find((l) => l.startsWith('<!-- testgate-digest:')) ?? ''
    const failures = reading.digest.failures.map((failure, i) =>
      i === 0 ? { id: 'result res-1' } : failure
    )
    comment.body = comment.body.replace(line, encodeDigest({ ...reading.digest, failures }, KEY))

    vendorCase.passNext()
    const second = await attempt(2, { ...inputs, rerun: 'failed' })

    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.stdout).toContain(
      'rerun: failed, but running every test: Octomind re-runs tests by test-case version id (a UUID), which not every failure of the earlier attempt has (result res-1).'
    )
    vendorCase.expectAll(triggers(sim, vendorCase.triggerRoute)[1]!)
    // Every test ran again: attempt 1's passes are not added on top.
    expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
    expect(second.summary).not.toContain('Re-run of')
  })

  it('Future AGI: two failed calls of one scenario re-run that scenario once', async () => {
    const scenario = (i: number, calls: number, failing: boolean): FutureAgiScenario => ({
      id: SCENARIO_IDS[i]!,
      name: `Scenario ${i + 1}`,
      calls,
      outcome: {
        status: failing ? 'failed' : 'completed',
        ended_reason: failing ? 'silence-timed-out' : 'customer-ended-call'
      }
    })
    const sim = await start(
      new FutureAgiSimulator({
        apiKey: KEY,
        apiSecret: FAGI_SECRET,
        runTestId: RUN_TEST,
        // 5 calls: the dataset scenario's 2 calls fail
        scenarios: [scenario(0, 1, false), scenario(1, 2, true), scenario(2, 2, false)],
        steps: [{ status: 'completed', calls: 'final' }]
      })
    )
    const inputs = futureAgiCase().inputs(sim.url)
    const first = await attempt(1, { ...inputs, rerun: 'failed' })
    expect(first.outputs).toMatchObject({ total: '5', failed: '2' })

    sim.options.scenarios = [scenario(0, 1, false), scenario(1, 2, false), scenario(2, 2, false)]
    const second = await attempt(2, { ...inputs, rerun: 'failed' })

    expect(second.exitCode, second.stdout).toBe(0)
    expect(triggers(sim, 'execute')[1]).toEqual({ scenario_ids: [SCENARIO_IDS[1]] })
    expect(second.stdout).toContain('Re-running the 2 tests that failed in attempt 1 (1 to select)')
    expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
  })

  it('Future AGI: failed scenarios removed since run everything, without adding the earlier passes', async () => {
    const scenario = (i: number, failing: boolean): FutureAgiScenario => ({
      id: SCENARIO_IDS[i]!,
      name: `Scenario ${i + 1}`,
      calls: 1,
      outcome: {
        status: failing ? 'failed' : 'completed',
        ended_reason: failing ? 'silence-timed-out' : 'customer-ended-call'
      }
    })
    const sim = await start(
      new FutureAgiSimulator({
        apiKey: KEY,
        apiSecret: FAGI_SECRET,
        runTestId: RUN_TEST,
        scenarios: [scenario(0, false), scenario(1, true), scenario(2, false)],
        steps: [{ status: 'completed', calls: 'final' }]
      })
    )
    const inputs = { ...futureAgiCase().inputs(sim.url), rerun: 'failed' }
    expect((await attempt(1, inputs)).outputs).toMatchObject({ total: '3', failed: '1' })

    // scenario 2 is taken off the run test; the others pass
    sim.options.scenarios = [scenario(0, false), scenario(2, false)]
    const second = await attempt(2, inputs)

    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.stdout).toContain(
      `rerun: failed, but running every test: the scenarios that failed in the earlier attempt are no longer scenarios of run test ${RUN_TEST}.`
    )
    expect(triggers(sim, 'execute')[1]).toEqual({})
    expect(second.outputs).toMatchObject({ status: 'passed', total: '2', passed: '2' })
    expect(second.summary).not.toContain('Re-run of')
  })

  it('Testifly: one failed test is re-run as testId', async () => {
    const tests = (failing: boolean) =>
      RERUN_IDS.map((id, i) => ({
        id,
        title: `Flow ${i + 1}`,
        status: failing && i === 2 ? 'Failed' : 'Passed'
      }))
    const sim = await start(
      new TestiflySimulator({
        apiKey: KEY,
        projectId: PROJECT,
        script: [{ job: 'Failed', tests: tests(true) }]
      })
    )
    const inputs = { ...testiflyCase().inputs(sim.url), agent: '' }
    const first = await attempt(1, { ...inputs, rerun: 'failed' })
    expect(first.outputs).toMatchObject({ total: '5', failed: '1' })

    sim.options.script = [{ job: 'Success', tests: tests(false) }]
    const second = await attempt(2, { ...inputs, rerun: 'failed' })

    expect(second.exitCode, second.stdout).toBe(0)
    expect(triggers(sim, 'execute')[1]).toEqual({ action: 'executeTests', testId: RERUN_IDS[2] })
    expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
  })

  it('Testifly: ids it refuses start no run; every test runs instead, once', async () => {
    const tests = (ids: string[], failing: boolean) =>
      ids.map((id, i) => ({
        id,
        title: `Flow ${i + 1}`,
        status: failing && i === 2 ? 'Failed' : 'Passed'
      }))
    // Should a run report's `_id` name the result, not the test, the next run's ids differ.
    const nextIds = RERUN_IDS.map((id) => id.replace(/^6804/, '6805'))
    const sim = await start(
      new TestiflySimulator({
        apiKey: KEY,
        projectId: PROJECT,
        script: [{ job: 'Failed', tests: tests(RERUN_IDS, true) }]
      })
    )
    const inputs = { ...testiflyCase().inputs(sim.url), agent: '', rerun: 'failed' }
    expect((await attempt(1, inputs)).outputs).toMatchObject({ total: '5', failed: '1' })

    sim.options.script = [{ job: 'Success', tests: tests(nextIds, false) }]
    const second = await attempt(2, inputs)

    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.stdout).toContain(
      "rerun: failed, but running every test: Testifly refused the failed tests' selection ("
    )
    const sent = triggers(sim, 'execute')
    expect(sent[1]).toEqual({ action: 'executeTests', testId: RERUN_IDS[2] })
    expect(sent[2]).toMatchObject({ action: 'executeTests', featureId: expect.any(String) })
    expect(sim.jobs.size).toBe(2) // attempt 1's and the full run: the refused one made none
    expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
    expect(second.summary).not.toContain('Re-run of')
  })

  it('Octomind: a failed test edited since (a new version) is refused; every test runs instead', async () => {
    const octomind = octomindCase()
    const sim = (await octomind.start()) as OctomindSimulator
    const inputs = { ...octomind.inputs(sim.url), rerun: 'failed' }
    expect((await attempt(1, inputs)).outputs).toMatchObject({ total: '5', failed: '2' })

    // Someone fixed the failing tests in Octomind: each has a new version now.
    sim.options.testCases = RERUN_CASES.map((c) => ({ ...c, versionId: randomUUID() }))
    octomind.passNext()
    const second = await attempt(2, inputs)

    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.stdout).toContain(
      "rerun: failed, but running every test: Octomind refused the failed tests' selection ("
    )
    const sent = triggers(sim, 'execute')
    expect(sent).toHaveLength(3)
    expect(sent[1]).toHaveProperty('testCaseVersionIds')
    octomind.expectAll(sent[2] ?? {})
    expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
    expect(second.summary).not.toContain('Re-run of')
  })
})

describe('a re-run is checked against the tests it asked for', () => {
  // Octomind's spec says `testCaseVersionIds` runs those versions, and nothing of a run that
  // leaves some out or runs others: the simulated server is made to do each.
  async function rerunWhere(
    runs: (selected: ReadonlySet<string>) => ReadonlySet<string>,
    extraInputs: Record<string, string> = {}
  ): Promise<ActionResult> {
    const octomind = octomindCase()
    const sim = (await octomind.start()) as OctomindSimulator
    const inputs = { ...octomind.inputs(sim.url), rerun: 'failed', ...extraInputs }
    expect((await attempt(1, inputs)).outputs).toMatchObject({ total: '5', failed: '2' })
    octomind.passNext()
    sim.options.selectionRuns = runs
    const second = await attempt(2, inputs)
    expect(triggers(sim, 'execute')[1]).toHaveProperty('testCaseVersionIds')
    return second
  }
  const caseIds = (...indexes: number[]) => new Set(indexes.map((i) => RERUN_CASES[i]!.id))

  it('a failed test the vendor returns no result for counts as failed: the gate stays red', async () => {
    const second = await rerunWhere(() => caseIds(FAILING[0]!))

    expect(second.exitCode, second.stdout).toBe(1)
    expect(second.outputs).toMatchObject({
      status: 'failed',
      total: '5',
      passed: '4',
      failed: '1'
    })
    expect(second.summary).toContain('Octomind returned no result for 1 of them')
    expect(second.summary).toContain('Not re-run by Octomind')
    expect(ourComment()?.body).toContain('❌ Octomind: 1 of 5 tests failed')
  })

  it('tests the vendor ran instead of the selection are reported, never counted as passes', async () => {
    const second = await rerunWhere(() => caseIds(0, 2))

    expect(second.exitCode, second.stdout).toBe(1)
    expect(second.outputs).toMatchObject({
      status: 'failed',
      total: '5',
      passed: '3',
      failed: '2'
    })
    expect(second.summary).toContain(
      'Octomind also ran 2 tests it was not asked to re-run, not counted'
    )
  })

  it('a re-run that ran nothing fails, whatever allow-no-tests says', async () => {
    const second = await rerunWhere(() => new Set(), { 'allow-no-tests': 'true' })

    expect(second.exitCode, second.stdout).toBe(1)
    expect(second.outputs).toMatchObject({
      status: 'failed',
      total: '5',
      passed: '3',
      failed: '2'
    })
  })

  it('Future AGI: the passed call of a re-run scenario is counted once, not twice', async () => {
    const passing = { status: 'completed', ended_reason: 'customer-ended-call' }
    const scenario = (i: number, calls: number): FutureAgiScenario => ({
      id: SCENARIO_IDS[i]!,
      name: `Scenario ${i + 1}`,
      calls,
      outcome: passing
    })
    // Attempt 1: the 1st call of scenario 2 fails, its 2nd passes (5 calls, 1 failed).
    const failingFirstCall = {
      ...scenario(1, 2),
      callOutcomes: [{ status: 'failed', ended_reason: 'silence-timed-out' }]
    }
    const sim = await start(
      new FutureAgiSimulator({
        apiKey: KEY,
        apiSecret: FAGI_SECRET,
        runTestId: RUN_TEST,
        scenarios: [scenario(0, 1), failingFirstCall, scenario(2, 2)],
        steps: [{ status: 'completed', calls: 'final' }]
      })
    )
    const inputs = { ...futureAgiCase().inputs(sim.url), rerun: 'failed' }
    expect((await attempt(1, inputs)).outputs).toMatchObject({ total: '5', failed: '1' })

    sim.options.scenarios = [scenario(0, 1), scenario(1, 2), scenario(2, 2)]
    const second = await attempt(2, inputs)

    // Scenario 2 runs again, both its calls: they and the 3 calls of the others make 5.
    expect(triggers(sim, 'execute')[1]).toEqual({ scenario_ids: [SCENARIO_IDS[1]] })
    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
  })
})
