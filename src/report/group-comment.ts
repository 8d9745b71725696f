import { encodeMarkerText, forComment } from './comment.js'
import { groupHeading, HEADING_ROOM, verdictLine, type LegState } from './group-heading.js'
import { COMMENT_LIMITS, neutralizeComments, renderReport, type RenderContext } from './markdown.js'
import type { RunReport } from './model.js'
import { failsOnStatus, stepStatus } from './policy.js'
import { FAIL_CLASSES } from '../core/inputs.js'

/**
 * The combined PR comment of a group of legs (`comment-group`): one comment, one section per leg,
 * each leg rewriting its own section and keeping the others byte for byte. Pure: parsing, merging,
 * budgets and rendering; src/group-comment-writer.ts talks to GitHub.
 *
 *   <!-- testgate-group:e2e -->
 *
 *   ## ❌ e2e: 1 of 2 legs failed — Octomind (FIREFOX)
 *
 *   <!-- testgate-leg:octomind:tt-1:e2e-tests:variant=CHROMIUM -->
 *   (hidden lines of the leg's own: its digest, then its verdict line)
 *   ### ✅ Octomind (CHROMIUM): all 5 tests passed
 *   …the leg's failures, its passes folded, as renderReport writes a section…
 *   <!-- /testgate-leg:octomind:tt-1:e2e-tests:variant=CHROMIUM -->
 *
 *   <!-- testgate-leg:… -->
 *   …
 *
 *   <sub>testgate · one section per leg, each updated by that leg's run</sub>
 *
 * A section's key is what the leg's own comment marker carries (provider, target, job and the
 * leg's name and variant, percent-encoded), so the legs a group holds are told apart exactly as
 * their own comments would be ("a b" and "a_b" are two legs), and a key never holds a space or ">".
 */

/** The first line of a group's comment. */
export function groupMarker(group: string): string {
  return `<!-- testgate-group:${encodeMarkerText(group)} -->`
}

// What commentMarker makes a key of: [A-Za-z0-9._-] per part, ":" between, "name=", "variant="
// and %XX for the leg's text.
const KEY = /^[A-Za-z0-9._%=:-]+$/
const START = /^<!-- testgate-leg:([A-Za-z0-9._%=:-]+) -->$/

/** A leg's section key from its own comment's marker (see commentMarker). */
export function sectionKey(legMarker: string): string {
  const key = /^<!-- testgate:(\S+) -->$/.exec(legMarker)?.[1]
  if (key === undefined || !KEY.test(key)) throw new Error(`not a leg marker: ${legMarker}`)
  return key
}

/**
 * The keys a leg's section may have: `key`, from its comment marker; `ownKey`, where it writes
 * when another leg of the same workflow run and marker but other inputs holds `key` (each keeps a
 * section of its own); `legacyKey`, an older testgate's key of its section (before markers named
 * the workflow), replaced when the leg writes.
 */
export function legSectionKeys(identity: {
  marker: string
  legacyMarker: string
  config: string
}): {
  key: string
  ownKey: string
  legacyKey: string
} {
  const key = sectionKey(identity.marker)
  return {
    key,
    ownKey: `${key}:config=${identity.config.slice(0, 8)}`,
    legacyKey: sectionKey(identity.legacyMarker)
  }
}

export function sectionStart(key: string): string {
  return `<!-- testgate-leg:${key} -->`
}

export function sectionEnd(key: string): string {
  return `<!-- /testgate-leg:${key} -->`
}

/** One leg's section: its text runs from its start marker line to its end marker line. */
export interface Section {
  key: string
  text: string
}

/**
 * The well-formed sections of a comment, in the order they appear; the first of a key wins.
 * A start without its own end before the next start is dropped, and so is anything outside the
 * sections (the heading, the footer, text someone added): the comment is rebuilt from sections.
 * Vendor text cannot hold a marker line: renderSection neutralises every "<!--" in it
 * (neutralizeComments).
 */
export function parseGroupComment(body: string): Section[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n')
  const sections: Section[] = []
  let open: { key: string; from: number } | undefined
  lines.forEach((line, i) => {
    const start = START.exec(line)?.[1]
    if (start !== undefined) {
      open = { key: start, from: i }
      return
    }
    if (open && line === sectionEnd(open.key)) {
      const { key, from } = open
      if (!sections.some((section) => section.key === key))
        sections.push({ key, text: lines.slice(from, i + 1).join('\n') })
      open = undefined
    }
  })
  return sections
}

/** The text of one leg's section in a comment body, if it is there. */
export function sectionOf(body: string, key: string): string | undefined {
  return parseGroupComment(body).find((section) => section.key === key)?.text
}

/**
 * The sections of the group's comment and of any later copies (legs that raced to create it):
 * the oldest comment's first, then sections only a copy holds, so no leg's section is lost when the
 * copies are deleted. The leg's own key is left out: it brings its own.
 */
export function otherSections(comments: readonly string[], ownKey: string): Section[] {
  const sections: Section[] = []
  for (const body of comments) {
    for (const section of parseGroupComment(body)) {
      if (section.key !== ownKey && !sections.some((seen) => seen.key === section.key))
        sections.push(section)
    }
  }
  return sections
}

const SEPARATOR = '\n\n'
const FOOTER = "<sub>testgate · one section per leg, each updated by that leg's run</sub>"

/**
 * The whole comment: marker, the group's overall verdict (from the sections it holds), the
 * sections sorted by key (by code unit, not locale: every leg sorts them alike, so the order never
 * flaps), footer.
 */
