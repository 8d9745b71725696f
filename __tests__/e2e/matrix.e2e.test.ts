import { basename } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun,
  octomindInputs
} from '../simulators/octomind.js'
import { runAction } from '../simulators/runner.js'
import { TestmoSimulator } from '../simulators/testmo.js'
import { TestiflySimulator, type TestiflyStep } from '../simulators/testifly.js'

const API_KEY = 'om-live-5f1d2c3b4a-secret'
const GITHUB_TOKEN = 'ghs_simulated_token_0123456789'
const TESTMO_TOKEN = 'testmo_simulated_token_42'
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const CASES = sampleTestCases(2)

const pullRequestEvent = {
  pull_request: {
    number: 7,
    node_id: 'PR_kwDOAbCd7',
    head: { sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', ref: 'feature/login' }
  },
  sender: { login: 'octocat' }
}

let octomind: OctomindSimulator
let github: GitHubSimulator
let testmo: TestmoSimulator

/** One leg of the job `e2e-tests` (the same GITHUB_JOB for every leg, as a matrix has). */
function leg(inputs: Record<string, string>) {
  return runAction({
    eventName: 'pull_request',
    event: pullRequestEvent,
    githubApiUrl: github.url,
    inputs: {
      ...octomindInputs(octomind, { apiKey: API_KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      'timeout-minutes': '1',
      ...inputs
    }
  })
}

const ours = () => github.commentsOn(7).filter((c) => c.body.startsWith('<!-- testgate:'))

beforeEach(async () => {
  github = new GitHubSimulator(GITHUB_TOKEN)
  await github.start()
  testmo = new TestmoSimulator(TESTMO_TOKEN)
  await testmo.start()
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: CASES,
    script: scriptedRun(CASES.map((c) => ({ testCaseId: c.id, status: 'PASSED' })))
  })
  await octomind.start()
})

afterEach(async () => {
  await octomind.close()
  await testmo.close()
  await github.close()
})

describe('matrix legs, end to end through dist/index.js', () => {
  it('gives two legs with different browsers a comment each, even without name', async () => {
    const [chromium, firefox] = await Promise.all([
      leg({ browser: 'CHROMIUM' }),
      leg({ browser: 'FIREFOX' })
    ])
    expect(chromium.exitCode, chromium.stdout).toBe(0)
    expect(firefox.exitCode, firefox.stdout).toBe(0)

    const comments = ours()
    expect(comments).toHaveLength(2)
    const bodies = comments.map((c) => c.body).sort()
    expect(bodies[0]).toMatch(
      /^<!-- testgate:octomind:[^ ]+:e2e-tests:variant=CHROMIUM:workflow=e2e.yml -->/
    )
    expect(bodies[0]).toContain('✅ Octomind (CHROMIUM): all 2 tests passed')
    expect(bodies[1]).toMatch(
      /^<!-- testgate:octomind:[^ ]+:e2e-tests:variant=FIREFOX:workflow=e2e.yml -->/
    )
    expect(bodies[1]).toContain('✅ Octomind (FIREFOX): all 2 tests passed')
    expect(chromium.summary).toContain('Octomind (CHROMIUM)')
    expect(firefox.summary).toContain('Octomind (FIREFOX)')
  })

  it('names each leg by name; the same leg run again edits its own comment only', async () => {
    const testmoInputs = {
      'testmo-url': testmo.url,
      'testmo-token': TESTMO_TOKEN,
      'testmo-project-id': '1'
    }
    const inputsOf = (browser: string) => ({ ...testmoInputs, name: `${browser} leg`, browser })
    const first = await Promise.all([leg(inputsOf('CHROMIUM')), leg(inputsOf('FIREFOX'))])
    for (const result of first) expect(result.exitCode, result.stdout).toBe(0)
    const before = ours()
    expect(before).toHaveLength(2)
    const firefoxComment = before.find((c) =>
      c.body.includes('✅ Octomind (FIREFOX leg · FIREFOX): all 2 tests passed')
    )
    expect(firefoxComment?.body).toMatch(
      /^<!-- testgate:octomind:[^ ]+:e2e-tests:name=FIREFOX%20leg:variant=FIREFOX:workflow=e2e.yml -->/
    )
    // "FIREFOX leg" and the variant FIREFOX differ: the heading names both.
    expect(firefoxComment?.body).not.toContain('CHROMIUM')

    // Report files and Testmo run names differ per leg.
    const files = first.map((result) => basename(result.outputs['report-path'] ?? ''))
    expect(files[0]).toMatch(/^octomind-CHROMIUM_leg___CHROMIUM-[0-9a-f-]{36}\.json$/)
    expect(files[1]).toMatch(/^octomind-FIREFOX_leg___FIREFOX-[0-9a-f-]{36}\.json$/)
    const runNames = [...testmo.runs.values()].map((run) => run.body.name).sort()
    expect(runNames).toEqual([
      'e2e #17 (CHROMIUM leg · CHROMIUM)',
      'e2e #17 (FIREFOX leg · FIREFOX)'
    ])

    const again = await leg(inputsOf('FIREFOX'))
    expect(again.exitCode, again.stdout).toBe(0)
    const after = ours()
    expect(after).toHaveLength(2)
    expect(github.requestsTo('create-comment')).toHaveLength(2)
    const [update, ...moreUpdates] = github.requestsTo('update-comment')
    expect(moreUpdates).toHaveLength(0)
    expect(update?.path).toMatch(new RegExp(`/issues/comments/${firefoxComment?.id}$`))
  })
})

describe('matrix legs of another vendor (Testifly)', () => {
  const PROJECT = '67f8cb3fe236b8d41b7700ac'
  const script = (failing: boolean): TestiflyStep[] => [
    { job: 'InProgress' },
    {
      job: failing ? 'Failed' : 'Success',
      tests: [
        { title: 'Opens the page', status: 'Passed' },
        { title: 'Submits the form', status: failing ? 'Failed' : 'Passed' }
      ]
    }
  ]

  it('gives each named leg its comment, heading and report file', async () => {
    const simulators = [false, true].map(
      (failing) =>
        new TestiflySimulator({ apiKey: API_KEY, projectId: PROJECT, script: script(failing) })
    )
    await Promise.all(simulators.map((sim) => sim.start()))
    try {
      const [smoke, checkout] = await Promise.all(
        ['smoke', 'checkout'].map((name, i) =>
          runAction({
            eventName: 'pull_request',
            event: pullRequestEvent,
            githubApiUrl: github.url,
            inputs: {
              provider: 'testifly',
              name,
              'api-key': API_KEY,
              'api-url': simulators[i]?.url ?? '',
              'target-id': PROJECT,
              'suite-id': name,
              'poll-interval-seconds': '1',
              'timeout-minutes': '1',
              'github-token': GITHUB_TOKEN
            }
          })
        )
      )
      expect(smoke?.exitCode, smoke?.stdout).toBe(0)
      expect(checkout?.exitCode, checkout?.stdout).toBe(1)
      const bodies = ours()
        .map((c) => c.body)
        .sort()
      expect(bodies).toHaveLength(2)
      expect(bodies[0]).toMatch(
        /^<!-- testgate:testifly:[^ ]+:e2e-tests:name=checkout:workflow=e2e.yml -->/
      )
      expect(bodies[0]).toContain('❌ Testifly (checkout): 1 of 2 tests failed')
      expect(bodies[1]).toMatch(
        /^<!-- testgate:testifly:[^ ]+:e2e-tests:name=smoke:workflow=e2e.yml -->/
      )
      expect(bodies[1]).toContain('✅ Testifly (smoke): all 2 tests passed')
      expect(basename(smoke?.outputs['report-path'] ?? '')).toMatch(/^testifly-smoke-/)
      expect(basename(checkout?.outputs['report-path'] ?? '')).toMatch(/^testifly-checkout-/)
    } finally {
      await Promise.all(simulators.map((sim) => sim.close()))
    }
  })
})
