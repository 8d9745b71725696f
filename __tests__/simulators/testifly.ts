import {
  executeRequestSchema,
  jobsRequestSchema,
  jobsResponseSchema,
  testRunSchema
} from '../contracts/testifly.js'
import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * Testifly's test execution API as its page documents it (see ../contracts/testifly.ts): queue a
 * job, poll jobs, read the test run. Requests are validated and answers checked against the
 * contract. Each job walks through a scripted list of steps, one per poll of /api/jobs.
 */

export interface TestiflyTestState {
  /** The test's id, the same in every run; default: one derived from its place in the step. */
  id?: string
  title: string
  status: string
  error?: unknown
  duration?: number
  timeline?: unknown[]
}

export interface TestiflyStep {
  job: string
  /** Present once the job has produced a test run. */
  tests?: TestiflyTestState[]
  /**
   * The run's `statuses` summary as sent, where it is not the listed tests' own count: the page
   * does not say the two always agree.
   */
  summary?: { label: string; count: number }[]
}

export interface TestiflyOptions {
  apiKey: string
  projectId: string
  script: TestiflyStep[]
  /** Answer the next trigger with AlreadyExists, naming this job (or none), as a 200 or another status. */
  alreadyExists?: { jobId?: string; status?: number }
}

interface StoredJob {
  jobId: string
  body: Record<string, unknown>
  /** The script as it was when the job was queued: a test may script the next job differently. */
  script: TestiflyStep[]
  /** The test ids `testId` or `tests` chose; undefined: the feature's or suite's tests, all scripted. */
  selected?: ReadonlySet<string>
  polls: number
}

/** A test's id in the run report: its own, or one derived from its place, stable across runs. */
export function testiflyTestId(test: TestiflyTestState, index: number): string {
  return test.id ?? `test${String(index).padStart(20, '0')}`
}

export class TestiflySimulator extends SimServer {
  readonly jobs = new Map<string, StoredJob>()
  private nextJob = 1

  constructor(readonly options: TestiflyOptions) {
    super()
    this.route('execute', 'POST', '/api/testExecution/:proj', (req) =>
      this.guard(req, () => this.execute(req))
    )
    this.route('jobs', 'POST', '/api/jobs/:proj', (req) =>
      this.guard(req, () => this.listJobs(req))
    )
    this.route('test-run', 'GET', '/api/testRun/:proj/:run', (req) =>
      this.guard(req, () => this.testRun(req))
    )
  }

  private guard(req: RouteRequest, handle: () => Reply): Reply {
    if (req.headers['x-api-key'] !== this.options.apiKey)
      return { status: 401, body: { success: false, message: 'Invalid API key' } }
    if (req.params.proj !== this.options.projectId)
      return { status: 404, body: { success: false, message: 'Project not found' } }
    return handle()
  }

  private execute(req: RouteRequest): Reply {
    const parsed = executeRequestSchema.safeParse(req.body)
    if (!parsed.success)
      return {
        status: 400,
        body: { success: false, message: parsed.error.issues[0]?.message ?? 'Bad request' }
      }
    const body = parsed.data as Record<string, unknown>
    const already = this.options.alreadyExists
    if (already) {
      const status = already.status ?? 200
      return {
        status,
        body: {
          success: status === 200,
          scheduleStatus: 'AlreadyExists',
          ...(already.jobId ? { jobId: already.jobId } : {})
        }
      }
    }
    const ids = parsed.data.tests ?? (parsed.data.testId ? [parsed.data.testId] : undefined)
    // inferred: the page does not say what an unknown test id does; refused here, so a client that
    // sends anything but the run report's test ids fails loudly.
    const unknown = (ids ?? []).filter((id) => !this.knownTestIds().has(id))
    if (unknown.length > 0)
      return {
        status: 400,
        body: { success: false, message: `Unknown test: ${unknown.join(', ')}` }
      }
    const jobId = `job${String(this.nextJob++).padStart(21, '0')}`
    this.jobs.set(jobId, {
      jobId,
      body,
      script: this.options.script,
      selected: ids ? new Set(ids) : undefined,
      polls: 0
    })
    return { status: 200, body: { success: true, scheduleStatus: 'Success', jobId } }
  }

