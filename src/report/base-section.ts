import { shortenName } from '../core/text.js'
import { hasFailures, type BaseComparison } from './base.js'
import { listLine } from './changes-section.js'
import { escapeMarkdown, link } from './markdown-text.js'

/**
 * The "Against <base branch>" section the summary and the comment show above the failures, beside
 * "Since the last run": each failure of the run as new, failing on the base branch too, flaky
 * there, or unknown (no base run says anything of it).
 */

const NAMED_UNKNOWN = 8
const MAX_NAME_CHARS = 120

export function baseSection(base: BaseComparison, vendor: string): string | undefined {
  if (!hasFailures(base)) return undefined
  const branch = escapeMarkdown(base.branch)
  const lines = [
    listLine('🆕', 'new', base.newFailures, true, `(not failing on ${branch})`),
    listLine('❌', `failing on ${branch} too`, base.failingOnBase, true),
    listLine(
      '🎲',
      `flaky on ${branch}`,
      base.flakyOnBase,
      true,
      '(mixed results in its recent runs)'
    ),
    unknownLine(base)
  ].filter((line): line is string => line !== undefined)
  return [`### Against ${branch}${comparedWith(base, vendor)}`, lines.join('<br>\n')].join('\n\n')
}

/** " (latest of 3 runs: commit abc1234, Octomind report)", or nothing when none was read. */
function comparedWith(base: BaseComparison, vendor: string): string {
  const [latest] = base.runs
  if (!latest) return ''
  const commit = `commit ${escapeMarkdown(latest.sha.slice(0, 7))}`
  const report = link(`${vendor} report`, latest.url) ?? link('check run', latest.checkUrl)
  const what = report ? `${commit}, ${report}` : commit
  return base.runs.length === 1 ? ` (${what})` : ` (latest of ${base.runs.length} runs: ${what})`
}

/** The failures no base run says anything of, with why when no base run could be read at all. */
function unknownLine(base: BaseComparison): string | undefined {
  const count = base.unknown.length + base.unlisted
  if (count === 0) return undefined
  const named = base.unknown
    .slice(0, NAMED_UNKNOWN)
    .map((test) => escapeMarkdown(shortenName(test.name, MAX_NAME_CHARS)))
  const rest = count - named.length
  const list =
    named.length === 0 ? '' : `: ${named.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}`
  const why = base.problem
    ? escapeMarkdown(base.problem)
    : `no run on ${escapeMarkdown(base.branch)} says anything of ${count === 1 ? 'it' : 'them'}`
  return `❔ **${count} unknown** (${why})${list}`
}