export function renderGroupComment(
  group: string,
  sections: readonly Section[],
  commit?: string
): string {
  const sorted = [...sections].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const parts = [
    groupMarker(group),
    groupHeading(group, sorted, commit),
    ...sorted.map((section) => section.text),
    FOOTER
  ]
  return `${parts.join(SEPARATOR)}\n`
}

/** The heading a comment has, and the one its sections give: a stale one is written again. */
export function headingIsCurrent(group: string, body: string, commit?: string): boolean {
  const lines = body.replace(/\r\n?/g, '\n').split('\n')
  const heading = lines.find((line) => line.startsWith('## '))
  return heading === groupHeading(group, parseGroupComment(body), commit)
}

// A leg never takes more than a 1/MIN_SHARES share, even when it sees fewer legs: the legs that
// have not written yet still find room.
export const MIN_SHARES = 4

export interface SectionPlan {
  /** The most the leg's own section may take, its markers included, in UTF-16 units. */
  max: number
  /** The other sections, some shortened when the comment had no room for this leg's share. */
  others: Section[]
}

/**
 * Room for a leg's section in a comment that holds `others`. The rule: the leg's section may take
 * min(fair share, room left), where the fair share is the room for sections divided by
 * max(MIN_SHARES, legs seen, this one included) and the room left is what the other sections leave.
 * Legs that wrote while they saw fewer legs may hold more than today's fair share; when the room
 * left is less than a fair share, those sections (largest first) are shortened to their headline
 * until it is not — their legs write them in full again at the new share on their next run (or at
 * once, when they are still checking their section). So the whole stays within COMMENT_LIMITS.
 */
export function planSection(group: string, others: readonly Section[]): SectionPlan {
  const measure = COMMENT_LIMITS.measure
  const separator = measure(SEPARATOR)
  // The heading grows with the legs it names: its most is kept aside.
  const room = COMMENT_LIMITS.max - measure(renderGroupComment(group, [])) - HEADING_ROOM
  const share = Math.floor(room / Math.max(MIN_SHARES, others.length + 1)) - separator
  const kept = [...others]
  const left = (): number =>
    room - kept.reduce((sum, section) => sum + measure(section.text) + separator, separator)
  const bySize = kept
    .map((section, index) => ({ index, size: measure(section.text) }))
    .sort((a, b) => b.size - a.size)
  for (const { index, size } of bySize) {
    if (left() >= share || size <= share) break
    kept[index] = shortened(kept[index] as Section)
  }
  return { max: Math.max(0, Math.min(share, left())), others: kept }
}

const SHORTENED =
  "<sub>Shortened to make room for the group's other legs: this leg's next run writes it in full.</sub>"

/**
 * A section cut to its start marker, its hidden lines (a digest, its verdict), its headline and a
 * note.
 */
export function shortened(section: Section): Section {
  const lines = section.text.split('\n')
  const hidden: string[] = []
  let i = 1
  for (; i < lines.length - 1 && (lines[i] ?? '').startsWith('<!-- '); i++)
    hidden.push(lines[i] ?? '')
  // "###" in a section of today, "##" in an older testgate's
  const headline = /^#{2,3} /.test(lines[i] ?? '') ? [lines[i] ?? ''] : []
  const text = [
    sectionStart(section.key),
    ...hidden,
    ...headline,
    '',
    SHORTENED,
    sectionEnd(section.key)
  ]
  return { key: section.key, text: text.join('\n') }
}

export interface SectionOptions {
  /** The leg's section key (sectionKey of its comment marker). */
  key: string
  /**
   * Hidden lines right after the start marker: testgate's own (e.g. the digest of the run),
   * never vendor text. The same text the leg's own comment has after its marker.
   */
  header?: string
  /** The most the section may take, markers included (planSection's max). */
  max: number
}

/**
 * A leg's section, compact under the group's heading: its hidden lines (record, then verdict), a
 * short headline, its failures and its passes folded, between its markers.
 */
export function renderSection(
  report: RunReport,
  context: RenderContext,
  options: SectionOptions
): string {
  const { key, header, max } = options
  const hidden = [sectionStart(key), header, legVerdictLine(report, context)]
  const head = hidden.filter((line): line is string => Boolean(line)).join('\n')
  const end = sectionEnd(key)
  const measure = COMMENT_LIMITS.measure
  const limits = { ...COMMENT_LIMITS, max: max - measure(`${head}\n`) - measure(end) }
  // renderReport ends its text with a line break; the end marker takes the next line.
  const body = renderReport(report, { ...forComment(context), section: true }, limits)
  return `${head}\n${neutralizeComments(body)}${end}`
}

/** What the group's heading reads of this leg: its state, whether its step fails, its name. */
function legVerdictLine(report: RunReport, context: RenderContext): string {
  const label = context.leg ? `${context.vendor} (${context.leg})` : context.vendor
  const { sha } = context
  if (context.notStarted !== undefined) return verdictLine('not-started', true, label, sha)
  if (context.startedOnly) return verdictLine('started', false, label, sha)
  const { policy } = context
  const state: LegState = policy ? stepStatus(report, policy) : report.status
  const fails = policy ? policy.fails : failsOnStatus(report.status, FAIL_CLASSES)
  return verdictLine(state, fails, label, sha)
}

/**
 * A leg's section as the writer needs it: its text under whatever key and budget the comment
 * leaves it. `header`: the hidden lines the leg's own comment has after its marker (a record).
 */
export function groupSectionOf(
  report: RunReport,
  context: RenderContext,
  header?: string
): (max: number, key: string) => string {
  return (max, key) => renderSection(report, context, { key, header, max })
}
