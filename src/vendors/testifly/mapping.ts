import {
  countTests,
  isFinalSignal,
  type Counts,
  type Link,
  type Observation,
  type VendorSignal,
  type TestResult
} from '../../report/model.js'
import { mapStatus, ownCountIsStricter } from '../provider.js'
import { TEST_STATUS, TestiflyTest } from './api.js'

/**
 * A Testifly run report, mapped to the normalized model: each test with its status, error and
 * the last steps of its timeline, and the run's counts.
 */

/** Timeline entries are undocumented: strings stay as they are, objects show their telling fields. */
function timelineText(entries: readonly unknown[], last = 5): string | undefined {
  const lines = entries.slice(-last).map((entry) => {
    if (typeof entry === 'string') return entry
    if (entry && typeof entry === 'object') {
      const record = entry as Record<string, unknown>
      const parts = ['status', 'title', 'name', 'action', 'description', 'message']
        .map((key) => record[key])
        .filter((value): value is string => typeof value === 'string' && value !== '')
      return parts.length > 0 ? parts.join(' · ') : JSON.stringify(entry)
    }
    return String(entry)
  })
  return lines.length > 0
    ? `Last steps:\n${lines.map((line) => `  ${line}`).join('\n')}`
    : undefined
}

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null || error === '') return undefined
  if (typeof error === 'string') return error
  if (typeof error === 'object' && 'message' in error && typeof error.message === 'string')
    return error.message
  return JSON.stringify(error)
}

export function mapTest(test: TestiflyTest, onUnknownStatus: (value: string) => void): TestResult {
  const status = mapStatus(TEST_STATUS, test.status, 'running', onUnknownStatus)
  const links: Link[] = []
  if (test.videoLink) links.push({ label: 'video', url: test.videoLink, kind: 'artifact' })
  const result: TestResult = { id: test._id, name: test.title || test._id, status, links }
  if (typeof test.duration === 'number') result.durationMs = test.duration
  if (status === 'failed') {
    const error = [errorText(test.error), timelineText(test.timeline ?? [])]
      .filter(Boolean)
      .join('\n\n')
    if (error) result.error = error
  }
  return result
}

/**
 * Counts from the run's `statuses` summary ({label, count} per test status). A label the page
 * does not list counts as unfinished, as an unknown test status does: reported, never dropped.
 */
export function countsFromSummary(
  statuses: readonly { label: string; count: number }[],
  onUnknownStatus: (value: string) => void
): Counts {
  const counts = countTests([])
  for (const { label, count } of statuses) {
    const status = mapStatus(TEST_STATUS, label, 'running', onUnknownStatus)
    counts.total += count
    if (status === 'running' || status === 'queued') counts.pending += count
    else counts[status] += count
  }
  return counts
}

/**
 * The run's counts: its listed tests', unless its own summary counts failed or unfinished tests
 * the list does not show (inferred: the page does not say the two always agree). A verdict is
 * never more lenient than Testifly's own count, and the note says which count it follows.
 */
export function runCounts(listed: Counts, summary: Counts): { counts: Counts; note?: string } {
  if (listed.total === 0) return { counts: summary }
  if (!ownCountIsStricter(listed, summary)) return { counts: listed }
  const failed = summary.failed + summary.errored
  const note = `Testifly's summary of the run counts ${failed} failed and ${summary.pending} unfinished tests, more than its list of tests shows: the verdict follows the summary.`
  return { counts: summary, note }
}

/**
 * The job counts as over once it is finished and no test is still running or scheduled
 * (inferred: the page only says to keep refreshing while the job runs).
 */
export function runSignal(jobSignal: VendorSignal, counts: Observation['counts']): VendorSignal {
  return isFinalSignal(jobSignal) && counts.pending > 0 ? 'running' : jobSignal
}
