import type { HttpClient } from '../../core/http.js'
import { InputError, ownInputs, type Settings } from '../../core/inputs.js'
import { type Counts, type Observation } from '../../report/model.js'
import { comparableRuns, testCountOf, type History } from '../history.js'
import {
  unknownStatusReporter,
  HISTORY_READ,
  type VendorOperations,
  type ProviderDeps,
  type RerunSelection,
  type RunHandle,
  type TriggerRequest
} from '../provider.js'
import {
  HISTORY_SIZE,
  OWN_INPUTS,
  buildExecuteBody,
  describeOctomindError,
  executeResponseSchema,
  octomindApiBase,
  octomindRerunProblem,
  testCaseListSchema,
  testReportListSchema,
  testReportSchema
} from './api.js'
import { mapReport, pastReports } from './mapping.js'

/**
 * Octomind: `POST /apiKey/v3/execute` starts a test report, `GET .../test-reports/{id}` is polled
 * until it leaves WAITING. Facts: Octomind's OpenAPI spec (v3, 2026-01) and its docs; where they
 * are silent the code says "inferred".
 */

export const DISPLAY_NAME = 'Octomind'

export class OctomindProvider implements VendorOperations {
  private readonly client: HttpClient
  private readonly origin: string
  private testCaseNames: Map<string, string> | undefined
  private readonly reportUnknown: (kind: string, value: string) => void

  constructor(private readonly deps: ProviderDeps) {
    this.reportUnknown = unknownStatusReporter(DISPLAY_NAME, deps.warn)
    const { apiBase, origin } = octomindApiBase(deps.settings.apiUrl)
    this.origin = origin
    this.client = deps.http({
      vendor: DISPLAY_NAME,
      baseUrl: apiBase,
      headers: { 'x-api-key': deps.settings.apiKey },
      describeError: describeOctomindError
    })
  }

  variant(settings: Settings): string | undefined {
    const { browser, breakpoint } = ownInputs(settings, OWN_INPUTS)
    const parts = [browser, breakpoint].filter((part) => part !== undefined)
    return parts.length > 0 ? parts.join('/') : undefined
  }

  validate({ settings, context }: TriggerRequest): void {
    const missing: string[] = []
    if (!settings.targetId)
      missing.push('Input "target-id" is required for Octomind: the test target id (a UUID).')
    if (!settings.url && !context.deployment?.url) {
      missing.push(
        'Input "url" is required for Octomind: the URL to test. On deployment_status events it defaults to the deployment URL.'
      )
    }
    if (missing.length > 0) throw new InputError(missing.join('\n'))
  }

  rerunProblem(rerun: RerunSelection): string | undefined {
    return octomindRerunProblem(rerun)
  }

  async trigger(request: TriggerRequest): Promise<RunHandle> {
    const response = await this.client.request('POST', '/apiKey/v3/execute', {
      body: buildExecuteBody(request),
      schema: executeResponseSchema,
      retry: 'unsent-only'
    })
    const targetId = request.settings.targetId ?? ''
    return {
      runId: response.testReport.id,
      url: response.testReportUrl,
      targetId,
      status: 'running',
      rerun: request.rerun !== undefined
    }
  }

  async observe(handle: RunHandle): Promise<Observation> {
    const targetId = handle.targetId ?? ''
    const report = await this.client.get(
      `/apiKey/v3/test-targets/${encodeURIComponent(targetId)}/test-reports/${encodeURIComponent(handle.runId)}`,
      testReportSchema
    )
    const needsNames = (report.testResults ?? []).some(
      (result) => result.testCaseId && !result.name
    )
    if (needsNames && this.testCaseNames === undefined)
      this.testCaseNames = await this.loadTestCaseNames(targetId)
    return mapReport(report, {
      origin: this.origin,
      targetId,
      reportUrl: handle.url,
      testCaseNames: this.testCaseNames ?? new Map(),
      onUnknownStatus: (kind, value) => this.reportUnknown(kind, value)
    })
  }

  /**
   * The target's recent finished reports that ran like this one: the same browser, breakpoint and
   * number of tests where a report states them. A report does not state its environment [spec:
   * TestReport], so that stays unverified.
   */
  async history({ settings }: TriggerRequest, run: { counts: Counts }): Promise<History> {
    const list = await this.client.request(
      'GET',
      `/apiKey/v3/test-targets/${encodeURIComponent(settings.targetId ?? '')}/test-reports`,
      {
        schema: testReportListSchema,
        ...HISTORY_READ
      }
    )
    const { browser, breakpoint } = ownInputs(settings, OWN_INPUTS)
    const thisRun = {
      environment: settings.environment ?? 'default',
      // inferred: a run asked for neither runs Chromium on a desktop, the official action's defaults
      browser: browser ?? 'CHROMIUM',
      breakpoint: breakpoint ?? 'DESKTOP',
      tests: testCountOf(run.counts)
    }
    return comparableRuns(thisRun, pastReports(list.data ?? []).slice(0, HISTORY_SIZE))
  }

  /** Test names live on the test cases; a failure here costs names, never the verdict. */
  private async loadTestCaseNames(targetId: string): Promise<Map<string, string>> {
    try {
      const cases = await this.client.get(
        `/apiKey/v3/test-targets/${encodeURIComponent(targetId)}/test-cases`,
        testCaseListSchema
      )
      return new Map(
        cases.flatMap((testCase) =>
          testCase.description ? [[testCase.id, testCase.description]] : []
        )
      )
    } catch (error) {
      this.deps.warn(
        `Octomind test names are unavailable, showing ids instead: ${(error as Error).message}`
      )
      return new Map()
    }
  }
}
