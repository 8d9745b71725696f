import { describe, expect, it } from 'vitest'
import { readDigest } from '../../src/report/digest.js'
import { OctomindSimulator, octomindInputs, scriptedRun } from '../simulators/octomind.js'
import { pullRequest, pushToMain } from '../simulators/events.js'
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
const QUEUE_HEAD = 'c'.repeat(40)
const QUEUE_REF = `refs/heads/gh-readonly-queue/main/pr-${PR}-${MAIN_2}`
const CASES = Array.from({ length: 6 }, (_, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i + 1}`,
  description: `T${i + 1}`
}))
const idOf = (name: string) => CASES.find((c) => c.description === name)?.id ?? name

const world = worldPerTest(GITHUB_TOKEN)

type Event =
  | { kind: 'push'; sha: string; branch?: string }
  | { kind: 'pr'; sha: string; base?: string; number?: number; attempt?: number }
  | { kind: 'queue'; sha: string }

/** An Octomind run of the six tests in which `failing` fail, on a push or a PR. */
async function octomindRun(
  event: Event,
  failing: string[],
  inputs: Record<string, string> = {}
): Promise<ActionResult> {
  const octomind = await world.start(
    new OctomindSimulator({
      apiKey: inputs['api-key'] ?? KEY,
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
  if (event.kind === 'push') return runAction({ ...common, ...pushToMain(event.sha, event.branch) })
  if (event.kind === 'queue')
    return runAction({
      ...common,
      eventName: 'merge_group',
      // GitHub's merge_group payload (webhook docs, "merge_group", action checks_requested)
      event: {
        action: 'checks_requested',
        merge_group: {
          head_sha: event.sha,
          head_ref: QUEUE_REF,
          base_sha: MAIN_2,
          base_ref: 'refs/heads/main',
          head_commit: { id: event.sha, message: `Merge pull request #${PR} from acme/cart` }
        }
      },
      env: { GITHUB_SHA: event.sha, GITHUB_REF: QUEUE_REF }
    })
  const pr = pullRequest({
    number: event.number ?? PR,
    head: event.sha,
    branch: 'feature/cart',
    base: event.base
  })
  const attempt: Record<string, string> = event.attempt
    ? { GITHUB_RUN_ATTEMPT: String(event.attempt) }
    : {}
  return runAction({ ...common, ...pr, env: { ...pr.env, ...attempt } })
}

