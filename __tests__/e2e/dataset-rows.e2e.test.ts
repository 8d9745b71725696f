import { describe, expect, it } from 'vitest'
import { FutureAgiSimulator, type FutureAgiScenario } from '../simulators/futureagi.js'
import { pullRequest, pushToMain } from '../simulators/events.js'
import { runAction, type ActionResult } from '../simulators/runner.js'
import { worldPerTest } from '../simulators/world.js'
import { FAGI_SECRET, RUN_TEST, SCENARIO, futureAgiKit } from '../vendors/futureagi.js'

/**
 * A Future AGI dataset scenario places one call per row, all at once: the order its calls start
 * in differs from run to run. What testgate remembers of a call (the PR comment's record, the
 * base branch's check run) must name the same row in the next run, or a row that failed before
 * would vouch for another row that fails now.
 */

const GITHUB_TOKEN = 'ghs_dataset_rows_token'
const KEY = 'fagi-key-dataset-rows-0123'
const PR = 73
const MAIN = '3'.repeat(40)
const PR_HEAD_1 = 'a'.repeat(40)
const PR_HEAD_2 = 'b'.repeat(40)
const ROWS = ['Caller wants a refund for a late parcel', 'Caller lost the receipt']

const world = worldPerTest(GITHUB_TOKEN)

/** The refund scenario of two rows, `failing` (0 or 1) the row whose call fails its evals. */
function refundScenario(failing: number): FutureAgiScenario {
  const passed = {
    status: 'completed',
    overall_score: 9,
    evals: [{ name: 'Task completion', type: 'Pass/Fail' as const, value: 'Passed' }]
  }
  const failed = {
    status: 'completed',
    overall_score: 3,
    evals: [{ name: 'Task completion', type: 'Pass/Fail' as const, value: 'Failed' }]
  }
  return {
    id: SCENARIO.refund,
    name: 'Refund request',
    calls: 2,
    rows: ROWS,
    outcome: passed,
    callOutcomes: ROWS.map((_, row) => (row === failing ? failed : passed))
  }
}

/** One simulator for all runs: it starts the rows in order first, then the other way round. */
async function futureAgi(): Promise<FutureAgiSimulator> {
  return world.start(
    new FutureAgiSimulator({
      apiKey: KEY,
      apiSecret: FAGI_SECRET,
      runTestId: RUN_TEST,
      scenarios: [refundScenario(1)],
      steps: [{ status: 'completed', calls: 'final' }]
    })
  )
}

type Event = { kind: 'push'; sha: string } | { kind: 'pr'; sha: string }

async function run(
  sim: FutureAgiSimulator,
  event: Event,
  failingRow: number,
  inputs: Record<string, string> = {}
): Promise<ActionResult> {
  sim.options.scenarios = [refundScenario(failingRow)]
  const common = {
    githubApiUrl: world.github.url,
    inputs: {
      ...futureAgiKit.matrix.inputs(sim.url, KEY),
      'github-token': GITHUB_TOKEN,
      'poll-interval-seconds': '1',
      'timeout-minutes': '1',
      ...inputs
    }
  }
  const github =
    event.kind === 'push'
      ? pushToMain(event.sha)
      : pullRequest({ number: PR, head: event.sha, branch: 'feature/refunds', base: 'main' })
  return runAction({ ...common, ...github })
}

function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading)
  if (start < 0) return ''
  const rest = markdown.slice(start)
  const end = rest.search(/\n\n(###|<details>|\|)/)
  return end < 0 ? rest : rest.slice(0, end)
}

describe('a dataset row is the same test in every run, whatever order its call started in', () => {
  it('a row that failed on main does not vouch for another row failing on the PR: fail-on: new-failures fails it', async () => {
    world.github.checks.push('main', MAIN)
    world.github.checks.commits.add(PR_HEAD_1)
    const sim = await futureAgi()
    // main: the second row fails (its call started second)
    const main = await run(sim, { kind: 'push', sha: MAIN }, 1, { 'fail-on': 'new-failures' })
    expect(main.exitCode).toBe(1)
    // the PR: the first row fails (its call started second this time)
    const pr = await run(sim, { kind: 'pr', sha: PR_HEAD_1 }, 0, { 'fail-on': 'new-failures' })

    expect(pr.outputs['new-failures']).toBe('1')
    expect(pr.exitCode).toBe(1)
    const against = sectionOf(pr.summary, '### Against main')
    expect(against).toContain(`🆕 **1 new** (not failing on main): Refund request \\(${ROWS[0]}\\)`)
    expect(against).not.toContain('failing on main too')
    expect(pr.errors.join('\n')).toContain(
      'decided by new-failures: 1 failed test is new against main'
    )
  })

  it('since the last run: a row fixed and another broken read as such, not as one test still failing', async () => {
    world.github.checks.commits.add(PR_HEAD_1)
    world.github.checks.commits.add(PR_HEAD_2)
    const sim = await futureAgi()
    await run(sim, { kind: 'pr', sha: PR_HEAD_1 }, 1)
    const next = await run(sim, { kind: 'pr', sha: PR_HEAD_2 }, 0)

    const since = sectionOf(next.summary, '### Since the last run')
    expect(since).not.toMatch(/still failing/i)
    expect(since).toContain(ROWS[0])
    expect(since).toContain(ROWS[1])
    const comment = world.github.commentsOn(PR).find((c) => c.body.startsWith('<!-- testgate:'))
    expect(sectionOf(comment?.body ?? '', '### Since the last run')).toBe(since)
  })
})
