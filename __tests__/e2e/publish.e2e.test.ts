import { createHash } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  versionIdOf,
  type OctomindOptions,
  type OctomindResultState,
  type OctomindTestCase,
  octomindInputs
} from '../simulators/octomind.js'
import { runAction, type ActionRun } from '../simulators/runner.js'
import { TestmoSimulator } from '../simulators/testmo.js'

const API_KEY = 'om-key-for-publishing'
const GITHUB_TOKEN = 'ghs_publish_token'
const TESTMO_TOKEN = 'testmo-token-abcdef123456'
const TARGET = '7a1b2c3d-0000-4000-8000-000000000001'
const FOLDER = `octomind/${TARGET}`

let octomind: OctomindSimulator
let github: GitHubSimulator
let testmo: TestmoSimulator

/** Every tenth test fails, every 25th errors on Octomind's side, the rest pass. */
function results(cases: OctomindTestCase[]): OctomindResultState[] {
  return cases.map((testCase, i) => {
    if (i % 25 === 0)
      return {
        testCaseId: testCase.id,
        status: 'ERROR',
        errorMessage: `browser crashed in test ${i}`
      }
    if (i % 10 === 0)
      return {
        testCaseId: testCase.id,
        status: 'FAILED',
        errorMessage: `expected button ${i} to be visible`
      }
    return { testCaseId: testCase.id, status: 'PASSED' }
  })
}

async function startOctomind(
  cases: OctomindTestCase[],
  shape: OctomindOptions['shape'] = 'v3'
): Promise<void> {
  octomind = new OctomindSimulator({
    apiKey: API_KEY,
    testCases: cases,
    script: [
      { status: 'WAITING', results: cases.map((c) => ({ testCaseId: c.id, status: 'WAITING' })) },
      { status: 'FAILED', results: results(cases) }
    ],
    shape
  })
  await octomind.start()
}

function run(inputs: Record<string, string> = {}, overrides: Partial<ActionRun> = {}) {
  return runAction({
    eventName: 'pull_request',
    event: {
      pull_request: {
        number: 9,
        node_id: 'PR_9',
        head: { sha: 'beef'.repeat(10), ref: 'feature/pay' }
      }
    },
    githubApiUrl: github.url,
    ...overrides,
    inputs: {
      ...octomindInputs(octomind, { apiKey: API_KEY, targetId: TARGET, githubToken: GITHUB_TOKEN }),
      'testmo-url': testmo.url,
      'testmo-token': TESTMO_TOKEN,
      'testmo-project-id': '1',
      ...inputs
    }
  })
}

function statusCounts(statuses: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1
  return counts
}

beforeEach(async () => {
  github = new GitHubSimulator(GITHUB_TOKEN)
  testmo = new TestmoSimulator(TESTMO_TOKEN)
  await github.start()
  await testmo.start()
})

afterEach(async () => {
  await octomind?.close()
  await github.close()
  await testmo.close()
})