/** main with two commits, MAIN_2 its head; the PR's head commit exists too. */
function repository(): void {
  world.github.checks.push('main', MAIN_1)
  world.github.checks.push('main', MAIN_2)
  world.github.checks.commits.add(PR_HEAD)
  world.github.checks.commits.add(QUEUE_HEAD)
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

  it('says how to grant a token the check run, in the log, and warns when check-run: true asked for it', async () => {
    repository()
    world.github.checks.access = { checks: 'read', contents: 'read' }
    const quiet = await octomindRun({ kind: 'push', sha: MAIN_2 }, [])
    expect(quiet.exitCode).toBe(0)
    expect(quiet.warnings).toEqual([])
    expect(quiet.stdout).toContain(
      'Could not write the check run "testgate · Octomind" on commit 2222222 (HTTP 403)'
    )
    const result = await octomindRun({ kind: 'push', sha: MAIN_2 }, [], { 'check-run': 'true' })

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

/** The section "Against <base>" of a rendering, up to the next heading or table. */
function againstOf(markdown: string): string {
  const start = markdown.indexOf('### Against ')
  if (start < 0) return ''
  const rest = markdown.slice(start)
  const end = rest.search(/\n\n(###|<details>|\|)/)
  return end < 0 ? rest : rest.slice(0, end)
}

const comment = () =>
  world.github.commentsOn(PR).find((c) => c.body.startsWith('<!-- testgate:'))?.body ?? ''

describe('a pull request judges each failure against the base branch', () => {
  it('a push to main fails T2, then a PR fails T2 and T5: T5 is new, T2 failing on main too', async () => {
    repository()
    const push = await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'])
    expect(push.exitCode).toBe(1)
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2', 'T5'])

    expect(pr.exitCode).toBe(1) // fail-on: failure, the default, fails on every failed test
    const [mainRun, prRun] = world.github.checks.runs
    for (const markdown of [pr.summary, comment(), prRun?.output.summary ?? '']) {
      const section = againstOf(markdown)
      expect(section).toContain('### Against main (commit 2222222, [Octomind report](')
      expect(section).toContain('🆕 **1 new** (not failing on main): T5')
      expect(section).toContain('❌ **1 failing on main too**: T2')
      expect(section).not.toContain('unknown')
      // above the failures, beside "Since the last run"
      expect(markdown.indexOf('### Against main')).toBeLessThan(
        markdown.indexOf('### Failed tests')
      )
    }
    // The log says which base runs were read.
    expect(pr.stdout).toMatch(
      new RegExp(
        `Base branch main: comparing with 1 run of this configuration: commit 2222222 \\(run [\\w-]+, failed, ${mainRun?.html_url}\\)`
      )
    )
    expect(pr.outputs['new-failures']).toBe('1')
    expect(prRun).toMatchObject({ head_sha: PR_HEAD, name: 'testgate · Octomind' })
    // main's history was read with the check run's name, no further back than a few commits
    const [listed] = world.github.requestsTo('list-commits')
    expect(listed?.query.get('sha')).toBe('main')
    expect(Number(listed?.query.get('per_page'))).toBeLessThanOrEqual(10)
    expect(
      world.github.requestsTo('list-check-runs').map((request) => request.query.get('check_name'))
    ).toEqual(['testgate · Octomind', 'testgate · Octomind'])
  })

  it('with fail-on: new-failures, only the new failure fails the step', async () => {
    repository()
    await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'], { 'fail-on': 'new-failures' })
    const both = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2', 'T5'], {
      'fail-on': 'new-failures'
    })

    expect(both.exitCode).toBe(1)
    expect(both.errors.join('\n')).toContain(
      'The step fails, decided by new-failures: 1 failed test is new against main.'
    )
    expect(both.outputs['decided-by']).toBe('new-failures')
    expect(both.summary).toContain(
      '**The step fails**, decided by new-failures: 1 failed test is new against main.'
    )

    const known = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2'], {
      'fail-on': 'new-failures'
    })
    expect(known.exitCode).toBe(0)
    expect(known.outputs['decided-by']).toBe('none')
    expect(known.outputs['new-failures']).toBe('0')
    expect(known.warnings.join('\n')).toMatch(
      /Octomind: 1 of 6 tests failed — \S+ \(no failure is new against main; fail-on: new-failures, errored, timed-out, cancelled, no-tests\)/
    )
    expect(againstOf(known.summary)).toContain('❌ **1 failing on main too**: T2')
  })

  it('judges a merge queue the same way: its failures against the branch it merges into', async () => {
    repository()
    await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'], { 'fail-on': 'new-failures' })
    const known = await octomindRun({ kind: 'queue', sha: QUEUE_HEAD }, ['T2'], {
      'fail-on': 'new-failures'
    })

    expect(known.exitCode).toBe(0)
    expect(known.outputs['new-failures']).toBe('0')
    expect(againstOf(known.summary)).toContain('❌ **1 failing on main too**: T2')
    expect(known.stdout).toContain('Base branch main: comparing with 1 run of this configuration')
    // the queue's own commits are not main's: main's history is listed by its branch name
    expect(world.github.requestsTo('list-commits')[0]?.query.get('sha')).toBe('main')

    const broken = await octomindRun({ kind: 'queue', sha: QUEUE_HEAD }, ['T2', 'T5'], {
      'fail-on': 'new-failures'
    })
    expect(broken.exitCode).toBe(1)
    expect(broken.errors.join('\n')).toContain(
      'The step fails, decided by new-failures: 1 failed test is new against main.'
    )
    expect(againstOf(broken.summary)).toContain('🆕 **1 new** (not failing on main): T5')
    // the queue's runs leave their records too: on the group's commit, which main then takes
    expect(world.github.checks.runs.map((run) => run.head_sha)).toEqual([
      MAIN_2,
      QUEUE_HEAD,
      QUEUE_HEAD
    ])
  })

  it('on a re-run, judges a PR retargeted since its event against the branch it merges into now', async () => {
    repository()
    const RELEASE = '7'.repeat(40)
    world.github.checks.push('release', RELEASE)
    const judged = { 'fail-on': 'new-failures' }
    // T2 fails on release, not on main
    await octomindRun({ kind: 'push', sha: MAIN_2 }, [], judged)
    const onRelease = await octomindRun(
      { kind: 'push', sha: RELEASE, branch: 'release' },
      ['T2'],
      judged
    )
    expect(onRelease.exitCode).toBe(1)
    // The PR was opened against release, then retargeted to main; its workflow run is re-run,
    // and a re-run keeps the event it first ran for.
    world.github.pulls.set(PR, {
      number: PR,
      node_id: 'PR_58',
      state: 'open',
      head: { sha: PR_HEAD, ref: 'feature/cart' },
      base: { ref: 'main' }
    })
    const rerun = await octomindRun(
      { kind: 'pr', sha: PR_HEAD, base: 'release', attempt: 2 },
      ['T2'],
      judged
    )

    expect(rerun.outputs['new-failures']).toBe('1')
    expect(rerun.exitCode).toBe(1)
    expect(rerun.stdout).toContain(
      `PR #${PR} merges into main now (into release when this run's event fired): comparing with main.`
    )
    expect(againstOf(rerun.summary)).toContain('🆕 **1 new** (not failing on main): T2')
    // a first run's event is current: GitHub is not asked
    const requestsBefore = world.github.requestsTo('get-pull').length
    await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2'], judged)
    expect(world.github.requestsTo('get-pull')).toHaveLength(requestsBefore)
  })

  it("calls a test flaky on main when main's recent runs disagree on it", async () => {
    repository()
    await octomindRun({ kind: 'push', sha: MAIN_1 }, ['T3'])
    await octomindRun({ kind: 'push', sha: MAIN_2 }, [])
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T3'], {
      'fail-on': 'new-failures'
    })

    expect(againstOf(pr.summary)).toContain(
      '### Against main (latest of 2 runs: commit 2222222, [Octomind report]('
    )
    expect(againstOf(pr.summary)).toContain(
      '🎲 **1 flaky on main** (mixed results in its recent runs): T3'
    )
    expect(pr.exitCode).toBe(0)
    expect(pr.stdout).toContain('Base branch main: comparing with 2 runs of this configuration')
  })

  it("reads main's own commits only, not those of a pull request merged into it: a PR's failure before it was fixed is no failure of main", async () => {
    repository()
    await octomindRun({ kind: 'push', sha: MAIN_2 }, [])
    // PR #41 fails T5 on its 11th commit, fixes it on its 12th, and is merged with a merge
    // commit: its commits, with the records of its runs, are in main's history now
    const side = Array.from({ length: 12 }, (_, i) => `a${String(i).padStart(39, '0')}`)
    const [broken = '', fixed = ''] = [side[10], side[11]]
    const merge = 'd'.repeat(40)
    world.github.checks.merge('main', merge, side.toReversed())
    await octomindRun({ kind: 'pr', sha: broken, base: 'main', number: 41 }, ['T5'])
    await octomindRun({ kind: 'pr', sha: fixed, base: 'main', number: 41 }, [])
    await octomindRun({ kind: 'push', sha: merge }, [])
    // main never failed T5; this PR does
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T5'], {
      'fail-on': 'new-failures'
    })

    expect(pr.exitCode).toBe(1)
    expect(pr.outputs['new-failures']).toBe('1')
    expect(againstOf(pr.summary)).toContain('🆕 **1 new** (not failing on main): T5')
    // main's own commits: the merge, then the commit it was made on, past the PR's 12 commits
    expect(pr.stdout).toMatch(
      /Base branch main: comparing with 2 runs of this configuration: commit ddddddd \(run [\w-]+, passed, [^)]+\); commit 2222222 /
    )
  })

  it('ignores a base record of another configuration or signed with another key: its failures are unknown, and new to the policy', async () => {
    repository()
    // main runs against another URL, and with another key
    await octomindRun({ kind: 'push', sha: MAIN_1 }, ['T2'], {
      url: 'https://staging.shop.example'
    })
    await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'], { 'api-key': 'another-vendor-key' })
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2'], {
      'fail-on': 'new-failures'
    })

    expect(pr.stdout).toContain(
      'Base branch main: left out 1 check run "testgate · Octomind": its record was written with other inputs'
    )
    expect(pr.stdout).toContain(
      'Base branch main: left out 1 check run "testgate · Octomind": its record cannot be used: it is not signed with this step\'s api-key'
    )
    expect(pr.stdout).toContain(
      'Base branch main: no run of this configuration in its last 5 commits; every failure is "unknown".'
    )
    expect(againstOf(pr.summary)).toBe(
      '### Against main\n\n❔ **1 unknown** (no run of this configuration on main left a record): T2'
    )
    expect(pr.exitCode).toBe(1)
    expect(pr.outputs['decided-by']).toBe('new-failures')
  })

  it('leaves every failure unknown, with a log line, when the base records cannot be read', async () => {
    repository()
    await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'])
    world.github.checks.access = { checks: 'none', contents: 'read' }
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2', 'T5'])

    const why =
      'the check runs of main could not be read: HTTP 403 (the token needs `checks: read` and `contents: read`)'
    expect(pr.stdout).toContain(`Base branch main: ${why}; every failure is "unknown".`)
    const section = againstOf(pr.summary)
    expect(section).toContain(
      '### Against main\n\n❔ **2 unknown** (the check runs of main could not be read: HTTP 403'
    )
    expect(section).toMatch(/\): T2, T5$/)
    expect(pr.exitCode).toBe(1)
    expect(pr.summary).toContain('## ❌ Octomind: 2 of 6 tests failed')
  })

  it('reads a record edited since it was written as no record', async () => {
    repository()
    await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2', 'T5'])
    const [run] = world.github.checks.runs
    if (!run?.output.summary) throw new Error('no check run')
    // someone with checks: write rewrites the record to say that T5 failed on main too
    const [marker, record = '', ...rest] = run.output.summary.split('\n')
    run.output.summary = [
      marker,
      record.replace(/\.[\w-]{22} -->$/, '.AAAAAAAAAAAAAAAAAAAAAA -->'),
      ...rest
    ].join('\n')
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2', 'T5'], {
      'fail-on': 'new-failures'
    })

    expect(pr.stdout).toContain(
      "its record cannot be used: it is not signed with this step's api-key (written with another key, or edited since)"
    )
    expect(againstOf(pr.summary)).toContain('❔ **2 unknown**')
    expect(pr.exitCode).toBe(1)
  })

  it('with no check run on main (check-run: false there), says so in the log only, unless fail-on: new-failures judges by it', async () => {
    repository()
    const push = await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'], { 'check-run': 'false' })
    expect(push.exitCode).toBe(1)
    expect(world.github.requestsTo('create-check-run')).toEqual([])
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2'], {
      'check-run': 'false'
    })

    expect(world.github.requestsTo('create-check-run')).toEqual([])
    expect(pr.stdout).toContain(
      'Base branch main: no check run "testgate · Octomind" in its last 5 commits (is this step run there, with `checks: write`?); every failure is "unknown".'
    )
    // a workflow that runs on pull requests only is not told on every PR that main has nothing
    expect(againstOf(pr.summary)).toBe('')
    const judged = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2'], {
      'fail-on': 'new-failures'
    })
    expect(againstOf(judged.summary)).toBe(
      '### Against main\n\n❔ **1 unknown** (no run of this configuration on main left a record): T2'
    )
    expect(judged.outputs['decided-by']).toBe('new-failures')
  })
})

describe('reading the base branch is bounded', () => {
  it('gives up on a GitHub that does not answer in time: the failures are unknown, the step ends as the verdict says', async () => {
    repository()
    await octomindRun({ kind: 'push', sha: MAIN_2 }, ['T2'])
    world.github.inject('list-commits', { kind: 'delay', ms: 15_000 })
    const pr = await octomindRun({ kind: 'pr', sha: PR_HEAD, base: 'main' }, ['T2'])

    expect(pr.stdout).toContain(
      'Base branch main: the check runs of main could not be read: GitHub did not list them within 10 s; every failure is "unknown".'
    )
    expect(againstOf(pr.summary)).toContain('❔ **1 unknown**')
    expect(pr.exitCode).toBe(1)
    expect(world.github.requestsTo('list-check-runs')).toEqual([])
  })
})
