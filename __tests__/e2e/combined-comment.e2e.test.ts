import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { groupMarker, parseGroupComment, sectionStart } from '../../src/report/group-comment.js'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  octomindInputs,
  sampleTestCases,
  scriptedRun,
  versionIdOf
} from '../simulators/octomind.js'
import { runAction, type ActionResult } from '../simulators/runner.js'
import { TestiflySimulator, type TestiflyStep } from '../simulators/testifly.js'

/**
 * `comment-group`: the legs of a matrix, started at the same moment, share one PR comment, each
 * leg writing its own section. GitHub has no conditional update, so legs that read the comment
 * before another's write would drop that leg's section; the writer re-reads after a settle delay
 * and writes again. The GitHub simulator's latency makes the legs' requests interleave.
 */

const API_KEY = 'om-live-5f1d2c3b4a-secret'
const TESTIFLY_KEY = 'tf-live-0a1b2c3d-secret'
const GITHUB_TOKEN = 'ghs_simulated_token_0123456789'
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const PROJECT = '67f8cb3fe236b8d41b7700ac'
const CASES = sampleTestCases(3)
const PR = 7
const GROUP = 'e2e · browsers'
const BROWSERS = ['CHROMIUM', 'FIREFOX', 'SAFARI'] as const
type Browser = (typeof BROWSERS)[number]

