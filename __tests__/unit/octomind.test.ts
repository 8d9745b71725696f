import { vendorCatalog } from '../../src/vendors/index.js'
import { describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github/context.js'
import { parseInputs } from '../../src/core/inputs.js'
import {
  buildExecuteBody,
  describeOctomindError,
  octomindApiBase,
  octomindRerunProblem
} from '../../src/vendors/octomind/api.js'
import { mapReport, testIdentity } from '../../src/vendors/octomind/mapping.js'
import { judge } from '../../src/report/verdict.js'
import { summaryMarkdown } from '../../src/report/summary.js'
import {
  currentV3FinishedReport,
  earlyV3Result,
  executeRequestSchema,
  rerunExecuteRequest,
  testReportSchema,
  v2NamedResult
} from '../contracts/octomind.js'

const context: RunContext = {
  eventName: 'pull_request',
  owner: 'acme',
  repo: 'shop',
  sha: 'head123',
  ref: 'feature/x',
  serverUrl: 'https://github.com',
  actor: 'octocat',
  pullRequest: { number: 7, nodeId: 'PR_7', source: 'event' }
}

function settings(inputs: Record<string, string> = {}) {
  const all: Record<string, string> = {
    provider: 'octomind',
    'api-key': 'k',
    'target-id': 'tt-1',
    url: 'https://app.example',
    ...inputs
  }
  return parseInputs((name) => all[name] ?? '', vendorCatalog())
}

describe('buildExecuteBody', () => {
  it('maps inputs and the GitHub context into the v3 execute request', () => {
    const body = buildExecuteBody({
      settings: settings({
        environment: 'staging',
        variables: 'SPACE_ID=1\nSPACE_ID=2\nUSER: bob',
        tags: 'smoke, checkout',
        browser: 'safari',
        breakpoint: 'mobile'
      }),
      context
    })
    expect(body).toEqual({
      testTargetId: 'tt-1',
      url: 'https://app.example',
      context: {
        source: 'github',
        issueNumber: 7,
        ref: 'feature/x',
        sha: 'head123',
        repo: 'shop',
        owner: 'acme',
        triggeredBy: { type: 'USER', userId: 'octocat' },
        nodeId: 'PR_7'
      },
      environmentName: 'staging',
      variablesToOverwrite: { SPACE_ID: ['1', '2'], USER: ['bob'] },
      tags: ['smoke', 'checkout'],
      browser: 'SAFARI',
      breakpoint: 'MOBILE'
    })
  })

  it('sends null issueNumber without a PR, the default environment, and the deployment URL', () => {
    const body = buildExecuteBody({
      settings: settings({ url: '' }),
      context: {
        ...context,
        pullRequest: undefined,
        actor: undefined,
        deployment: { url: 'https://preview.example' }
      }
    })
    expect(body).toMatchObject({
      url: 'https://preview.example',
      environmentName: 'default',
      context: { issueNumber: null, nodeId: null, triggeredBy: null }
    })
    expect(body).not.toHaveProperty('variablesToOverwrite')
    expect(body).not.toHaveProperty('tags')
    expect(body).not.toHaveProperty('browser')
  })
})

describe('octomindApiBase', () => {
  it('appends /api to an origin and keeps an explicit API path', () => {
    expect(octomindApiBase(undefined)).toEqual({
      apiBase: 'https://app.octomind.dev/api',
      origin: 'https://app.octomind.dev'
    })
    expect(octomindApiBase('https://preview.octomind.dev/')).toEqual({
      apiBase: 'https://preview.octomind.dev/api',
      origin: 'https://preview.octomind.dev'
    })
    expect(octomindApiBase('http://127.0.0.1:9000/api').apiBase).toBe('http://127.0.0.1:9000/api')
  })
})

describe('mapReport', () => {
  const unknown: string[] = []
  const mapping = {
    origin: 'https://app.octomind.dev',
    targetId: 'tt-1',
    testCaseNames: new Map([['case-1', 'User can log in']]),
    onUnknownStatus: (kind: string, value: string) => unknown.push(`${kind}:${value}`)
  }
  const result = (fields: Record<string, unknown>) => ({ id: 'res-1', status: 'PASSED', ...fields })
  const mapAndJudge = (report: Parameters<typeof mapReport>[0]) => judge(mapReport(report, mapping))

  it('maps every documented status and reads names, errors, durations and links', () => {
    const report = mapAndJudge({
      id: 'rep-1',
      status: 'FAILED',
      createdAt: '2026-01-01T10:00:00.000Z',
      updatedAt: '2026-01-01T10:03:00.000Z',
      testResults: [
        result({
          testCaseId: 'case-1',
          createdAt: '2026-01-01T10:00:00.000Z',
          updatedAt: '2026-01-01T10:00:12.500Z'
        }),
        result({
          id: 'res-2',
          name: 'v2 name',
          status: 'FAILED',
          errorMessage: 'boom',
          traceUrl: 'https://t.example/x.zip'
        }),
        result({ id: 'res-3', status: 'ERROR', errorMessage: 'infra' }),
        result({ id: 'res-4', testCaseVersionId: 'ver-4', status: 'WAITING' })
      ]
    })
    expect(report.status).toBe('failed')
    expect(report.url).toBe('https://app.octomind.dev/testtargets/tt-1/testreports/rep-1')
    expect(report.finishedAt).toBe('2026-01-01T10:03:00.000Z')
    expect(report.counts).toEqual({
      total: 4,
      passed: 1,
      failed: 1,
      errored: 1,
      skipped: 0,
      pending: 1
    })
    expect(report.tests.map((t) => [t.name, t.status])).toEqual([
      ['User can log in', 'passed'],
      ['v2 name', 'failed'],
      ['result res-3', 'errored'],
      ['test case version ver-4', 'running']
    ])
    expect(report.tests[0]?.durationMs).toBe(12_500)
    expect(report.tests[1]?.error).toBe('boom')
    expect(report.tests[1]?.links).toEqual([
      {
        label: 'result',
        url: 'https://app.octomind.dev/testtargets/tt-1/testreports/rep-1/testresults/res-2',
        kind: 'page'
      },
      { label: 'trace', url: 'https://t.example/x.zip', kind: 'artifact' }
    ])
    expect(report.tests[3]?.id).toBe('ver-4')
  })

  it('fails a finished report with only ERROR results, and keeps WAITING running', () => {
    expect(
      mapAndJudge({ id: 'r', status: 'FAILED', testResults: [result({ status: 'ERROR' })] }).status
    ).toBe('failed')
    expect(mapAndJudge({ id: 'r', status: 'WAITING', testResults: [] }).status).toBe('running')
    expect(mapAndJudge({ id: 'r', status: 'PASSED', testResults: [result({})] }).status).toBe(
      'passed'
    )
  })

  it('never passes a PASSED report without results', () => {
    expect(mapAndJudge({ id: 'r', status: 'PASSED' }).status).toBe('no-tests')
  })

  it('treats unknown statuses as still running and reports them', () => {
    unknown.length = 0
    const report = mapAndJudge({
      id: 'r',
      status: 'ARCHIVING',
      testResults: [result({ status: 'FLAKY' })]
    })
    expect(report.status).toBe('running')
    expect(report.tests[0]?.status).toBe('running')
    expect(unknown).toEqual(['result:FLAKY', 'report:ARCHIVING'])
  })
})

describe('Octomind contract (OpenAPI file of 2026-01)', () => {
  const mapping = {
    origin: 'https://app.octomind.dev',
    targetId: currentV3FinishedReport.testTargetId,
    testCaseNames: new Map<string, string>(),
    onUnknownStatus: () => {}
  }

  it('sends an execute body the contract accepts', () => {
    const body = buildExecuteBody({
      settings: settings({
        'target-id': '3435918b-3d29-4ebd-8c68-9a540532f45a',
        variables: 'A=1',
        tags: 'smoke',
        browser: 'firefox',
        breakpoint: 'tablet'
      }),
      context
    })
    expect(executeRequestSchema.safeParse(body).error).toBeUndefined()
  })

  it('keys and names current v3 results by their test-case version, the same on every run', () => {
    expect(testReportSchema.safeParse(currentV3FinishedReport).error).toBeUndefined()
    const first = judge(mapReport(currentV3FinishedReport, mapping))
    const rerun = {
      ...currentV3FinishedReport,
      id: '99999999-644b-4b28-89b4-f50ff34e46b7',
      testResults: currentV3FinishedReport.testResults.map((r, i) => ({
        ...r,
        id: `aaaaaaa${i}-0000-4000-8000-000000000000`
      }))
    }
    const second = judge(mapReport(rerun, mapping))
    expect(first.tests.map((t) => t.id)).toEqual(
      currentV3FinishedReport.testResults.map((r) => r.testCaseVersionId)
    )
    expect(second.tests.map((t) => [t.id, t.name])).toEqual(first.tests.map((t) => [t.id, t.name]))
    expect(first.tests[0]?.name).toBe('test case version 9876fedc-ba98-7654-3210-fedcba987654')
    expect(first.tests[0]?.links[0]?.url).toBe(
      `https://app.octomind.dev/testtargets/${mapping.targetId}/testreports/${currentV3FinishedReport.id}/testresults/333d3f57-00cf-4ce9-8d34-89093a08681a`
    )
    expect(first.status).toBe('failed')
    expect(first.counts).toMatchObject({ passed: 1, failed: 1, errored: 1 })
  })

  it('shows a test known by its version alone by a short id, linked to its result', () => {
    const report = judge(mapReport(currentV3FinishedReport, mapping))
    const md = summaryMarkdown(report, { vendor: 'Octomind' })
    const result = `https://app.octomind.dev/testtargets/${mapping.targetId}/testreports/${currentV3FinishedReport.id}/testresults/333d3f57-00cf-4ce9-8d34-89093a08681a`
    expect(report.tests[0]?.shortName).toBe('test 9876fedc…')
    expect(md).toContain(`[test 9876fedc…](${result})`)
    expect(md).not.toContain('test case version')
    expect(md).not.toContain('9876fedc-ba98')
  })

  it('lengthens the short ids of versions that start alike, so no two tests read the same', () => {
    const alike = ['abcdef12-0000-4000-8000-000000000001', 'abcdef12-0000-4000-8000-000000000002']
    const report = mapReport(
      {
        ...currentV3FinishedReport,
        testResults: alike.map((id, i) => ({
          id: `r${i}`,
          testCaseVersionId: id,
          status: 'PASSED'
        }))
      },
      mapping
    )
    expect(report.tests.map((test) => test.shortName)).toEqual([
      'test abcdef12-0000-4000-8000-000000000001',
      'test abcdef12-0000-4000-8000-000000000002'
    ])
    const apart = mapReport(
      {
        ...currentV3FinishedReport,
        testResults: [
          { id: 'r0', testCaseVersionId: 'abcdef12-1111-4000-8000-000000000001', status: 'PASSED' },
          { id: 'r1', testCaseVersionId: 'abcdef12-2222-4000-8000-000000000002', status: 'PASSED' },
          { id: 'r2', testCaseVersionId: '5432fedc-ba98-7654-3210-fedcba543210', status: 'PASSED' }
        ]
      },
      mapping
    )
    expect(apart.tests.map((test) => test.shortName)).toEqual([
      'test abcdef12-1…',
      'test abcdef12-2…',
      'test 5432fedc…'
    ])
  })

  it('still reads older reports: testCaseId named from the test cases, and a v2 name', () => {
    const names = new Map([[earlyV3Result.testCaseId, 'User can log in']])
    const report = (results: unknown[]) =>
      mapReport(
        { ...currentV3FinishedReport, status: 'PASSED', testResults: results as never },
        { ...mapping, testCaseNames: names }
      )
    expect(report([earlyV3Result]).tests[0]).toMatchObject({
      id: earlyV3Result.testCaseId,
      name: 'User can log in'
    })
    expect(report([v2NamedResult]).tests[0]).toMatchObject({
      id: earlyV3Result.testCaseId,
      name: 'User can search for information'
    })
  })
})

describe('describeOctomindError', () => {
  it('reads the 400 list of zod issues and the status/error body', () => {
    expect(
      describeOctomindError([
        { code: 'invalid_type', path: ['context', 'repo'], message: 'Required' },
        { code: 'custom', message: 'bad url' }
      ])
    ).toBe('context.repo: Required; bad url')
    expect(describeOctomindError({ status: 'error', error: 'Test target not found' })).toBe(
      'Test target not found'
    )
    expect(describeOctomindError('plain text')).toBeUndefined()
  })
})

describe('Octomind re-run of failed tests', () => {
  const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
  const V1 = '5432fedc-ba98-7654-3210-fedcba543210'
  const V2 = '1234abcd-ef56-7890-abcd-ef1234567890'

  it('keys a result for re-running by its test-case version', () => {
    // Current v3: the version is the id, nothing more to keep.
    expect(testIdentity({ id: 'r', testCaseVersionId: V1, status: 'FAILED' }, new Map())).toEqual({
      id: V1,
      name: `test case version ${V1}`,
      shortName: 'test 5432fedc…'
    })
    // A result that names its case and its version: the case is who it is, the version re-runs it.
    expect(
      testIdentity(
        { id: 'r', testCaseId: earlyV3Result.testCaseId, testCaseVersionId: V1, status: 'FAILED' },
        new Map([[earlyV3Result.testCaseId, 'User can log in']])
      )
    ).toEqual({ id: earlyV3Result.testCaseId, rerunKey: V1, name: 'User can log in' })
    const mapped = mapReport(
      {
        ...currentV3FinishedReport,
        testResults: [{ ...earlyV3Result, testCaseVersionId: V2, status: 'FAILED' }]
      },
      {
        origin: 'https://app.octomind.dev',
        targetId: TARGET,
        testCaseNames: new Map(),
        onUnknownStatus: () => {}
      }
    )
    expect(mapped.tests[0]).toMatchObject({ id: earlyV3Result.testCaseId, rerunKey: V2 })
  })

  it('sends the failed versions as testCaseVersionIds, without tags, keeping how the tests run', () => {
    const body = buildExecuteBody({
      settings: settings({
        'target-id': TARGET,
        environment: 'staging',
        variables: 'A=1',
        tags: 'smoke',
        browser: 'firefox'
      }),
      context,
      rerun: { previousRunId: currentV3FinishedReport.id, keys: [V1, V2] }
    })
    expect(body).toMatchObject({
      testTargetId: TARGET,
      environmentName: 'staging',
      variablesToOverwrite: { A: ['1'] },
      browser: 'FIREFOX',
      testCaseVersionIds: [V1, V2]
    })
    expect(body).not.toHaveProperty('tags')
    expect(executeRequestSchema.safeParse(body).error).toBeUndefined()
    expect(executeRequestSchema.safeParse(rerunExecuteRequest).error).toBeUndefined()
  })

  it('sends no testCaseVersionIds on a run of every test', () => {
    const body = buildExecuteBody({ settings: settings({ tags: 'smoke' }), context })
    expect(body).not.toHaveProperty('testCaseVersionIds')
    expect(body.tags).toEqual(['smoke'])
  })

  it('cannot re-run keys that are no version ids, and says so', () => {
    expect(octomindRerunProblem({ previousRunId: 'r', keys: [V1] })).toBeUndefined()
    expect(octomindRerunProblem({ previousRunId: 'r', keys: [V1, 'result res-3'] })).toBe(
      'Octomind re-runs tests by test-case version id (a UUID), which not every failure of the earlier attempt has (result res-3)'
    )
  })
})
