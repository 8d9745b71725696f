import { z } from 'zod'

/**
 * Octomind's contract, as its OpenAPI file states it: "Octomind external API" (OpenAPI 3.1.0),
 * `openapi.yaml` in OctoMind-dev/cli at commit f9ca737 (2026-01-14), read 2026-11. Older shapes
 * that real servers sent have their own fixtures below, each naming its source.
 *
 * These schemas are ours, written from that file. The simulator validates what testgate sends with
 * them and checks every answer it serves against them, so neither side can drift from the spec.
 */

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
const isoDate = z.iso.datetime()
const uri = z.url()
const BREAKPOINT = z.enum(['MOBILE', 'TABLET', 'DESKTOP'])
const BROWSER = z.enum(['CHROMIUM', 'FIREFOX', 'SAFARI'])

/** ExecutionContext, variant `github` (spec L2309–2349): no property is required. */
export const githubContextSchema = z.strictObject({
  source: z.literal('github'),
  issueNumber: z.number().int().nullable().optional(),
  ref: z.string().nullable().optional(),
  sha: z.string().nullable().optional(),
  repo: z.string().optional(),
  owner: z.string().optional(),
  triggeredBy: z
    .strictObject({ type: z.literal('USER'), userId: z.string() })
    .nullable()
    .optional(),
  nodeId: z.string().nullable().optional()
})

/**
 * TestTargetExecutionRequest (spec L1531–1574): testTargetId, url and context required. The spec
 * does not say whether unknown keys are refused; the simulator refuses them, so testgate is held
 * to the fields the spec declares.
 */
export const executeRequestSchema = z.strictObject({
  testTargetId: uuid,
  url: uri,
  context: githubContextSchema,
  environmentName: z.string().optional(),
  variablesToOverwrite: z.record(z.string(), z.array(z.string())).optional(),
  tags: z.array(z.string()).optional(),
  breakpoint: BREAKPOINT.optional(),
  browser: BROWSER.optional(),
  testCaseVersionIds: z.array(uuid).optional()
})

/**
 * TestResult (spec L1575–1634): no property is required. `testReportId` is not declared but the
 * spec's own examples carry it, so it is allowed here.
 */
export const testResultSchema = z.strictObject({
  id: uuid.optional(),
  testTargetId: uuid.optional(),
  testReportId: uuid.optional(),
  testCaseVersionId: uuid.optional(),
  createdAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
  status: z.enum(['WAITING', 'PASSED', 'FAILED', 'ERROR']).optional(),
  errorMessage: z.string().nullable().optional(),
  traceUrl: z.string().nullable().optional(),
  breakpoint: BREAKPOINT.optional(),
  browser: BROWSER.optional()
})

/** TestReport (spec L1635–1687). */
export const testReportSchema = z.strictObject({
  id: uuid,
  testTargetId: uuid,
  createdAt: isoDate,
  updatedAt: isoDate,
  executionUrl: uri,
  status: z.enum(['WAITING', 'PASSED', 'FAILED']),
  context: githubContextSchema,
  breakpoint: BREAKPOINT.optional(),
  browser: BROWSER.optional(),
  testResults: z.array(testResultSchema).optional()
})

/**
 * Reports of older servers: results name their test case by `testCaseId` (spec of 2025-12,
 * OctoMind-dev/cli 37e0a01) and, in v2, by a human `name` too (spec of 2025-02,
 * OctoMind-dev/mintlify-docs baed3c1); no testCaseVersionId.
 */
export const legacyReportSchema = testReportSchema.extend({
  testResults: z
    .array(
      testResultSchema
        .omit({ testCaseVersionId: true })
        .extend({ testCaseId: uuid.optional(), name: z.string().optional() })
    )
    .optional()
})

/** TestExecutionResponse (spec L1709–1721). */
export const executeResponseSchema = z.strictObject({
  testReportUrl: uri,
  testReport: testReportSchema
})