const pullRequestEvent = {
  pull_request: {
    number: PR,
    node_id: 'PR_kwDOAbCd7',
    head: { sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', ref: 'feature/login' }
  },
  sender: { login: 'octocat' }
}

let github: GitHubSimulator
let octomind: Record<Browser, OctomindSimulator>
let testifly: TestiflySimulator

function octomindScript(pass: boolean) {
  return scriptedRun(
    CASES.map((c, i) =>
      pass || i > 0
        ? { testCaseId: c.id, status: 'PASSED' }
        : { testCaseId: c.id, status: 'FAILED', errorMessage: 'Expected "Welcome" on the page' }
    )
  )
}

function testiflyScript(pass: boolean): TestiflyStep[] {
  const titles = ['Login works', 'Cart keeps items']
  return [
    { job: 'Pending' },
    {
      job: pass ? 'Success' : 'Failed',
      tests: titles.map((title, i) =>
        pass || i > 0
          ? { title, status: 'Passed' }
          : { title, status: 'Failed', error: 'Cart was empty' }
      )
    }
  ]
}

beforeEach(async () => {
  github = new GitHubSimulator(GITHUB_TOKEN)
  // Each request takes 40–120 ms, so four legs' reads and writes overlap.
  github.latencyMs = 80
  octomind = Object.fromEntries(
    BROWSERS.map((browser) => [
      browser,
      new OctomindSimulator({ apiKey: API_KEY, testCases: CASES, script: octomindScript(true) })
    ])
  ) as Record<Browser, OctomindSimulator>
  testifly = new TestiflySimulator({
    apiKey: TESTIFLY_KEY,
    projectId: PROJECT,
    script: testiflyScript(true)
  })
  await Promise.all([
    github.start(),
    testifly.start(),
    ...Object.values(octomind).map((sim) => sim.start())
  ])
})

afterEach(async () => {
  await Promise.all([
    github.close(),
    testifly.close(),
    ...Object.values(octomind).map((sim) => sim.close())
  ])
})

/** A leg's run on the PR's head commit, or on `head` (a later push to the PR). */
function run(inputs: Record<string, string>, head?: string): Promise<ActionResult> {
  const pr = pullRequestEvent.pull_request
  const event = head
    ? { ...pullRequestEvent, pull_request: { ...pr, head: { ...pr.head, sha: head } } }
    : pullRequestEvent
  return runAction({
    eventName: 'pull_request',
    event,
    githubApiUrl: github.url,
    inputs: { 'timeout-minutes': '1', 'comment-group': GROUP, ...inputs }
  })
}

function octomindLeg(browser: Browser, head?: string): Promise<ActionResult> {
  return run(
    {
      ...octomindInputs(octomind[browser], {
        apiKey: API_KEY,
        targetId: TARGET,
        githubToken: GITHUB_TOKEN
      }),
      browser
    },
    head
  )
}

function testiflyLeg(): Promise<ActionResult> {
  return run({
    provider: 'testifly',
    name: 'eu',
    'api-key': TESTIFLY_KEY,
    'api-url': testifly.url,
    'target-id': PROJECT,
    'feature-id': 'feat-1',
    'poll-interval-seconds': '1',
    'github-token': GITHUB_TOKEN
  })
}

/** All four legs at once. */
function allLegs(): Promise<ActionResult[]> {
  return Promise.all([...BROWSERS.map((browser) => octomindLeg(browser)), testiflyLeg()])
}

const groupComments = () =>
  github.commentsOn(PR).filter((c) => c.body.startsWith(groupMarker(GROUP)))

const KEYS = [
  `octomind:${TARGET}:e2e-tests:variant=CHROMIUM:workflow=e2e.yml`,
  `octomind:${TARGET}:e2e-tests:variant=FIREFOX:workflow=e2e.yml`,
  `octomind:${TARGET}:e2e-tests:variant=SAFARI:workflow=e2e.yml`,
  `testifly:${PROJECT}:e2e-tests:name=eu:workflow=e2e.yml`
]

describe('comment-group: one combined comment for the legs of a matrix', () => {
  it('holds every leg’s section, round after round, when four legs write at once', async () => {
    const rounds: {
      pass: Record<Browser | 'testifly', boolean>
      heading: string
      headlines: string[]
    }[] = [
      {
        pass: { CHROMIUM: true, FIREFOX: false, SAFARI: true, testifly: true },
        heading: '## ❌ e2e · browsers: 1 of 4 legs failed — Octomind \\(FIREFOX\\)',
        headlines: [
          '### ✅ Octomind (CHROMIUM): all 3 tests passed',
          '### ❌ Octomind (FIREFOX): 1 of 3 tests failed',
          '### ✅ Octomind (SAFARI): all 3 tests passed',
          '### ✅ Testifly (eu): all 2 tests passed'
        ]
      },
      {
        pass: { CHROMIUM: false, FIREFOX: true, SAFARI: true, testifly: false },
        heading:
          '## ❌ e2e · browsers: 2 of 4 legs failed — Octomind \\(CHROMIUM\\), Testifly \\(eu\\)',
        headlines: [
          '### ❌ Octomind (CHROMIUM): 1 of 3 tests failed',
          '### ✅ Octomind (FIREFOX): all 3 tests passed',
          '### ✅ Octomind (SAFARI): all 3 tests passed',
          '### ❌ Testifly (eu): 1 of 2 tests failed'
        ]
      },
      {
        pass: { CHROMIUM: true, FIREFOX: true, SAFARI: false, testifly: true },
        heading: '## ❌ e2e · browsers: 1 of 4 legs failed — Octomind \\(SAFARI\\)',
        headlines: [
          '### ✅ Octomind (CHROMIUM): all 3 tests passed',
          '### ✅ Octomind (FIREFOX): all 3 tests passed',
          '### ❌ Octomind (SAFARI): 1 of 3 tests failed',
          '### ✅ Testifly (eu): all 2 tests passed'
        ]
      }
    ]
    let commentId: number | undefined
    for (const [round, { pass, heading, headlines }] of rounds.entries()) {
      for (const browser of BROWSERS)
        octomind[browser].options.script = octomindScript(pass[browser])
      testifly.options.script = testiflyScript(pass.testifly)

      const results = await allLegs()
      const passes = [...BROWSERS.map((browser) => pass[browser]), pass.testifly]
      results.forEach((result, i) => {
        expect(result.exitCode, `round ${round + 1}, leg ${i}:\n${result.stdout}`).toBe(
          passes[i] ? 0 : 1
        )
        expect(result.warnings.join('\n')).not.toContain('could not confirm')
        expect(result.stdout).toMatch(/PR #7: combined comment "e2e · browsers" (created|updated)/)
      })

      const comments = groupComments()
      expect(comments, `round ${round + 1}`).toHaveLength(1)
      // No leg wrote a comment of its own.
      expect(github.commentsOn(PR).filter((c) => c.body.startsWith('<!-- testgate:'))).toEqual([])
      const [comment] = comments
      commentId ??= comment?.id
      expect(comment?.id, 'the same comment, edited in place').toBe(commentId)

      const sections = parseGroupComment(comment?.body ?? '')
      expect(sections.map((s) => s.key)).toEqual(KEYS)
      sections.forEach((section, i) => {
        expect(section.text.split('\n')[0]).toBe(sectionStart(KEYS[i] ?? ''))
        // the leg's hidden record of its run and its verdict, then its report
        expect(section.text.split('\n')[1]).toMatch(
          /^<!-- testgate-digest:2:[\w-]+\.[\w-]{22} -->$/
        )
        expect(section.text.split('\n')[2]).toMatch(/^<!-- testgate-verdict:\w+:\w+:\S+ -->$/)
        expect(section.text.split('\n')[3], `round ${round + 1}`).toBe(headlines[i])
        // compact: no counts table of its own
        expect(section.text).not.toContain('| Total |')
      })
      // the group's overall verdict first, from the sections as the last leg to write saw them
      expect(comment?.body.split('\n')[2], `round ${round + 1}`).toBe(heading)
      expect(comment?.body.length).toBeLessThanOrEqual(65_536)
    }
  }, 180_000)

  it("keeps each leg's record in its section: a re-run repeats that leg's failures only", async () => {
    octomind.FIREFOX.options.script = octomindScript(false)
    const [chromium, firefox] = await Promise.all([octomindLeg('CHROMIUM'), octomindLeg('FIREFOX')])
    expect(chromium?.exitCode).toBe(0)
    expect(firefox?.exitCode).toBe(1)

    octomind.FIREFOX.options.script = octomindScript(true)
    const rerun = await runAction({
      eventName: 'pull_request',
      event: pullRequestEvent,
      githubApiUrl: github.url,
      env: { GITHUB_RUN_ATTEMPT: '2' },
      inputs: {
        ...octomindInputs(octomind.FIREFOX, {
          apiKey: API_KEY,
          targetId: TARGET,
          githubToken: GITHUB_TOKEN
        }),
        'timeout-minutes': '1',
        'comment-group': GROUP,
        browser: 'FIREFOX',
        rerun: 'failed'
      }
    })

    expect(rerun.exitCode, rerun.stdout).toBe(0)
    expect(rerun.stdout).toContain('Re-running the 1 test that failed in attempt 1')
    const sent = octomind.FIREFOX.requestsTo('execute')[1]?.body as Record<string, unknown>
    expect(sent.testCaseVersionIds).toEqual([versionIdOf(CASES[0]!)])
    const [comment] = groupComments()
    const sections = parseGroupComment(comment?.body ?? '')
    expect(sections.map((section) => section.key)).toEqual([KEYS[0], KEYS[1]])
    const firefoxSection = sections[1]?.text ?? ''
    expect(firefoxSection).toContain('Re-run of 1 failed test from attempt 1')
    expect(firefoxSection).toContain('⚠️ **1 flaky** (failed, then passed on the same commit)')
    expect(firefoxSection).toContain('all 3 tests passed')
    expect(sections[0]?.text).toContain('### ✅ Octomind (CHROMIUM): all 3 tests passed')
    expect(comment?.body.split('\n')[2]).toBe('## ✅ e2e · browsers: all 2 legs passed')
  }, 60_000)

  it("does not count a leg whose section is another commit's run as passed on this one", async () => {
    await Promise.all([octomindLeg('CHROMIUM'), octomindLeg('FIREFOX')])
    const [first] = groupComments()
    expect(first?.body.split('\n')[2]).toBe('## ✅ e2e · browsers: all 2 legs passed')

    // the next push: FIREFOX's job stops before testgate (a build step failed), CHROMIUM passes
    const next = await octomindLeg('CHROMIUM', 'c0ffee'.repeat(6) + 'c0ff')
    expect(next.exitCode).toBe(0)
    const [comment] = groupComments()
    expect(comment?.body.split('\n')[2]).toBe(
      '## ⚠️ e2e · browsers: 1 of 2 legs passed; 1 not run on this commit — Octomind \\(FIREFOX\\)'
    )
    // FIREFOX's section is kept as it was, with the commit it tested
    expect(parseGroupComment(comment?.body ?? '')[1]?.text).toContain(
      `:${pullRequestEvent.pull_request.head.sha} -->`
    )
  }, 60_000)

  it('with comment-on: change, a leg whose outcome is unchanged still moves its section to the new commit', async () => {
    const changeOnly = (browser: Browser, head?: string) =>
      run(
        {
          ...octomindInputs(octomind[browser], {
            apiKey: API_KEY,
            targetId: TARGET,
            githubToken: GITHUB_TOKEN
          }),
          browser,
          'comment-on': 'change'
        },
        head
      )
    await Promise.all([changeOnly('CHROMIUM'), changeOnly('FIREFOX')])
    // the next push breaks FIREFOX; CHROMIUM passes as before, after FIREFOX wrote
    const next = 'c0ffee'.repeat(6) + 'c0ff'
    octomind.FIREFOX.options.script = octomindScript(false)
    expect((await changeOnly('FIREFOX', next)).exitCode).toBe(1)
    const chromium = await changeOnly('CHROMIUM', next)

    expect(chromium.exitCode).toBe(0)
    const [comment] = groupComments()
    expect(comment?.body.split('\n')[2]).toBe(
      '## ❌ e2e · browsers: 1 of 2 legs failed — Octomind \\(FIREFOX\\)'
    )
  }, 60_000)

  it('keeps the oldest of two copies, moving the newer one’s sections into it', async () => {
    const bot = { author: 'github-actions[bot]' }
    const gone = 'octomind:other-target:e2e-tests:name=gone'
    const oldest = github.seedComment(
      PR,
      `${groupMarker(GROUP)}\n\n${sectionStart(KEYS[0] ?? '')}\n## ⏳ old\n<!-- /testgate-leg:${KEYS[0]} -->\n`,
      bot
    )
    github.seedComment(
      PR,
      `${groupMarker(GROUP)}\n\n${sectionStart(gone)}\n## ✅ a leg of its own\n<!-- /testgate-leg:${gone} -->\n`,
      bot
    )
    // A stranger's copy is neither adopted nor deleted.
    const stranger = github.seedComment(PR, `${groupMarker(GROUP)}\nmine`, { author: 'mallory' })

    const result = await octomindLeg('FIREFOX')
    expect(result.exitCode, result.stdout).toBe(0)
    const comments = groupComments()
    expect(comments.map((c) => c.id)).toEqual([oldest.id, stranger.id])
    const sections = parseGroupComment(oldest.body)
    expect(sections.map((s) => s.key)).toEqual([KEYS[0], KEYS[1], gone])
    expect(sections[0]?.text).toContain('## ⏳ old')
    expect(sections[1]?.text).toContain('### ✅ Octomind (FIREFOX): all 3 tests passed')
    expect(sections[2]?.text).toContain('## ✅ a leg of its own')
    // an older testgate's sections count by their headlines
    expect(oldest.body.split('\n')[2]).toBe(
      '## ⏳ e2e · browsers: 2 of 3 legs passed; 1 without a verdict yet — old'
    )
    expect(stranger.body).toBe(`${groupMarker(GROUP)}\nmine`)
  })

  it('with a bot token and GraphQL down, writes a comment of its own rather than adopt one', async () => {
    const own = github.seedComment(PR, `${groupMarker(GROUP)}\nlast report`, {
      author: 'github-actions[bot]'
    })
    // down for the whole run: the look for the last run's record and the writer's own
    const down = { kind: 'status' as const, status: 200, body: { errors: [{ message: 'down' }] } }
    github.inject('graphql', down, down)
    const result = await octomindLeg('SAFARI')

    expect(result.exitCode, result.stdout).toBe(0)
    expect(own.body).toBe(`${groupMarker(GROUP)}\nlast report`)
    expect(github.requestsTo('create-comment')).toHaveLength(1)
    expect(github.requestsTo('update-comment')).toHaveLength(0)
    const created = groupComments().at(-1)
    expect(parseGroupComment(created?.body ?? '').map((s) => s.key)).toEqual([KEYS[2]])
    expect(result.stdout).toContain('rather than risk editing one it did not write')
    expect(result.warnings).toEqual([])
  })
})
