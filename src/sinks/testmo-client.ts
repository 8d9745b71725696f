import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { RunContext } from '../github/context.js'
import { HttpClient, VendorError } from '../core/http.js'
import type { TestmoSettings } from '../core/inputs.js'
import { runDuration, safeUrl } from '../report/markdown.js'
import { truncateMiddle } from '../core/text.js'
import { testFolder, type RunReport, type TestResult } from '../report/model.js'

/**
 * Publishes a RunReport to Testmo as an automation run: create the run → create one thread →
 * append the tests in batches → complete the thread → complete the run. Facts: Testmo's REST API
 * v1 reference and the behaviour of its own CLI; what they leave open is marked "inferred".
 */

/** Testmo's CLI sends at most 250 tests per append; the API documents no limit, so neither do we exceed it. */
export const BATCH_SIZE = 250
// Testmo: "if the Retry-After header is not included… you should at least wait for 60 seconds".
const DEFAULT_RETRY_AFTER_MS = 60_000
// The CLI's limit for console fields; the server's own limit is not documented.
const MAX_FIELD_CHARS = 16_000
const MAX_NAME_CHARS = 750

const FIELD_STRING = 1
const FIELD_CONSOLE = 4
const FIELD_URL = 5

export interface TestmoField {
  type: number
  name: string
  value: string
  is_highlight?: boolean
}

export interface TestmoTest {
  key: string
  name: string
  folder: string
  status: string
  elapsed?: number
  fields?: TestmoField[]
  artifacts?: { name: string; url: string }[]
}

/** The same key Testmo's CLI computes (sha256 of "folder.name"), so history lines up with CLI uploads. */
export function testKey(folder: string, name: string): string {
  return createHash('sha256').update(`${folder}.${name}`).digest('hex')
}

// Aliases a default Testmo instance knows (the CLI sends passed, failure, error, skipped).
const STATUS_ALIAS: Record<TestResult['status'], string> = {
  passed: 'passed',
  failed: 'failed',
  errored: 'error',
  skipped: 'skipped',
  // inferred: a test the run never finished (timeout) has no better alias than skipped
  running: 'skipped',
  queued: 'skipped'
}

export function toTestmoTest(test: TestResult, folder: string): TestmoTest {
  const name = test.name.slice(0, MAX_NAME_CHARS)
  const result: TestmoTest = {
    key: testKey(folder, name),
    name,
    folder,
    status: STATUS_ALIAS[test.status]
  }
  if (test.durationMs !== undefined) result.elapsed = Math.round(test.durationMs * 1000)
  const fields: TestmoField[] = []
  if (test.error) {
    fields.push({
      type: FIELD_CONSOLE,
      name: test.status === 'errored' ? 'Error' : 'Failure',
      value: truncateMiddle(test.error, MAX_FIELD_CHARS),
      is_highlight: true
    })
  }
  if (test.score !== undefined)
    fields.push({ type: FIELD_STRING, name: 'Score', value: String(test.score) })
  if (test.status === 'running' || test.status === 'queued') {
    fields.push({
      type: FIELD_STRING,
      name: 'Not finished',
      value: 'The run ended before this test did',
      is_highlight: true
    })
  }
  const artifacts: { name: string; url: string }[] = []
  for (const link of test.links) {
    const url = safeUrl(link.url)
    if (!url) continue
    if (link.kind === 'artifact') artifacts.push({ name: link.label.slice(0, MAX_NAME_CHARS), url })
    else fields.push({ type: FIELD_URL, name: link.label, value: url })
  }
  if (fields.length > 0) result.fields = fields
  if (artifacts.length > 0) result.artifacts = artifacts
  return result
}

export interface RunDescription {
  report: RunReport
  context: RunContext
  vendor: string
  environment?: string
  urlUnderTest?: string
  /** The matrix leg, named in the default run name so that legs' runs differ. */
  leg?: string
}

export function createRunBody(
  settings: TestmoSettings,
  run: RunDescription
): Record<string, unknown> {
  const { report, context } = run
  const links = [
    { name: 'GitHub workflow run', url: context.runUrl },
    {
      name: context.pullRequest ? `Pull request #${context.pullRequest.number}` : '',
      url: context.pullRequest
        ? `${context.serverUrl}/${context.owner}/${context.repo}/pull/${context.pullRequest.number}`
        : undefined
    },
    { name: `${run.vendor} report`, url: report.url }
  ].flatMap(({ name, url }) => {
    const safe = safeUrl(url)
    return safe ? [{ name, url: safe }] : []
  })
  const fields: TestmoField[] = [
    { type: FIELD_STRING, name: 'Commit', value: context.sha },
    { type: FIELD_STRING, name: 'Branch', value: context.ref },
    { type: FIELD_STRING, name: 'Base branch', value: context.mergeGroup?.baseRef ?? '' },
    { type: FIELD_STRING, name: 'Environment', value: run.environment ?? '' },
    { type: FIELD_URL, name: 'URL under test', value: safeUrl(run.urlUnderTest) ?? '' },
    { type: FIELD_STRING, name: 'Verdict', value: report.status }
  ].filter((field) => field.value !== '')
  const runNumber = context.runNumber === undefined ? '' : ` #${context.runNumber}`
  const leg = run.leg ? ` (${run.leg})` : ''
  const body: Record<string, unknown> = {
    name: (settings.runName ?? `${context.workflow ?? run.vendor}${runNumber}${leg}`).slice(
      0,
      MAX_NAME_CHARS
    ),
    source: settings.source ?? report.provider,
    links,
    fields
  }
  if (settings.tags.length > 0) body.tags = settings.tags
  return body
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = []
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size))
  return result
}

