import { describe, expect, it } from 'vitest'
import { readDigest } from '../../src/report/digest.js'
import { rerunWorld, triggers, KEY, PR } from '../simulators/rerun-world.js'

/**
 * "Re-run only what failed", end to end through dist/index.js for every vendor: attempt 1 of a
 * workflow run fails 2 of 5 tests and leaves its digest in the PR comment; attempt 2 (the same
 * GITHUB_RUN_ID, `rerun: failed`) reads it and asks the vendor, in the vendor's own selection, for
 * those 2 tests only. They pass, and the 3 that passed in attempt 1 count as passed. The fallbacks
 * particular to a vendor, and the checks of a re-run against its selection, are in
 * rerun-checks.e2e.test.ts.
 */

const { world, attempt, ourComment, CASES } = rerunWorld()

describe.each(CASES)(
  '$display: re-run only what failed, through dist/index.js',
  ({ make, selects }) => {
    it.runIf(!selects)(
      'a vendor that re-runs no selection runs every test again, and says why',
      async () => {
        const vendorCase = make()
        const sim = await vendorCase.start()
        const inputs = { ...vendorCase.inputs(sim.url), rerun: 'failed' }
        expect((await attempt(1, inputs)).exitCode).toBe(1)
        vendorCase.passNext()
        const second = await attempt(2, inputs)

        expect(second.exitCode, second.stdout).toBe(0)
        expect(second.stdout).toContain('rerun: failed, but running every test: ')
        expect(second.stdout).toContain('cannot re-run only some of its tests')
        for (const body of triggers(sim, vendorCase.triggerRoute)) vendorCase.expectAll(body)
        expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
      }
    )

    it.runIf(selects)(
      'attempt 2 with rerun: failed runs only the 2 failed tests, and counts the 3 passed before',
      async () => {
        const vendorCase = make()
        const sim = await vendorCase.start()
        const inputs = vendorCase.inputs(sim.url)

        const first = await attempt(1, { ...inputs, rerun: 'failed' })
        expect(first.exitCode, first.stdout).toBe(1)
        expect(first.outputs).toMatchObject({
          status: 'failed',
          total: '5',
          passed: '3',
          failed: '2'
        })
        // Attempt 1 runs everything, rerun: failed or not, and says nothing of a re-run.
        expect(first.stdout).not.toContain('Re-running')
        expect(first.stdout).not.toContain('rerun: failed, but')
        const digest = readDigest(ourComment()?.body ?? '', KEY)
        expect(digest.kind).toBe('found')

        vendorCase.passNext()
        const second = await attempt(2, { ...inputs, rerun: 'failed' })

        expect(second.exitCode, second.stdout).toBe(0)
        const sent = triggers(sim, vendorCase.triggerRoute)
        expect(sent).toHaveLength(2)
        vendorCase.expectAll(sent[0]!)
        vendorCase.expectRerun(sent[1]!, first)
        expect(second.stdout).toContain('Re-running the 2 tests that failed in attempt 1')
        if (first.outputs['report-url'])
          expect(second.stdout).toContain(first.outputs['report-url'])
        expect(second.stdout).not.toContain('rerun: failed, but')

        const rerunLine = second.summary
          .split('\n')
          .find((line) => line.includes('Re-run of 2 failed'))
        expect(rerunLine, second.summary).toContain('Re-run of 2 failed tests from attempt 1')
        expect(rerunLine).toMatch(/\b3\b/)
        expect(ourComment()?.body).toContain('Re-run of 2 failed tests from attempt 1')
        expect(
          world.github.commentsOn(PR).filter((c) => c.body.startsWith('<!-- testgate:'))
        ).toHaveLength(1)
        expect(second.outputs).toMatchObject({
          status: 'passed',
          total: '5',
          passed: '5',
          failed: '0'
        })
        // the fold counts what the headline does, and says which of its passes it does not list
        for (const markdown of [second.summary, ourComment()?.body ?? '']) {
          expect(markdown).toContain('all 5 tests passed')
          expect(markdown).toContain(
            '<summary>✅ 5 passed · 3 of them in attempt 1, counted, not listed</summary>'
          )
        }
      }
    )

    it('rerun: failed on attempt 2 without an earlier comment runs every test, and says why', async () => {
      const vendorCase = make()
      const sim = await vendorCase.start()
      vendorCase.passNext()

      const result = await attempt(2, { ...vendorCase.inputs(sim.url), rerun: 'failed' })

      expect(result.exitCode, result.stdout).toBe(0)
      expect(result.stdout).toContain('rerun: failed, but running every test: ')
      expect(result.stdout).not.toContain('Re-running')
      const sent = triggers(sim, vendorCase.triggerRoute)
      expect(sent).toHaveLength(1)
      vendorCase.expectAll(sent[0]!)
      expect(result.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
      expect(result.summary).not.toContain('Re-run of')
    })

    it('rerun: all (the default) on attempt 2 runs every test, though attempt 1 left its failures', async () => {
      const vendorCase = make()
      const sim = await vendorCase.start()
      const inputs = vendorCase.inputs(sim.url)
      const first = await attempt(1, inputs)
      expect(first.exitCode, first.stdout).toBe(1)

      vendorCase.passNext()
      const second = await attempt(2, inputs)

      expect(second.exitCode, second.stdout).toBe(0)
      const sent = triggers(sim, vendorCase.triggerRoute)
      expect(sent).toHaveLength(2)
      vendorCase.expectAll(sent[1]!)
      expect(second.stdout).not.toContain('Re-running')
      expect(second.outputs).toMatchObject({ status: 'passed', total: '5', passed: '5' })
    })
  }
)
