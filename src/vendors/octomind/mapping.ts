import { z } from 'zod'
import {
  countTests,
  isFinalSignal,
  type Link,
  type Observation,
  type TestResult
} from '../../report/model.js'
import { type PastRun } from '../history.js'
import { mapStatus } from '../provider.js'
import {
  OctomindReport,
  OctomindResult,
  REPORT_STATUS,
  RESULT_STATUS,
  pastReportSchema
} from './api.js'

/**
 * An Octomind test report, mapped to the normalized model: each result under its stable identity
 * (test case, else test-case version), its status, error, trace and duration.
 */

export interface ReportMapping {
  origin: string
  targetId: string
  reportUrl?: string
  testCaseNames: ReadonlyMap<string, string>
  onUnknownStatus: (kind: 'report' | 'result', value: string) => void
}

export function mapReport(report: OctomindReport, mapping: ReportMapping): Observation {
  const reportLink = `${mapping.origin}/testtargets/${encodeURIComponent(mapping.targetId)}/testreports/${encodeURIComponent(report.id)}`
  const tests = distinctShortNames(
    (report.testResults ?? []).map((result) => mapResult(result, reportLink, mapping))
  )
  const signal = mapStatus(REPORT_STATUS, report.status, 'running', (value) =>
    mapping.onUnknownStatus('report', value)
  )
  return {
    provider: 'octomind',
    targetId: mapping.targetId,
    runId: report.id,
    url: mapping.reportUrl ?? reportLink,
    signal,
    startedAt: report.createdAt ?? undefined,
    finishedAt: isFinalSignal(signal) ? (report.updatedAt ?? undefined) : undefined,
    counts: countTests(tests),
    tests
  }
}

function mapResult(result: OctomindResult, reportLink: string, mapping: ReportMapping): TestResult {
  const status = mapStatus(RESULT_STATUS, result.status, 'running', (value) =>
    mapping.onUnknownStatus('result', value || '(none)')
  )
  const links: Link[] = []
  if (result.id) {
    const url = `${reportLink}/testresults/${encodeURIComponent(result.id)}`
    links.push({ label: 'result', url, kind: 'page' })
  }
  if (result.traceUrl) links.push({ label: 'trace', url: result.traceUrl, kind: 'artifact' })
  const test: TestResult = { ...testIdentity(result, mapping.testCaseNames), status, links }
  // inferred: results carry no duration; updatedAt − createdAt of a finished result is the closest.
  const finished = status !== 'running'
  const start = Date.parse(result.createdAt ?? '')
  const end = Date.parse(result.updatedAt ?? '')
  if (finished && Number.isFinite(start) && Number.isFinite(end) && end >= start)
    test.durationMs = end - start
  if (result.errorMessage && status !== 'passed') test.error = result.errorMessage
  return test
}

/**
 * Who a result is, the same on every run: its test case where the report names one, else its
 * test-case version (current v3 reports name nothing else), never the result, which is new each
 * run. The name is the case's own where any answer carries one (a v2 result's `name`, the test
 * case list's `description` for a result that names its case). Octomind's spec has no route from
 * a version to its case or name (openapi.yaml at OctoMind-dev/cli f9ca737; its newest CLI, 117fc23,
 * still prints only `testCaseVersionId`), so a test known by an id alone keeps the whole id as its
 * name (JUnit, Testmo and the report file key on it) and gets a short one for the summary and the
 * comment: the id's first 8 characters, which the result link beside it leads from.
 */
export function testIdentity(
  result: OctomindResult,
  caseNames: ReadonlyMap<string, string>
): { id: string; rerunKey?: string; name: string; shortName?: string } {
  const caseName = result.testCaseId ? caseNames.get(result.testCaseId) : undefined
  const id = result.testCaseId || result.testCaseVersionId || result.id || 'unknown result'
  const named = result.name || caseName
  const identity: ReturnType<typeof testIdentity> = named
    ? { id, name: named }
    : { id, ...idLabels(result, id) }
  // A re-run selects versions (`testCaseVersionIds`), so a result named by its case keeps its
  // version beside it; a current v3 result's id is its version already.
  if (result.testCaseVersionId && result.testCaseVersionId !== id)
    identity.rerunKey = result.testCaseVersionId
  return identity
}

const SHORT_ID_CHARS = 8

/** A test known only by an id: the id whole as its name, and its first characters as a label. */
function idLabels(result: OctomindResult, id: string): { name: string; shortName: string } {
  const kind = result.testCaseId
    ? 'test case'
    : result.testCaseVersionId
      ? 'test case version'
      : 'result'
  return { name: `${kind} ${id}`, shortName: shortLabel(id, SHORT_ID_CHARS) }
}

function shortLabel(id: string, chars: number): string {
  return `test ${id.length > chars ? `${id.slice(0, chars)}…` : id}`
}

/**
 * Short labels that tell the tests of a report apart: an id's first 8 characters, or as many
 * more as it takes where two ids of the report start alike.
 */
function distinctShortNames(tests: TestResult[]): TestResult[] {
  const ids = tests.filter((test) => test.shortName !== undefined).map((test) => test.id)
  return tests.map((test) => {
    if (test.shortName === undefined) return test
    let chars = SHORT_ID_CHARS
    const sharesPrefix = (other: string): boolean =>
      other !== test.id && other.slice(0, chars) === test.id.slice(0, chars)
    while (chars < test.id.length && ids.some(sharesPrefix)) chars++
    return { ...test, shortName: shortLabel(test.id, chars) }
  })
}

/**
 * The finished reports among these, each with its duration (inferred: updatedAt − createdAt, a
 * report being last updated when it finishes) and what it states of how it ran. A report still
 * WAITING has no duration; an empty result list states no test count.
 */
export function pastReports(reports: readonly z.infer<typeof pastReportSchema>[]): PastRun[] {
  return reports.flatMap((report) => {
    const final = Object.hasOwn(REPORT_STATUS, report.status) && report.status !== 'WAITING'
    const durationMs = Date.parse(report.updatedAt ?? '') - Date.parse(report.createdAt ?? '')
    if (!final || !(durationMs > 0)) return []
    const traits = {
      browser: report.browser ?? undefined,
      breakpoint: report.breakpoint ?? undefined,
      tests: report.testResults?.length || undefined
    }
    return [{ durationMs, traits }]
  })
}
