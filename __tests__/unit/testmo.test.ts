import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github/context.js'
import {
  batches,
  createRunBody,
  createTestmoClient,
  describeTestmoError,
  testKey,
  TestmoPublisher,
  toTestmoTest
} from '../../src/sinks/testmo-client.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'
import { TestmoSimulator } from '../simulators/testmo.js'

const context: RunContext = {
  eventName: 'pull_request',
  owner: 'acme',
  repo: 'shop',
  sha: 'abc123',
  ref: 'feature/x',
  serverUrl: 'https://github.com',
  runUrl: 'https://github.com/acme/shop/actions/runs/1',
  workflow: 'E2E',
  runNumber: 12,
  pullRequest: { number: 4, source: 'event' }
}
const settings = { url: 'https://acme.testmo.net', token: 'tm-token', projectId: 1, tags: [] }

function report(tests: TestResult[]): RunReport {
  return {
    provider: 'octomind',
    targetId: 'tt',
    runId: 'r1',
    url: 'https://app.octomind.dev/r/1',
    status: 'failed',
    counts: countTests(tests),
    tests
  }
}

describe('toTestmoTest', () => {
  it('computes the CLI key and maps status, time, error and links', () => {
    expect(testKey('octomind/tt', 'Login works')).toMatch(/^[0-9a-f]{64}$/)
    const test = toTestmoTest(
      {
        id: '1',
        name: 'Login works',
        status: 'errored',
        durationMs: 1234.5,
        error: 'boom',
        links: [
          { label: 'result', url: 'https://app.example/r/1', kind: 'page' },
          { label: 'video', url: 'https://cdn.example/v.webm', kind: 'artifact' },
          { label: 'evil', url: 'javascript:alert(1)', kind: 'artifact' }
        ]
      },
      'octomind/tt'
    )
    expect(test).toEqual({
      key: testKey('octomind/tt', 'Login works'),
      name: 'Login works',
      folder: 'octomind/tt',
      status: 'error',
      elapsed: 1_234_500,
      fields: [
        { type: 4, name: 'Error', value: 'boom', is_highlight: true },
        { type: 5, name: 'result', value: 'https://app.example/r/1' }
      ],
      artifacts: [{ name: 'video', url: 'https://cdn.example/v.webm' }]
    })
  })

  it('sends unfinished tests as skipped with a note', () => {
    const test = toTestmoTest({ id: '1', name: 'slow', status: 'running', links: [] }, 'f')
    expect(test.status).toBe('skipped')
    expect(test.fields?.[0]).toMatchObject({ name: 'Not finished', is_highlight: true })
  })
})

describe('createRunBody', () => {
  it('names the run after the workflow and links back to GitHub and the vendor', () => {
    const body = createRunBody(
      { ...settings, tags: ['e2e'] },
      {
        report: report([]),
        context,
        vendor: 'Octomind',
        environment: 'staging',
        urlUnderTest: 'https://staging.example'
      }
    )
    expect(body).toEqual({
      name: 'E2E #12',
      source: 'octomind',
      tags: ['e2e'],
      links: [
        { name: 'GitHub workflow run', url: 'https://github.com/acme/shop/actions/runs/1' },
        { name: 'Pull request #4', url: 'https://github.com/acme/shop/pull/4' },
        { name: 'Octomind report', url: 'https://app.octomind.dev/r/1' }
      ],
      fields: [
        { type: 1, name: 'Commit', value: 'abc123' },
        { type: 1, name: 'Branch', value: 'feature/x' },
        { type: 1, name: 'Environment', value: 'staging' },
        { type: 5, name: 'URL under test', value: 'https://staging.example/' },
        { type: 1, name: 'Verdict', value: 'failed' }
      ]
    })
    expect(
      createRunBody(
        { ...settings, runName: 'Nightly', source: 'e2e-web' },
        { report: report([]), context, vendor: 'Octomind' }
      )
    ).toMatchObject({
      name: 'Nightly',
      source: 'e2e-web'
    })
  })
})

describe('batches and errors', () => {
  it('splits into batches of at most the given size', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(batches([], 250)).toEqual([])
  })

  it('reads Testmo 422 bodies per field', () => {
    expect(
      describeTestmoError({
        message: 'The given data was invalid.',
        errors: { name: ['The name field is required.'], 'tests.0.key': 'bad' }
      })
    ).toBe('The given data was invalid.; name: The name field is required.; tests.0.key: bad')
    expect(describeTestmoError('nope')).toBeUndefined()
  })
})

describe('TestmoPublisher against the simulator', () => {
  let testmo: TestmoSimulator
  const sleeps: number[] = []
  const logs: string[] = []

  beforeEach(async () => {
    sleeps.length = 0
    logs.length = 0
    testmo = new TestmoSimulator('tm-token')
    await testmo.start()
  })
  afterEach(() => testmo.close())

  function publisher(): TestmoPublisher {
    const client = createTestmoClient(
      { ...settings, url: testmo.url },
      {
        secrets: ['tm-token'],
        deadline: Date.now() + 600_000,
        log: (line) => logs.push(line),
        sleep: async (ms) => {
          sleeps.push(ms)
        }
      }
    )
    return new TestmoPublisher(client, { ...settings, url: testmo.url }, (line) => logs.push(line))
  }

  const tests = (n: number): TestResult[] =>
    Array.from({ length: n }, (_, i) => ({
      id: String(i),
      name: `t${i}`,
      status: 'passed',
      links: []
    }))

  it('waits 60 s after a 429 that names no Retry-After', async () => {
    testmo.inject('append', { kind: 'status', status: 429, body: { message: 'Too Many Requests' } })
    const result = await publisher().publish({
      report: report(tests(3)),
      context,
      vendor: 'Octomind'
    })
    expect(result.tests).toBe(3)
    expect(sleeps).toEqual([60_000])
    expect(testmo.onlyRun().tests).toHaveLength(3)
  })

  it('stops rather than risk counting tests twice when the count after an interrupted append is unexpected', async () => {
    testmo.inject('append', null, { kind: 'apply-then-status', status: 502 })
    // Someone else appends to the same run between our append and our check.
    testmo.route('get-run', 'GET', '/api/v1/automation/runs/:run', () => ({
      status: 200,
      body: { result: { total_count: 999 } }
    }))
    const error = await publisher()
      .publish({ report: report(tests(300)), context, vendor: 'Octomind' })
      .then(
        () => new Error('expected the publish to fail'),
        (e: unknown) => e as Error
      )
    expect(error.message).toContain('not sending again, to count no test twice')
    expect(error.message).toMatch(/Testmo run \d+ is left incomplete/)
  })

  it('never repeats a create whose answer was lost', async () => {
    testmo.inject('create-run', { kind: 'apply-then-status', status: 502 })
    const error = await publisher()
      .publish({ report: report(tests(1)), context, vendor: 'Octomind' })
      .then(
        () => new Error('expected the publish to fail'),
        (e: unknown) => e as Error
      )
    expect(error.message).toContain('HTTP 502')
    expect(testmo.requestsTo('create-run')).toHaveLength(1)
    expect(testmo.runs.size).toBe(1)
  })
})
