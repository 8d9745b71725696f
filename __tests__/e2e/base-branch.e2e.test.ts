import { describe, expect, it } from 'vitest'
import { readDigest } from '../../src/report/digest.js'
import { OctomindSimulator, octomindInputs, scriptedRun } from '../simulators/octomind.js'
import { runAction, type ActionResult } from '../simulators/runner.js'
import { worldPerTest } from '../simulators/world.js'

/**
 * Is it my change? Every finished run leaves a check run on its commit whose summary carries the
 * run's signed record; a pull request's run reads the base branch's latest ones of the same
 * configuration and judges each failure against them: new, failing on the base too, flaky there,
 * or unknown. With `fail-on: new-failures`, only a new (or unknown) failure fails the step.
 */

const GITHUB_TOKEN = 'ghs_base_branch_token'
const KEY = 'vendor-key-base-branch-0123'
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const PR = 58
const MAIN_1 = '1'.repeat(40)
const MAIN_2 = '2'.repeat(40)
const PR_HEAD = 'e'.repeat(40)
const CASES = Array.from({ length: 6 }, (_, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i + 1}`,
  description: `T${i + 1}`
}))
const idOf = (name: string) => CASES.find((c) => c.description === name)?.id ?? name

const world = worldPerTest(GITHUB_TOKEN)

type Event = { kind: 'push'; sha: string } | { kind: 'pr'; sha: string; base?: string }

/** An Octomind run of the six tests in which `failing` fail, on a push or a PR. */
async function octomindRun(
  event: Event,
  failing: string[],
  inputs: Record<string, string> = {}
): Promise<ActionResult> {
  const octomind = await world.start(
    new OctomindSimulator({
      apiKey: KEY,
      testCases: CASES,
      shape: 'v3-case',
      script: scriptedRun(
        CASES.map((c) => ({
          testCaseId: c.id,
          status: failing.includes(c.description) ? 'FAILED' : 'PASSED',
          ...(failing.includes(c.description) ? { errorMessage: `${c.description} broke` } : {})
        }))
      )
    })
  )
  const common = {
    githubApiUrl: world.github.url,
    inputs: {
      ...octomindInputs(octomind, { apiKey: KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      'timeout-minutes': '1',
      ...inputs
    }
  }
  if (event.kind === 'push')
    return runAction({
      ...common,
      eventName: 'push',
      event: { after: event.sha, ref: 'refs/heads/main' },
      env: { GITHUB_SHA: event.sha, GITHUB_REF: 'refs/heads/main' }
    })
  const base = event.base === undefined ? {} : { base: { ref: event.base } }
  return runAction({
    ...common,
    eventName: 'pull_request',
    event: {
      pull_request: { number: PR, head: { sha: event.sha, ref: 'feature/cart' }, ...base }
    },
    env: { GITHUB_SHA: 'f'.repeat(40), GITHUB_REF: `refs/pull/${PR}/merge` }
  })
}

/** main with two commits, MAIN_2 its head; the PR's head commit exists too. */
function repository(): void {
  world.github.checks.push('main', MAIN_1)
  world.github.checks.push('main', MAIN_2)
  world.github.checks.commits.add(PR_HEAD)
}

describe('every finished run leaves a check run with its record', () => {
  it('on a push, concluded as the step ended, its summary the report and the signed record', async () => {
    repository()
    const result = await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'])

    expect(result.exitCode).toBe(1)
    const [run, ...others] = world.github.checks.runs
    expect(others).toEqual([])
    expect(run).toMatchObject({
      name: 'testgate · Octomind',
      head_sha: MAIN_2,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Octomind: 1 of 6 tests failed' }
    })
    const summary = run?.output.summary ?? ''
    expect(summary.split('\n')[0]).toMatch(/^<!-- testgate:octomind:/)
    expect(summary).toContain('## ❌ Octomind: 1 of 6 tests failed')
    const reading = readDigest(summary, KEY)
    expect(reading).toMatchObject({ kind: 'found', digest: { sha: MAIN_2, status: 'failed' } })
    if (reading.kind === 'found')
      expect(reading.digest.failures.map((f) => f.id)).toEqual([idOf('T2')])
    // The log and the job summary name it.
    expect(result.stdout).toContain(
      `Check run "testgate · Octomind" on commit 2222222: ${run?.html_url}`
    )
    expect(result.summary).toContain(`[check run](${run?.html_url})`)
  })

  it('names the leg, and passes as the run did', async () => {
    repository()
    const result = await octomindRun({ kind: 'push', sha: MAIN_2 }, [], { name: 'firefox' })

    expect(result.exitCode).toBe(0)
    expect(world.github.checks.runs).toMatchObject([
      { name: 'testgate · Octomind · firefox', conclusion: 'success' }
    ])
  })

  it('warns with the fix when the token may not write check runs, and still reports', async () => {
    repository()
    world.github.checks.access = { checks: 'read', contents: 'read' }
    const result = await octomindRun({ kind: 'push', sha: MAIN_2 }, [])

    expect(result.exitCode).toBe(0)
    expect(world.github.checks.runs).toEqual([])
    const warning = result.warnings.join('\n')
    expect(warning).toContain(
      'Could not write the check run "testgate · Octomind" on commit 2222222 (HTTP 403)'
    )
    expect(warning).toContain('`permissions: checks: write`')
    expect(warning).toContain('`check-run: false`')
    expect(result.summary).toContain('## ✅ Octomind: all 6 tests passed')
  })
})