/** TestCaseResponse (spec L1722–1921), the fields a list entry carries; id and testTargetId required. */
export const testCaseSchema = z.strictObject({
  version: z.literal('1').optional(),
  id: uuid,
  testTargetId: uuid,
  type: z.string().nullable().optional(),
  elements: z.array(z.unknown()).optional(),
  createdAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
  description: z.string().optional(),
  status: z.enum(['ENABLED', 'DRAFT']).optional(),
  externalId: z.string().nullable().optional(),
  entryPointUrlPath: z.string().nullable().optional(),
  tags: z.array(z.string()).optional(),
  createdBy: z.literal('EDIT').optional(),
  runStatus: z.enum(['ON', 'OFF']).optional(),
  prerequisiteId: uuid.nullable().optional(),
  proposalRunId: uuid.nullable().optional(),
  folderId: uuid.nullable().optional(),
  teardownTestCaseId: uuid.nullable().optional(),
  discovery: z.unknown().nullable().optional()
})

/** ZodResponse (spec L2130–2156): the 400 body, a list of zod issues; nothing in an item is required. */
export const zodResponseSchema = z.array(
  z.object({
    code: z.string().optional(),
    expected: z.string().optional(),
    received: z.string().optional(),
    path: z.array(z.string()).optional(),
    message: z.string().optional()
  })
)

const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const REPORT = '826c15af-644b-4b28-89b4-f50ff34e46b7'
const CONTEXT = {
  source: 'github',
  issueNumber: 42,
  ref: 'feature/login',
  sha: 'abc123def456',
  repo: 'my-repo',
  owner: 'repo-owner',
  triggeredBy: null,
  nodeId: null
} as const

/** A finished report as the 2026-01 spec shapes it: results carry only testCaseVersionId. */
export const currentV3FinishedReport = {
  id: REPORT,
  testTargetId: TARGET,
  createdAt: '2026-01-20T10:00:00.000Z',
  updatedAt: '2026-01-20T10:04:45.678Z',
  executionUrl: 'https://preview-123.example.com/',
  status: 'FAILED',
  context: CONTEXT,
  breakpoint: 'DESKTOP',
  browser: 'CHROMIUM',
  testResults: [
    {
      id: '333d3f57-00cf-4ce9-8d34-89093a08681a',
      testTargetId: TARGET,
      testCaseVersionId: '9876fedc-ba98-7654-3210-fedcba987654',
      createdAt: '2026-01-20T10:00:00.000Z',
      updatedAt: '2026-01-20T10:03:12.345Z',
      status: 'PASSED',
      errorMessage: null,
      traceUrl:
        'https://storage.googleapis.com/automagically-traces/333d3f57-00cf-4ce9-8d34-89093a08681a-trace.zip'
    },
    {
      id: '5a1e0c2b-7d64-4f0e-9a51-1c0b2f9d8e77',
      testTargetId: TARGET,
      testCaseVersionId: '5432fedc-ba98-7654-3210-fedcba543210',
      createdAt: '2026-01-20T10:00:00.000Z',
      updatedAt: '2026-01-20T10:04:45.678Z',
      status: 'FAILED',
      errorMessage: 'TimeoutError: locator.click: Timeout 30000ms exceeded.',
      traceUrl:
        'https://storage.googleapis.com/automagically-traces/5a1e0c2b-7d64-4f0e-9a51-1c0b2f9d8e77-trace.zip'
    },
    {
      id: '0b7e6a8c-2f3d-4c1b-8e9a-6d5c4b3a2f10',
      testTargetId: TARGET,
      testCaseVersionId: '1234abcd-ef56-7890-abcd-ef1234567890',
      createdAt: '2026-01-20T10:00:00.000Z',
      updatedAt: '2026-01-20T10:02:00.000Z',
      status: 'ERROR',
      errorMessage: 'Internal error while executing test',
      traceUrl: null
    }
  ]
}

