import { plural, shortenName } from '../core/text.js'
import type { Changes } from './changes.js'
import { escapeMarkdown, link } from './markdown-text.js'
import type { EarlierAttempt, TestResult } from './model.js'

/**
 * The "since the last run" section the comment (and the summary) shows above the failures, and
 * the line a re-run opens with. Each list names a few tests and counts the rest, so the section
 * stays small whatever the run's size.
 */

const NAMED_PER_LIST = 8
const MAX_NAME_CHARS = 120

export function changesSection(changes: Changes, vendor: string): string | undefined {
  const lines = [
    listLine('🆕', 'new failure', changes.newFailures),
    listLine('🔁', 'still failing', changes.stillFailing, true),
    listLine('✅', 'fixed', changes.fixed, true),
    listLine('⚠️', 'flaky', changes.flaky, true, '(failed, then passed on the same commit)'),
    goneLine(changes.gone),
    incompleteLine(changes)
  ].filter((line): line is string => line !== undefined)
  if (lines.length === 0) return undefined
  return [`### Since the last run (${sinceText(changes, vendor)})`, lines.join('<br>\n')].join(
    '\n\n'
  )
}

function sinceText(changes: Changes, vendor: string): string {
  const commit = changes.since.sameCommit
    ? 'the same commit'
    : `commit ${escapeMarkdown(changes.since.sha.slice(0, 7))}`
  const report = link(`${vendor} report`, changes.since.url)
  return report ? `${commit}, ${report}` : commit
}

export function listLine(
  icon: string,
  label: string,
  tests: readonly TestResult[],
  invariable = false,
  after = ''
): string | undefined {
  if (tests.length === 0) return undefined
  const word = invariable || tests.length === 1 ? label : `${label}s`
  const named = tests.slice(0, NAMED_PER_LIST).map((test) => testName(test))
  const more = tests.length > NAMED_PER_LIST ? `, and ${tests.length - NAMED_PER_LIST} more` : ''
  const note = after ? ` ${after}` : ''
  return `${icon} **${tests.length} ${word}**${note}: ${named.join(', ')}${more}`
}

function testName(test: TestResult): string {
  return escapeMarkdown(shortenName(test.shortName ?? test.name, MAX_NAME_CHARS))
}

function goneLine(gone: number): string | undefined {
  if (gone === 0) return undefined
  const tests =
    gone === 1 ? '1 test that failed last time is' : `${gone} tests that failed last time are`
  return `➖ ${tests} not in this run.`
}

function incompleteLine(changes: Changes): string | undefined {
  if (!changes.incomplete) return undefined
  const { listed, failed } = changes.incomplete
  return `ℹ️ The last run had ${failed} failed tests and its record lists ${listed}: a failure shown as new may have failed then too.`
}

/**
 * "Re-run of 2 failed tests from attempt 1 (previous run); the 3 tests that passed then…", then
 * what the check of the re-run against its selection found.
 */
export function rerunLine(rerunOf: EarlierAttempt, vendor: string): string {
  const tests = plural(rerunOf.rerun, 'failed test')
  const previous = link(`${vendor} report`, rerunOf.url)
  const from = `attempt ${rerunOf.attempt}${previous ? ` (${previous})` : ''}`
  const passed =
    rerunOf.passed === 0
      ? 'no other test passed then'
      : `the ${plural(rerunOf.passed, 'other test')} that passed then count as passed`
  const lines = [`🔂 **Re-run of ${tests} from ${from}**; ${passed}.`]
  if (rerunOf.notRerun > 0)
    lines.push(
      `⚠️ ${escapeMarkdown(vendor)} returned no result for ${rerunOf.notRerun} of them: ${rerunOf.notRerun === 1 ? 'it counts' : 'they count'} as failed (not re-run).`
    )
  if (rerunOf.outside.length > 0) lines.push(outsideLine(rerunOf.outside, vendor))
  return lines.join('<br>\n')
}

function outsideLine(names: readonly string[], vendor: string): string {
  const named = names
    .slice(0, NAMED_PER_LIST)
    .map((name) => escapeMarkdown(shortenName(name, MAX_NAME_CHARS)))
  const more = names.length > NAMED_PER_LIST ? `, and ${names.length - NAMED_PER_LIST} more` : ''
  return `ℹ️ ${escapeMarkdown(vendor)} also ran ${plural(names.length, 'test')} it was not asked to re-run, not counted: ${named.join(', ')}${more}.`
}
