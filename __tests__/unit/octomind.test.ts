import { describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github-context.js'
import { parseInputs } from '../../src/inputs.js'
import {
  buildExecuteBody,
  describeOctomindError,
  mapReport,
  octomindApiBase
} from '../../src/providers/octomind.js'

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
  return parseInputs((name) => all[name] ?? '', ['octomind'])
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

  it('maps every documented status and reads names, errors, durations and links', () => {
    const report = mapReport(
      {
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
      },
      mapping
    )
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
      ['res-3', 'errored'],
      ['res-4', 'running']
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

  it('calls a finished report with only ERROR results errored, and WAITING running', () => {
    expect(
      mapReport({ id: 'r', status: 'FAILED', testResults: [result({ status: 'ERROR' })] }, mapping)
        .status
    ).toBe('errored')
    expect(mapReport({ id: 'r', status: 'WAITING', testResults: [] }, mapping).status).toBe(
      'running'
    )
    expect(mapReport({ id: 'r', status: 'PASSED' }, mapping).status).toBe('passed')
  })

  it('treats unknown statuses as still running and reports them', () => {
    unknown.length = 0
    const report = mapReport(
      { id: 'r', status: 'ARCHIVING', testResults: [result({ status: 'FLAKY' })] },
      mapping
    )
    expect(report.status).toBe('running')
    expect(report.tests[0]?.status).toBe('running')
    expect(unknown).toEqual(['result:FLAKY', 'report:ARCHIVING'])
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