/**
 * A result of the 2025-12 spec (OctoMind-dev/cli `openapi.yaml` at 37e0a01, 2025-12-02): it names
 * its test case by `testCaseId`, and the examples carry a human `name` (as v2 reports did, in the
 * 2025-02 spec of OctoMind-dev/mintlify-docs at baed3c1).
 */
export const earlyV3Result = {
  id: '333d3f57-00cf-4ce9-8d34-89093a08681a',
  testTargetId: TARGET,
  testCaseId: '5b844cf1-d597-4048-9e74-7c0f9ce3e2ee',
  createdAt: '2025-12-01T09:00:00.000Z',
  updatedAt: '2025-12-01T09:01:00.000Z',
  status: 'PASSED',
  errorMessage: null,
  traceUrl: null
}
export const v2NamedResult = { ...earlyV3Result, name: 'User can search for information' }

/** A test-case list (getTestCases, spec L792–842): nothing in it links a case to a version. */
export const testCaseList = [
  {
    version: '1',
    id: '5b844cf1-d597-4048-9e74-7c0f9ce3e2ee',
    testTargetId: TARGET,
    type: null,
    elements: [],
    createdAt: '2025-11-02T09:00:00.000Z',
    updatedAt: '2026-01-19T16:21:00.000Z',
    description: 'User can log in',
    status: 'ENABLED',
    externalId: null,
    entryPointUrlPath: '/login',
    tags: ['smoke'],
    createdBy: 'EDIT',
    runStatus: 'ON',
    prerequisiteId: null,
    proposalRunId: null,
    folderId: null,
    teardownTestCaseId: null,
    discovery: null
  }
]

/**
 * A re-run of two failed tests as testgate sends it: `testCaseVersionIds` (uuid[]) of
 * TestTargetExecutionRequest, OpenAPI file at OctoMind-dev/cli f9ca737 (2026-01-14), L1566, read
 * 2026-11. No tags: the spec does not say how they combine with the versions.
 */
export const rerunExecuteRequest = {
  testTargetId: TARGET,
  url: 'https://preview-123.example.com/',
  context: CONTEXT,
  environmentName: 'default',
  testCaseVersionIds: [
    '5432fedc-ba98-7654-3210-fedcba543210',
    '1234abcd-ef56-7890-abcd-ef1234567890'
  ]
}

/**
 * getTestReports (spec L597–665, `GET /apiKey/v3/test-targets/{testTargetId}/test-reports`): "the
 * history of test reports for your test target", keyset-paginated on createdAt. Octomind's CLI
 * calls it with no query (OctoMind-dev/cli 117fc23, 2026-02-20, `src/tools/test-reports.ts`
 * getTestReports). Nothing in the answer is required by the spec.
 */
export const testReportListSchema = z.strictObject({
  data: z.array(testReportSchema).optional(),
  key: z.strictObject({ createdAt: isoDate.optional() }).optional(),
  hasNextPage: z.boolean().optional()
})

/** A history page shaped by that spec (ids invented): two finished reports and the one running. */
export const testReportList = {
  data: [
    {
      ...currentV3FinishedReport,
      id: '9a7e3c11-2b4d-4e6f-8a1b-3c5d7e9f0a2b',
      createdAt: '2026-01-20T11:00:00.000Z',
      updatedAt: '2026-01-20T11:00:00.000Z',
      status: 'WAITING',
      testResults: []
    },
    currentV3FinishedReport,
    {
      ...currentV3FinishedReport,
      id: '4c2b8e6d-1f3a-4b5c-9d7e-0a1b2c3d4e5f',
      createdAt: '2026-01-19T16:00:00.000Z',
      updatedAt: '2026-01-19T16:05:12.000Z',
      status: 'PASSED',
      testResults: []
    }
  ],
  key: { createdAt: '2026-01-19T16:00:00.000Z' },
  hasNextPage: true
}
