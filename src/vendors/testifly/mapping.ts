import {
  countTests,
  isFinalSignal,
  type Counts,
  type Link,
  type Observation,
  type VendorSignal,
  type TestResult
} from '../../report/model.js'
import { mapStatus } from '../provider.js'
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

/** Counts from the run's `statuses` summary ({label, count} per test status). */
export function countsFromSummary(statuses: readonly { label: string; count: number }[]): Counts {
  const counts = countTests([])
  for (const { label, count } of statuses) {
    const status = Object.hasOwn(TEST_STATUS, label) ? TEST_STATUS[label] : undefined
    if (status === undefined) continue
    counts.total += count
    if (status === 'running' || status === 'queued') counts.pending += count
    else counts[status] += count
  }
  return counts
}

/**
 * The job counts as over once it is finished and no test is still running or scheduled
 * (inferred: the page only says to keep refreshing while the job runs).
 */
export function runSignal(jobSignal: VendorSignal, counts: Observation['counts']): VendorSignal {
  return isFinalSignal(jobSignal) && counts.pending > 0 ? 'running' : jobSignal
}
