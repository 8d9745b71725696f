import { type Counts, type TestResult } from '../../report/model.js'
import { mapStatus, ownCountIsStricter } from '../provider.js'
import { ERROR_CODE_FIELDS, ListItem, SummaryDetail, TEST_STATUS } from './api.js'

/**
 * An Empirical run, mapped to the normalized model: its per-test summary, else its counts, and
 * the reason of a run that errored.
 */

export function mapDetail(
  detail: SummaryDetail,
  onUnknownStatus: (value: string) => void
): TestResult {
  const mapped = mapStatus(
    TEST_STATUS,
    (detail.status ?? '').toLowerCase(),
    { status: 'running' },
    () => onUnknownStatus(detail.status ?? '(none)')
  )
  const test: TestResult = {
    id: detail.pw_test_id ?? detail.name ?? '',
    name: detail.name ?? detail.pw_test_id ?? '(unnamed test)',
    status: mapped.status,
    links: []
  }
  if (mapped.flaky) test.flaky = true
  if (typeof detail.duration === 'number') test.durationMs = detail.duration
  // A snoozed failure is suppressed by the team's choice [doc: snoozes "temporarily suppress
  // known test failures"]: it does not count against the run, and the report says so.
  if (test.status === 'failed' && detail.snooze_info && detail.snooze_info.length > 0) {
    test.status = 'skipped'
    test.suppressed = 'failed; the failure is snoozed in Empirical, so it does not count'
  } else if (detail.error !== undefined && test.status !== 'passed') {
    test.error = typeof detail.error === 'string' ? detail.error : JSON.stringify(detail.error)
  }
  return test
}

/**
 * Counts from the run's own numbers, for when no per-test list is available. Tests its total has
 * and none of its outcome counts does are unfinished, on an ended run too (inferred: the reference
 * does not say the counts add up; a test without an outcome is not one that passed).
 */
export function countsFromItem(item: ListItem | undefined): Counts | undefined {
  if (!item || item.total_count == null) return undefined
  const passed = item.success_count ?? 0
  const failed = item.failed_count_after_snoozing ?? item.failed_count ?? 0
  // Snoozed failures do not count against the run; they are shown with the skipped ones.
  const snoozed = Math.max(0, (item.failed_count ?? failed) - failed)
  const skipped = (item.skipped_count ?? 0) + snoozed
  const pending = Math.max(0, item.total_count - passed - failed - skipped)
  return { total: item.total_count, passed, failed, errored: 0, skipped, pending }
}

/**
 * The per-test counts, unless the run's own numbers show failures or unfinished tests the per-test
 * list does not: a verdict is never more lenient than Empirical's own count.
 */
export function bestCounts(fromTests: Counts, fromRun: Counts | undefined): Counts {
  return fromRun && ownCountIsStricter(fromTests, fromRun) ? fromRun : fromTests
}

export function errorNote(
  run: Record<string, unknown> | undefined,
  item: ListItem | undefined
): string {
  for (const source of [run, item as Record<string, unknown> | undefined]) {
    for (const key of ERROR_CODE_FIELDS) {
      const value = source?.[key]
      if (typeof value === 'string' && value !== '')
        return `Empirical reports the run errored: ${value}`
    }
  }
  return 'Empirical reports the run errored (no error code given).'
}
