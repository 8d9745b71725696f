import { z } from 'zod'
import { VendorError } from '../../core/http.js'
import { InputError, optionalText, ownInputs, type Settings } from '../../core/inputs.js'
import { isFinalSignal, type VendorSignal, type TestStatus } from '../../report/model.js'
import { type RerunSelection } from '../provider.js'

/**
 * Testifly's API as its "Test Execution API Workflow" page has it: job and test statuses, the
 * answers testgate reads, and the execute body with its one selection.
 */

// inferred: the page does not print the API origin; the documentation is served from here.
export const DEFAULT_ORIGIN = 'https://testifly.dev'

/** Inputs only Testifly reads: two of its selections, and the agent to route the job to. */
export const OWN_INPUTS = {
  'feature-id': optionalText,
  'suite-id': optionalText,
  agent: optionalText
}

interface JobState {
  signal: VendorSignal
  /** Shown in the progress line while the job has not started. */
  phase?: string
}

// Job statuses [doc]: Pending, PendingAgentConnection, InProgress, Success, Failed.
export const JOB_STATUS: Record<string, JobState> = {
  Pending: { signal: 'queued', phase: 'waiting to start' },
  PendingAgentConnection: { signal: 'queued', phase: 'waiting for an agent to connect' },
  InProgress: { signal: 'running' },
  Success: { signal: 'finished' },
  Failed: { signal: 'failed' }
}

export function isJobOver(status: string): boolean {
  const state = Object.hasOwn(JOB_STATUS, status) ? JOB_STATUS[status] : undefined
  return state !== undefined && isFinalSignal(state.signal)
}

// Test statuses, from the labels of the run's `statuses` summary [doc]: Passed, Failed, Skipped,
// Running, Scheduled.
export const TEST_STATUS: Record<string, TestStatus> = {
  Passed: 'passed',
  Failed: 'failed',
  Skipped: 'skipped',
  Running: 'running',
  Scheduled: 'queued'
}

export type ScheduleAnswer = z.infer<typeof executeResponseSchema>

export function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof VendorError &&
    error.status !== undefined &&
    error.status < 500 &&
    error.message.includes('AlreadyExists')
  )
}

export const executeResponseSchema = z
  .object({
    success: z.boolean().optional(),
    scheduleStatus: z.string().optional(),
    jobId: z.string().optional(),
    message: z.string().optional()
  })
  .loose()

export const jobsResponseSchema = z
  .object({
    jobs: z
      .array(
        z
          .object({
            jobId: z.string(),
            status: z.string(),
            updatedAt: z.string().nullish(),
            testRunId: z.string().nullish()
          })
          .loose()
      )
      .default([]),
    missingJobIds: z.array(z.string()).default([])
  })
  .loose()

export const testRunSchema = z
  .object({
    runId: z.string().optional(),
    status: z.string().optional(),
    startTime: z.string().nullish(),
    statuses: z.array(z.object({ label: z.string(), count: z.number() }).loose()).nullish(),
    tests: z
      .array(
        z
          .object({
            _id: z.string(),
            title: z.string().nullish(),
            status: z.string(),
            duration: z.number().nullish(),
            hasVideo: z.boolean().nullish(),
            videoLink: z.string().nullish(),
            startTime: z.string().nullish(),
            timeline: z.array(z.unknown()).nullish(),
            error: z.unknown().optional()
          })
          .loose()
      )
      .default([])
  })
  .loose()

type TestiflyRun = z.infer<typeof testRunSchema>
export type TestiflyTest = TestiflyRun['tests'][number]

/** Exactly one selection: feature, suite, or test ids (one id → testId, several → tests). */
export function selection(settings: Settings): Record<string, unknown> {
  const chosen: [string, Record<string, unknown>][] = []
  const own = ownInputs(settings, OWN_INPUTS)
  if (own['feature-id']) chosen.push(['feature-id', { featureId: own['feature-id'] }])
  if (own['suite-id']) chosen.push(['suite-id', { testSuiteId: own['suite-id'] }])
  if (settings.testIds.length > 0) chosen.push(['test-ids', idSelection(settings.testIds)])
  if (chosen.length !== 1) {
    const given =
      chosen.length === 0
        ? 'none is set'
        : `${chosen.map(([name]) => `"${name}"`).join(' and ')} are set`
    throw new InputError(
      `Testifly runs one selection: set exactly one of "feature-id" (a feature's tests), "suite-id" (a suite's tests) or "test-ids" (one or more tests); ${given}.`
    )
  }
  return chosen[0]?.[1] ?? {}
}

/**
 * The execute body: the action, one selection and the agent [doc]. A re-run of failed tests
 * selects them instead of the inputs' selection, as `test-ids` would: one as `testId`, several as
 * `tests` ("runs a custom list of test ids" [doc]). The ids are the run report's `tests[]._id`,
 * the only id a test has there (inferred: the page does not say that `_id` is the id `tests`
 * takes rather than a per-run record's).
 */
export function buildExecuteBody(
  settings: Settings,
  rerun?: RerunSelection
): Record<string, unknown> {
  const { agent } = ownInputs(settings, OWN_INPUTS)
  const chosen = rerun ? idSelection(rerun.keys) : selection(settings)
  return { action: 'executeTests', ...chosen, ...(agent ? { agentName: agent } : {}) }
}

function idSelection(ids: readonly string[]): Record<string, unknown> {
  return ids.length === 1 ? { testId: ids[0] } : { tests: [...ids] }
}
