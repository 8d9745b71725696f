import { z } from 'zod'

/**
 * Testifly's contract: its "Test Execution API Workflow" page (testifly.dev/documentation/
 * test-execution-api, read 2026-11), the only source Testifly publishes; no server code, spec or
 * client of its own is public. The schemas are ours, written from that page's bodies and examples.
 */

const SELECTION = ['featureId', 'testSuiteId', 'testId', 'tests'] as const

/** `POST /api/testExecution/{projId}`: the action, exactly one selection, an optional agent. */
export const executeRequestSchema = z
  .strictObject({
    action: z.literal('executeTests'),
    featureId: z.string().optional(),
    testSuiteId: z.string().optional(),
    testId: z.string().optional(),
    tests: z.array(z.string()).min(1).optional(),
    agentName: z.string().optional()
  })
  .refine(
    (body) => SELECTION.filter((key) => body[key] !== undefined).length === 1,
    'Pass exactly one of featureId, testSuiteId, testId, tests'
  )

/** `POST /api/jobs/{projId}`: job ids to look at, or none for the active jobs of the last month. */
export const jobsRequestSchema = z.strictObject({ jobIds: z.array(z.string()).optional() })

export const JOB_STATUSES = [
  'Pending',
  'PendingAgentConnection',
  'InProgress',
  'Success',
  'Failed'
] as const

export const jobsResponseSchema = z.strictObject({
  success: z.boolean(),
  jobs: z.array(
    z.strictObject({
      jobId: z.string(),
      status: z.enum(JOB_STATUSES),
      updatedAt: z.string(),
      testRunId: z.string().optional()
    })
  ),
  missingJobIds: z.array(z.string())
})

const TEST_LABELS = ['Passed', 'Failed', 'Skipped', 'Running', 'Scheduled'] as const

/** `GET /api/testRun/{projId}/{runId}`. */
export const testRunSchema = z.strictObject({
  runId: z.string(),
  projectId: z.string(),
  status: z.string(),
  startTime: z.string(),
  testsInProjectCount: z.number().int(),
  title: z.string(),
  statuses: z.array(z.strictObject({ label: z.enum(TEST_LABELS), count: z.number().int() })),
  tests: z.array(
    z.strictObject({
      _id: z.string(),
      title: z.string(),
      status: z.enum(TEST_LABELS),
      duration: z.number(),
      hasVideo: z.boolean(),
      videoLink: z.string().nullable(),
      startTime: z.string(),
      timeline: z.array(z.unknown()),
      error: z.unknown().optional()
    })
  )
})

/**
 * Re-runs of failed tests as testgate sends them, from the page's selection list (read 2026-11):
 * "`testId` runs one test", "`tests` runs a custom list of test ids". The ids are the run
 * report's `tests[]._id` (inferred: the page names no other id of a test).
 */
export const rerunExecuteRequests = {
  several: {
    action: 'executeTests',
    tests: ['6804f1f1d2d4e0a1c1a0d789', '6804f1f1d2d4e0a1c1a0d78a']
  },
  one: { action: 'executeTests', testId: '6804f1f1d2d4e0a1c1a0d789', agentName: 'my-agent' }
}
