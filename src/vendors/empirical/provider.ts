import { z } from 'zod'
import { VendorError, type HttpClient } from '../../core/http.js'
import { InputError } from '../../core/inputs.js'
import { countTests, isFinalSignal, type Counts, type Observation } from '../../report/model.js'
import {
  mapStatus,
  unknownStatusReporter,
  type CancelResult,
  HISTORY_READ,
  type VendorOperations,
  type ProviderDeps,
  type RerunSelection,
  type RunHandle,
  type TriggerRequest
} from '../provider.js'
import { comparableRuns, testCountOf, type History } from '../history.js'
import {
  DASHBOARD_ORIGIN,
  DEFAULT_ORIGIN,
  HISTORY_PAGE,
  RUN_STATE,
  buildTriggerBody,
  empiricalOrigin,
  empiricalRerunProblem,
  environmentOf,
  listSchema,
  readSingleRun,
  triggerResponseSchema
} from './api.js'
import { bestCounts, countsFromItem, errorNote, mapDetail } from './mapping.js'

/**
 * Empirical: `PUT /api/test-runs` starts a Playwright run in an environment; the run list
 * (`GET /api/test-runs?id=`) has its state and counts, the run itself (`GET /api/test-runs/{id}`)
 * its per-test summary. Facts: Empirical's API reference and what its own code reads; the shape of
 * the single-run answer is undocumented, so it is read defensively. "inferred" marks our reading.
 */

export const DISPLAY_NAME = 'Empirical'

export class EmpiricalProvider implements VendorOperations {
  private readonly client: HttpClient
  private readonly origin: string
  private readonly reportUnknown: (kind: string, value: string) => void

  constructor(private readonly deps: ProviderDeps) {
    this.reportUnknown = unknownStatusReporter(DISPLAY_NAME, deps.warn)
    this.origin = empiricalOrigin(deps.settings.apiUrl)
    this.client = deps.http({
      vendor: DISPLAY_NAME,
      baseUrl: this.origin,
      headers: { authorization: `Bearer ${deps.settings.apiKey}` }
    })
  }

  validate(request: TriggerRequest): void {
    if (!environmentOf(request)) {
      throw new InputError(
        'Input "environment" is required for Empirical: the environment slug (e.g. staging). On deployment_status events it defaults to the deployment\'s environment.'
      )
    }
  }

  rerunProblem(rerun: RerunSelection): string | undefined {
    return empiricalRerunProblem(rerun)
  }

  async trigger(request: TriggerRequest): Promise<RunHandle> {
    const response = await this.client.request('PUT', '/api/test-runs', {
      body: buildTriggerBody(request, this.deps.warn),
      schema: triggerResponseSchema,
      retry: 'unsent-only'
    })
    const run = response.data.test_run
    return {
      runId: String(run.id),
      status: RUN_STATE[run.state ?? ''] === 'running' ? 'running' : 'queued',
      rerun: request.rerun !== undefined
    }
  }

  async observe(handle: RunHandle): Promise<Observation> {
    const list = await this.client.get(
      `/api/test-runs?id=${encodeURIComponent(handle.runId)}&per_page=1`,
      listSchema
    )
    const item = list.data.test_runs.items.find(
      (candidate) => String(candidate.id) === handle.runId
    )
    // The list's items may leave out the state (the newer schema's example does); the run itself has it.
    let single: ReturnType<typeof readSingleRun> | undefined
    let state = item?.state
    if (state === undefined) {
      single = readSingleRun(
        await this.client.get(`/api/test-runs/${encodeURIComponent(handle.runId)}`, z.unknown())
      )
      state = single.state
    }
    const signal = mapStatus(RUN_STATE, state ?? '', 'running', () =>
      this.reportUnknown('run', state ?? '(none)')
    )
    const terminal = isFinalSignal(signal)
    // Per-test results once the run is over: the run's summary details (undocumented shape, read defensively).
    if (terminal && single === undefined) single = await this.readDetails(handle.runId)
    const tests = (single?.details ?? []).map((detail) =>
      mapDetail(detail, (value) => this.reportUnknown('test', value))
    )
    const counts = bestCounts(countTests(tests), countsFromItem(item))
    const slug = list.data.project?.slug
    const startedAt = item?.created_at ?? undefined
    const started = Date.parse(startedAt ?? '')
    return {
      provider: 'empirical',
      runId: handle.runId,
      url: slug
        ? `${this.dashboard()}/${encodeURIComponent(slug)}/test-runs/${encodeURIComponent(handle.runId)}`
        : undefined,
      signal,
      startedAt,
      finishedAt:
        terminal && Number.isFinite(started) && typeof item?.duration === 'number'
          ? new Date(started + item.duration).toISOString()
          : undefined,
      counts,
      tests,
      note: signal === 'failed' ? errorNote(single?.raw, item) : undefined
    }
  }

  /**
   * The project's recent ended runs that ran like this one: the same environment and number of
   * tests (its tags or selection) where an item states them [doc: the list's `state` filter,
   * items' `duration`, `environment_slug` and `total_count`; inferred: duration is in ms].
   */
  async history(request: TriggerRequest, run: { counts: Counts }): Promise<History> {
    const list = await this.client.request(
      'GET',
      `/api/test-runs?state=ended&per_page=${HISTORY_PAGE}`,
      {
        schema: listSchema,
        ...HISTORY_READ
      }
    )
    const thisRun = { environment: environmentOf(request), tests: testCountOf(run.counts) }
    const past = list.data.test_runs.items.map((item) => ({
      durationMs: item.duration ?? 0,
      traits: {
        environment: item.environment_slug ?? undefined,
        tests: item.total_count || undefined
      }
    }))
    return comparableRuns(thisRun, past)
  }

  private async readDetails(runId: string): Promise<ReturnType<typeof readSingleRun> | undefined> {
    try {
      return readSingleRun(
        await this.client.get(`/api/test-runs/${encodeURIComponent(runId)}`, z.unknown())
      )
    } catch (error) {
      if (error instanceof VendorError && error.transient) throw error
      this.deps.warn(
        `Empirical per-test results are unavailable, showing counts only: ${(error as Error).message}`
      )
      return undefined
    }
  }

  /** inferred: runs open in the dashboard at /{project}/test-runs/{id}; elsewhere (self-hosted, tests) at the API's origin. */
  private dashboard(): string {
    return new URL(this.origin).hostname === new URL(DEFAULT_ORIGIN).hostname
      ? DASHBOARD_ORIGIN
      : this.origin
  }

  async cancel(handle: RunHandle): Promise<CancelResult> {
    try {
      await this.client.request(
        'POST',
        `/api/test-runs/${encodeURIComponent(handle.runId)}/cancel`,
        {
          body: { reason: 'The GitHub Actions job was cancelled' },
          schema: z.unknown(),
          retry: 'safe'
        }
      )
      return 'cancelled'
    } catch (error) {
      // 412: the run already reached a final state [doc].
      if (error instanceof VendorError && error.status === 412) return 'already-finished'
      throw error
    }
  }
}