describe('publishing to Testmo', () => {
  it('lands a 1,000-test report complete: every test once, counts per status matching', async () => {
    const cases = sampleTestCases(1000)
    // results that name their test case (spec of 2025-12), so the names are the cases' own
    await startOctomind(cases, 'v3-case')
    const result = await run({ 'testmo-tags': 'e2e, staging' })

    expect(result.exitCode).toBe(1) // the run has failures; publishing itself went fine
    expect(result.errors.join('\n')).not.toContain('Testmo')
    const stored = testmo.onlyRun()
    expect(stored.completed).toBe(true)
    expect(stored.completeBody).toEqual({ measure_elapsed: false })
    expect(stored.tests).toHaveLength(1000)
    expect(new Set(stored.tests.map((test) => test.key)).size).toBe(1000)
    expect(statusCounts(stored.tests.map((test) => test.status))).toEqual({
      passed: Number(result.outputs.passed),
      failed: 80, // every tenth, less those that are also every 25th
      error: 40
    })
    expect(Number(result.outputs.failed)).toBe(120)
    expect(
      testmo
        .requestsTo('append')
        .map((request) => (request.body as { tests: unknown[] }).tests.length)
    ).toEqual([250, 250, 250, 250])
    expect(testmo.threads.get(stored.threads[0]!)?.completed).toBe(true)

    // history lines up with Testmo's CLI: key = sha256("folder.name")
    const first = stored.tests[1]!
    expect(first).toMatchObject({ name: cases[1]!.description, folder: FOLDER, status: 'passed' })
    expect(first.key).toBe(
      createHash('sha256').update(`${FOLDER}.${cases[1]!.description}`).digest('hex')
    )
    const failed = stored.tests[10]!
    expect(failed.fields).toContainEqual({
      type: 4,
      name: 'Failure',
      value: 'expected button 10 to be visible',
      is_highlight: true
    })
    expect(failed.artifacts).toEqual([
      { name: 'trace', url: expect.stringMatching(/^https:\/\/storage\.example\.test\/traces\//) }
    ])
    expect(stored.tests[0]!.fields?.[0]).toMatchObject({
      name: 'Error',
      value: 'browser crashed in test 0'
    })

    expect(stored.body).toMatchObject({
      name: 'e2e #17',
      source: 'octomind',
      tags: ['e2e', 'staging'],
      links: [
        { name: 'GitHub workflow run', url: 'https://github.com/acme/shop/actions/runs/4242' },
        { name: 'Pull request #9', url: 'https://github.com/acme/shop/pull/9' },
        { name: 'Octomind report', url: expect.stringContaining('/testreports/') }
      ]
    })
    expect(stored.body.fields).toContainEqual({ type: 1, name: 'Commit', value: 'beef'.repeat(10) })
    expect(stored.body.fields).toContainEqual({ type: 1, name: 'Branch', value: 'feature/pay' })

    const runUrl = `${testmo.url}/automation/runs/view/${stored.id}`
    expect(result.outputs).toMatchObject({
      'testmo-run-id': String(stored.id),
      'testmo-run-url': runUrl
    })
    expect(result.summary).toContain(`[Testmo run ${stored.id}](${runUrl})`)
    expect(github.commentsOn(9)[0]?.body).toContain(`[Testmo run ${stored.id}](${runUrl})`)
  })

  it('gives current v3 results the same JUnit names and Testmo keys on every run', async () => {
    const cases = sampleTestCases(5)
    await startOctomind(cases)
    const dir = await mkdtemp(join(tmpdir(), 'testgate-'))
    const first = await run({ 'junit-path': join(dir, 'first.xml') })
    const second = await run({ 'junit-path': join(dir, 'second.xml') })

    expect(first.outputs['run-id']).not.toBe(second.outputs['run-id'])
    const [runA, runB] = [...testmo.runs.values()]
    const keys = (stored: typeof runA) => stored!.tests.map((test) => [test.key, test.name])
    expect(keys(runB)).toEqual(keys(runA))
    expect(new Set(runA!.tests.map((test) => test.key)).size).toBe(5)
    const junitNames = async (file: string) =>
      [...(await readFile(join(dir, file), 'utf8')).matchAll(/<testcase [^>]*name="([^"]*)"/g)].map(
        (match) => match[1]
      )
    expect(await junitNames('second.xml')).toEqual(await junitNames('first.xml'))
    expect(await junitNames('first.xml')).toContain(`test case version ${versionIdOf(cases[0]!)}`)
    // the result link, new each run, still leads to the test in Octomind
    expect(first.summary).toContain('/testresults/')
  })

  it('survives a 429 and interrupted appends mid-publish: no test lost, none counted twice', async () => {
    const cases = sampleTestCases(1000)
    await startOctomind(cases)
    testmo.inject(
      'append',
      null,
      {
        kind: 'status',
        status: 429,
        body: { message: 'Too Many Requests' },
        headers: { 'retry-after': '1' }
      },
      { kind: 'apply-then-status', status: 504 }, // landed, but the answer was lost
      { kind: 'status', status: 503, body: { message: 'Service Unavailable' } } // did not land
    )
    testmo.inject('create-run', { kind: 'status', status: 429, headers: { 'retry-after': '0' } })
    const result = await run()

    expect(result.errors.join('\n')).not.toContain('Testmo')
    const stored = testmo.onlyRun()
    expect(stored.completed).toBe(true)
    expect(stored.tests).toHaveLength(1000)
    expect(new Set(stored.tests.map((test) => test.key)).size).toBe(1000)
    expect(testmo.requestsTo('create-run')).toHaveLength(2)
    expect(result.stdout).toContain('did land (500 held); going on.')
    expect(result.stdout).toContain('did not land (500 held); sending it again.')
  })

  it('with a bad token still reports the verdict everywhere and fails naming Testmo', async () => {
    await startOctomind(sampleTestCases(12))
    const path = join(await mkdtemp(join(tmpdir(), 'testgate-')), 'report.json')
    const result = await run({ 'testmo-token': 'expired-token-999', 'report-path': path })

    expect(result.exitCode).toBe(1)
    const errors = result.errors.join('\n')
    expect(errors).toContain(
      'Testmo run: Testmo: POST /projects/1/automation/runs failed with HTTP 401: Unauthenticated.'
    )
    expect(errors).toContain('Octomind: 1 of 12 tests failed, 1 errored')
    expect(result.outputs).toMatchObject({ status: 'failed', total: '12', 'report-path': path })
    expect(result.outputs['testmo-run-id']).toBeUndefined()
    expect(result.summary).toContain('❌ Octomind: 1 of 12 tests failed, 1 errored')
    expect(github.commentsOn(9)).toHaveLength(1)
    expect(JSON.parse(await readFile(path, 'utf8')).counts.total).toBe(12)
    const printed = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
    expect([...printed, result.stderr, result.summary].join('\n')).not.toContain(
      'expired-token-999'
    )
  })

  it('shows a 422 per field and names the run it left incomplete', async () => {
    await startOctomind(sampleTestCases(3))
    testmo.inject('append', {
      kind: 'status',
      status: 422,
      body: {
        message: 'The given data was invalid.',
        errors: { 'tests.0.status': ['The selected status is invalid.'] }
      }
    })
    const result = await run()

    const errors = result.errors.join('\n')
    expect(errors).toContain(
      'HTTP 422: The given data was invalid.; tests.0.status: The selected status is invalid.'
    )
    expect(errors).toMatch(
      /Testmo run \d+ is left incomplete: http:\/\/127\.0\.0\.1:\d+\/automation\/runs\/view\/\d+/
    )
    expect(result.outputs['testmo-run-id']).toMatch(/^\d+$/)
    expect(testmo.requestsTo('append')).toHaveLength(1)
  })

  it('rejects a partial Testmo setup, naming what is missing', async () => {
    await startOctomind(sampleTestCases(3))
    const result = await run({ 'testmo-token': '', 'testmo-project-id': '' })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain(
      'Publishing to Testmo needs testmo-url, testmo-token, testmo-project-id; missing: "testmo-token", "testmo-project-id"'
    )
    expect(octomind.requests).toHaveLength(0)
  })
})

const [CASE_A, CASE_B, CASE_C, CASE_D] = ['a', 'b', 'c', 'd'].map(
  (c) => `0000000${c}-0000-4000-8000-00000000000${c}`
) as [string, string, string, string]

describe('JUnit XML', () => {
  it('writes a file a real XML parser reads back with every test, status and message', async () => {
    const nasty = [
      { id: CASE_A, description: 'Login <as> "admin" & check | `code` @team' },
      { id: CASE_B, description: 'Emoji 🚀 and ]]> and a bell \u0007 in the name' },
      { id: CASE_C, description: 'Checkout total is right' },
      { id: CASE_D, description: 'Search works' }
    ]
    octomind = new OctomindSimulator({
      apiKey: API_KEY,
      testCases: nasty,
      script: [
        {
          status: 'FAILED',
          results: [
            {
              testCaseId: CASE_A,
              status: 'FAILED',
              errorMessage: 'Expected <div class="x"> & got \u001b[31mred\u001b[0m\nline two ]]>'
            },
            { testCaseId: CASE_B, status: 'PASSED' },
            { testCaseId: CASE_C, status: 'ERROR', errorMessage: 'worker lost\ttab' },
            { testCaseId: CASE_D, status: 'PASSED' }
          ]
        }
      ],
      shape: 'v3-case'
    })
    await octomind.start()
    const path = join(await mkdtemp(join(tmpdir(), 'testgate-')), 'out', 'junit.xml')
    const result = await run({
      'junit-path': path,
      'testmo-url': '',
      'testmo-token': '',
      'testmo-project-id': ''
    })

    expect(result.outputs['junit-path']).toBe(path)
    // htmlEntities: decode numeric character references (&#10;, &#9;) as every XML parser must
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      htmlEntities: true,
      isArray: (name) => ['testcase', 'property'].includes(name)
    })
    const xml = parser.parse(await readFile(path, 'utf8'))
    const suite = xml.testsuites.testsuite
    expect(suite).toMatchObject({
      tests: '4',
      failures: '1',
      errors: '1',
      skipped: '0',
      name: `Octomind ${TARGET}`
    })
    const cases = suite.testcase as Record<string, unknown>[]
    expect(cases.map((c) => c.name)).toEqual([
      'Login <as> "admin" & check | `code` @team',
      'Emoji 🚀 and ]]> and a bell \ufffd in the name',
      'Checkout total is right',
      'Search works'
    ])
    expect(cases.every((c) => c.classname === FOLDER)).toBe(true)
    expect(cases[0]!.failure).toMatchObject({
      message: 'Expected <div class="x"> & got \ufffd[31mred\ufffd[0m',
      '#text': 'Expected <div class="x"> & got \ufffd[31mred\ufffd[0m\nline two ]]>'
    })
    expect(cases[2]!.error).toMatchObject({
      message: 'worker lost\ttab',
      '#text': 'worker lost\ttab'
    })
    expect(cases[1]!.failure).toBeUndefined()
    const links = (cases[0]!.properties as { property: { name: string; value: string }[] }).property
    expect(links.map((p) => p.name)).toEqual(['result', 'trace'])
    expect(links[1]!.value).toMatch(/^https:\/\/storage\.example\.test\/traces\//)
  })
})