// 422: {"message": "...", "errors": {"field": ["...", ...]}}
const testmoErrorSchema = z.object({
  message: z.string().optional(),
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string()])).optional()
})

export function describeTestmoError(body: unknown): string | undefined {
  const parsed = testmoErrorSchema.safeParse(body)
  if (!parsed.success || (!parsed.data.message && !parsed.data.errors)) return undefined
  const fields = Object.entries(parsed.data.errors ?? {}).map(
    ([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(', ') : messages}`
  )
  return [parsed.data.message, ...fields].filter(Boolean).join('; ')
}

const createdSchema = z.object({ id: z.number().int() }).loose()
const noContentSchema = z.unknown()
const runSchema = z.object({ result: z.object({ total_count: z.number().int() }).loose() }).loose()

export interface TestmoClientOptions {
  secrets: string[]
  deadline: number
  log: (line: string) => void
  sleep?: (ms: number) => Promise<void>
}

export function createTestmoClient(
  settings: TestmoSettings,
  options: TestmoClientOptions
): HttpClient {
  return new HttpClient({
    vendor: 'Testmo',
    baseUrl: `${settings.url}/api/v1`,
    headers: { authorization: `Bearer ${settings.token}`, 'user-agent': 'testgate' },
    secrets: options.secrets,
    deadline: options.deadline,
    log: options.log,
    sleep: options.sleep,
    retries: 8,
    defaultRetryAfterMs: DEFAULT_RETRY_AFTER_MS,
    describeError: describeTestmoError
  })
}

export interface TestmoResult {
  runId: number
  runUrl: string
  tests: number
  requests: number
}

export class TestmoPublishError extends Error {
  override readonly name = 'TestmoPublishError'
  constructor(
    message: string,
    readonly runId?: number
  ) {
    super(message)
  }
}

/**
 * Creates and fills one automation run. Ids are kept the moment they come back, and creates are
 * never blindly repeated: a failure leaves at most one run, named in the error.
 */
export class TestmoPublisher {
  private requests = 0

  constructor(
    private readonly client: HttpClient,
    private readonly settings: TestmoSettings,
    private readonly log: (line: string) => void,
    /** Called with the run id as soon as Testmo returns it. */
    private readonly onRunCreated: (runId: number, runUrl: string) => void = () => {}
  ) {}

  runUrl(runId: number): string {
    // inferred: the UI path public CI scripts use; Testmo's docs do not state it.
    return `${this.settings.url}/automation/runs/view/${runId}`
  }

  async publish(run: RunDescription): Promise<TestmoResult> {
    const created = await this.post(
      `/projects/${this.settings.projectId}/automation/runs`,
      createRunBody(this.settings, run),
      createdSchema
    )
    const runId = created.id
    this.onRunCreated(runId, this.runUrl(runId))
    try {
      const folder = testFolder(run.report)
      const tests = run.report.tests.map((test) => toTestmoTest(test, folder))
      const thread = await this.post(`/automation/runs/${runId}/threads`, {}, createdSchema)
      let sent = 0
      for (const batch of batches(tests, BATCH_SIZE)) {
        await this.append(runId, thread.id, batch, sent)
        sent += batch.length
      }
      const computed = tests.reduce((sum, test) => sum + (test.elapsed ?? 0), 0)
      const durationMs = runDuration(run.report)
      await this.complete(`/automation/runs/threads/${thread.id}/complete`, {
        elapsed_computed: computed,
        ...(durationMs === undefined ? {} : { elapsed_observed: durationMs * 1000 })
      })
      // The run's time is its thread's: measuring Testmo's own create→complete span would say seconds.
      await this.complete(`/automation/runs/${runId}/complete`, { measure_elapsed: false })
      return { runId, runUrl: this.runUrl(runId), tests: sent, requests: this.requests }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new TestmoPublishError(
        `${message} (Testmo run ${runId} is left incomplete: ${this.runUrl(runId)})`,
        runId
      )
    }
  }

  /** Creates are re-sent only when they provably had no effect (refused connection, 429). */
  private post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    this.requests++
    return this.client.request('POST', path, { body, schema, retry: 'unapplied' })
  }

  /** Completing twice changes nothing, so a completion is retried like a read. */
  private async complete(path: string, body: unknown): Promise<void> {
    this.requests++
    await this.client.request('POST', path, { body, schema: noContentSchema, retry: 'safe' })
  }

  /**
   * An append that failed with a 5xx, a timeout or a dropped connection may or may not have been
   * applied, and Testmo has no idempotency key. So before sending it again, count what the run
   * holds: `sent` tests means it was not applied (send again), `sent + batch` means it was (go on);
   * anything else stops, since a resend could count tests twice.
   */
  private async append(
    runId: number,
    threadId: number,
    batch: TestmoTest[],
    sent: number
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.post(
          `/automation/runs/threads/${threadId}/append`,
          { tests: batch },
          noContentSchema
        )
        return
      } catch (error) {
        if (
          !(error instanceof VendorError) ||
          !error.transient ||
          error.status === 429 ||
          attempt >= 3
        )
          throw error
        this.requests++
        const held = (await this.client.get(`/automation/runs/${runId}`, runSchema)).result
          .total_count
        if (held === sent + batch.length) {
          this.log(
            `Testmo: the interrupted append of ${batch.length} tests did land (${held} held); going on.`
          )
          return
        }
        if (held !== sent) {
          throw new VendorError(
            'Testmo',
            'http',
            `Testmo: after an interrupted append the run holds ${held} tests, expected ${sent} or ${sent + batch.length}; not sending again, to count no test twice`
          )
        }
        this.log(
          `Testmo: the interrupted append of ${batch.length} tests did not land (${held} held); sending it again.`
        )
      }
    }
  }
}
