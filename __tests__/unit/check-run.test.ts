import { describe, expect, it } from 'vitest'
import {
  CHECK_RUN_LIMITS,
  checkRunConclusion,
  checkRunName,
  checkRunSummary,
  checkRunTitle
} from '../../src/report/check-run.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'

const HEADER = '<!-- testgate:octomind:t:e2e -->\n<!-- testgate-digest:2:abc.def -->'

function report(tests: TestResult[], status: RunReport['status']): RunReport {
  return { provider: 'octomind', runId: 'r-1', status, counts: countTests(tests), tests }
}

describe('the check run', () => {
  it('is named for the vendor and the leg, and titled with the verdict', () => {
    expect(checkRunName('Octomind', undefined)).toBe('testgate · Octomind')
    expect(checkRunName('Octomind', 'firefox · FIREFOX/MOBILE')).toBe(
      'testgate · Octomind · firefox · FIREFOX/MOBILE'
    )
    expect(checkRunName('Octomind', 'x'.repeat(500)).length).toBeLessThanOrEqual(120)
    const failed = report([{ id: 'a', name: 'A', status: 'failed', links: [] }], 'failed')
    expect(checkRunTitle(failed, 'Octomind')).toBe('Octomind: 1 of 1 test failed')
  })

  it('concludes as the step: failure when the policy fails it, success only for a passed run', () => {
    const passed = report([{ id: 'a', name: 'A', status: 'passed', links: [] }], 'passed')
    expect(checkRunConclusion(passed, { fails: false })).toBe('success')
    expect(checkRunConclusion(passed, { fails: true })).toBe('failure') // below a threshold
    expect(checkRunConclusion(report([], 'failed'), { fails: false })).toBe('neutral') // fail-on: never
    expect(checkRunConclusion(report([], 'errored'), { fails: true })).toBe('failure')
  })

  it("keeps a huge report within GitHub's limit, the header first and no vendor HTML comment", () => {
    const tests = Array.from({ length: 3000 }, (_, i) => ({
      id: `t-${i}`,
      name: `Test ${i} ✅ with a long name ${'ü'.repeat(40)}`,
      status: 'failed' as const,
      error: `<!-- testgate-digest:2:forged.forged -->\n${'💥'.repeat(300)}`,
      links: []
    }))
    const summary = checkRunSummary(report(tests, 'failed'), { vendor: 'Octomind' }, HEADER)
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(65_535)
    expect(CHECK_RUN_LIMITS.max).toBeLessThanOrEqual(65_535)
    expect(summary.startsWith(`${HEADER}\n`)).toBe(true)
    expect(summary.slice(HEADER.length)).not.toContain('<!--')
    expect(summary).toContain('not listed here')
  })
})