  /** Seeds a job already queued, as if an earlier workflow run had started it. */
  seedJob(jobId: string, body: Record<string, unknown> = {}): void {
    this.jobs.set(jobId, { jobId, body, script: this.options.script, polls: 0 })
  }

  /** The ids of every test the script names: the project's tests. */
  private knownTestIds(): Set<string> {
    return new Set(
      this.options.script.flatMap((step) => (step.tests ?? []).map((t, i) => testiflyTestId(t, i)))
    )
  }

  private step(job: StoredJob): TestiflyStep {
    const script = job.script
    const step = script[Math.min(job.polls, script.length - 1)] ?? { job: 'Pending' }
    const selected = job.selected
    if (!selected || !step.tests) return step
    // Ids are fixed from each test's place in the full step before the selection narrows it.
    const tests = step.tests
      .map((test, i) => ({ ...test, id: testiflyTestId(test, i) }))
      .filter((test) => selected.has(test.id))
    return { ...step, tests }
  }

  private runId(job: StoredJob): string {
    return `run-${job.jobId}`
  }

  private listJobs(req: RouteRequest): Reply {
    const parsed = jobsRequestSchema.safeParse(req.body ?? {})
    if (!parsed.success) return { status: 400, body: { success: false, message: 'Bad request' } }
    const ids = parsed.data.jobIds
    const describe = (job: StoredJob) => {
      const step = this.step(job)
      return {
        jobId: job.jobId,
        status: step.job,
        updatedAt: new Date(Date.UTC(2026, 3, 20, 10, 15, job.polls)).toISOString(),
        ...(step.tests ? { testRunId: this.runId(job) } : {})
      }
    }
    if (ids === undefined) {
      const active = [...this.jobs.values()].filter(
        (job) => !['Success', 'Failed'].includes(this.step(job).job)
      )
      const body = { success: true, jobs: active.map(describe), missingJobIds: [] }
      return { status: 200, body: jobsResponseSchema.parse(body) }
    }
    const found = ids.flatMap((id) => {
      const job = this.jobs.get(id)
      if (!job) return []
      job.polls++
      return [describe(job)]
    })
    const missingJobIds = ids.filter((id) => !this.jobs.has(id))
    return {
      status: 200,
      body: jobsResponseSchema.parse({ success: true, jobs: found, missingJobIds })
    }
  }

  private testRun(req: RouteRequest): Reply {
    const job = [...this.jobs.values()].find(
      (candidate) => this.runId(candidate) === req.params.run
    )
    const step = job ? this.step(job) : undefined
    const tests = step?.tests
    if (!job || !tests)
      return { status: 404, body: { success: false, message: 'Test run not found' } }
    const count = (label: string) => tests.filter((test) => test.status === label).length
    return {
      status: 200,
      body: testRunSchema.parse({
        runId: req.params.run,
        projectId: this.options.projectId,
        status: tests.some((test) => ['Running', 'Scheduled'].includes(test.status))
          ? 'Running'
          : 'Completed',
        startTime: '2026-04-20T10:15:31.000Z',
        testsInProjectCount: 24,
        title: 'Regression run',
        statuses:
          step?.summary ??
          ['Passed', 'Failed', 'Skipped', 'Running', 'Scheduled'].map((label) => ({
            label,
            count: count(label)
          })),
        tests: tests.map((test, i) => ({
          _id: testiflyTestId(test, i),
          title: test.title,
          status: test.status,
          duration: test.duration ?? 1000 + i * 10,
          hasVideo: test.status !== 'Scheduled',
          videoLink:
            test.status !== 'Scheduled'
              ? `https://videos.testifly.example/${req.params.run}/${i}`
              : null,
          startTime: '2026-04-20T10:15:40.000Z',
          timeline: test.timeline ?? [],
          ...(test.error !== undefined ? { error: test.error } : {})
        }))
      })
    }
  }
}
