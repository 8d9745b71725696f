import { shorten } from '../core/text.js'
import { escapeMarkdown } from './markdown-text.js'
import { countOf } from './verdict.js'

/**
 * The heading of a combined comment: the group's overall verdict, e.g.
 * "## ❌ e2e: 2 of 4 legs failed — Octomind (FIREFOX), Testifly (eu)". It is computed from the
 * sections the comment holds, each read back by its own hidden verdict line (or, in a section an
 * older testgate wrote, its headline), by whichever leg writes the comment: the heading is never
 * older than the sections under it.
 */

/** What a leg's section says of its run. */
export interface LegVerdict {
  outcome: 'failed' | 'passed' | 'pending' | 'other'
  /** The leg as its headline names it, as markdown (escaped). */
  label: string
  /** The commit the leg's run tested, where its verdict line names it. */
  commit?: string
}

/** The state a section records: a run status, or how far a run that has none got. */
export type LegState = string

// An older testgate's line names no commit, and it reads this one's by the headline (no match).
const VERDICT_LINE =
  /^<!-- testgate-verdict:([a-z-]+):(fails|passes):([A-Za-z0-9._%-]*)(?::([0-9a-f]{7,40}))? -->$/
const COMMIT = /^[0-9a-f]{7,40}$/
const PENDING: ReadonlySet<string> = new Set(['queued', 'running', 'started'])

/**
 * The hidden line a leg's section carries under its record: its state, whether its step fails,
 * its label (percent-encoded, so it holds neither a space nor ">"), and the commit it tested.
 */
export function verdictLine(
  state: LegState,
  fails: boolean,
  label: string,
  commit?: string
): string {
  const safeState = state.replace(/[^a-z-]/g, '')
  const sha = commit?.toLowerCase()
  const tested = sha && COMMIT.test(sha) ? `:${sha}` : ''
  return `<!-- testgate-verdict:${safeState}:${fails ? 'fails' : 'passes'}:${encode(label)}${tested} -->`
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*~]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** A section's verdict, from its verdict line, else from its headline's icon. */
export function legVerdict(sectionText: string): LegVerdict {
  const lines = sectionText.split('\n')
  for (const line of lines) {
    const found = VERDICT_LINE.exec(line)
    if (found) {
      const verdict = fromLine(found[1] ?? '', found[2] === 'fails', found[3] ?? '')
      return found[4] ? { ...verdict, commit: found[4] } : verdict
    }
    if (!line.startsWith('<!-- ')) break
  }
  return fromHeadline(lines.find((line) => /^#{2,3} /.test(line)) ?? '')
}

function fromLine(state: string, fails: boolean, encoded: string): LegVerdict {
  let label: string
  try {
    label = decodeURIComponent(encoded)
  } catch {
    label = encoded
  }
  return { outcome: outcomeOf(state, fails), label: escapeMarkdown(shorten(label, MAX_LABEL)) }
}

function outcomeOf(state: string, fails: boolean): LegVerdict['outcome'] {
  if (fails) return 'failed'
  if (state === 'passed') return 'passed'
  return PENDING.has(state) ? 'pending' : 'other'
}

// What an older testgate's headline icon says (src/report/markdown.ts HEADLINE_ICON).
const ICON_OUTCOME: Record<string, LegVerdict['outcome']> = {
  '✅': 'passed',
  '⏳': 'pending',
  '🚀': 'pending',
  '❌': 'failed',
  '💥': 'failed',
  '⏱️': 'failed',
  '🚫': 'failed',
  '⚠️': 'failed'
}

/** "## ❌ Octomind \\(FIREFOX\\): 1 of 3 tests failed" → failed, "Octomind (FIREFOX)". */
function fromHeadline(headline: string): LegVerdict {
  const found = /^#{2,3} (\S+) ?(.*)$/.exec(headline)
  const outcome = ICON_OUTCOME[found?.[1] ?? ''] ?? 'other'
  const rest = found?.[2] ?? ''
  const colon = rest.indexOf(': ')
  const label = unescapeMarkdown((colon === -1 ? rest : rest.slice(0, colon)) || 'a leg')
  return { outcome, label: escapeMarkdown(shorten(label, MAX_LABEL)) }
}

/** The text escapeMarkdown was given, near enough to escape it again after shortening. */
function unescapeMarkdown(text: string): string {
  return text
    .replace(/\\([\\`*_[\]()#!~|$])/g, '$1')
    .replace(/@\u200b/g, '@')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

const MAX_LABEL = 60
const NAMED = 3

/**
 * The heading line of a group's comment holding these sections, as the leg that tested `commit`
 * writes it: a section of another commit's run (a leg that has not run on this commit, or whose
 * job stopped before it) is not counted as this commit's, whatever it says.
 */
export function groupHeading(
  group: string,
  sections: readonly { text: string }[],
  commit?: string
): string {
  const plain = `## testgate · ${escapeMarkdown(group)}`
  if (sections.length === 0) return plain
  const legs = sections.map((section) => legVerdict(section.text))
  const mine = (leg: LegVerdict) => !commit || !leg.commit || sameCommit(leg.commit, commit)
  const split = { legs: legs.filter(mine), elsewhere: legs.filter((leg) => !mine(leg)) }
  const named = headingOf(group, split, true)
  // Labels that escape long (a name of "&"s) give up their names rather than the legs' room.
  return named.length <= plain.length + HEADING_ROOM ? named : headingOf(group, split, false)
}

/** The legs of the writer's commit, and those whose section is another commit's. */
interface Legs {
  legs: readonly LegVerdict[]
  elsewhere: readonly LegVerdict[]
}

/** A full SHA and a short one of it are the same commit. */
function sameCommit(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()]
  return x.startsWith(y) || y.startsWith(x)
}

function headingOf(group: string, { legs, elsewhere }: Legs, withNames: boolean): string {
  const of = (outcome: LegVerdict['outcome']) => legs.filter((leg) => leg.outcome === outcome)
  const [failed, pending, other] = [of('failed'), of('pending'), of('other')]
  const passed = of('passed').length
  const all = legs.length + elsewhere.length
  const total = countOf(all, 'leg')
  const list = (some: readonly LegVerdict[]) => (withNames ? ` — ${names(some)}` : '')
  const parts = [
    failed.length > 0
      ? `${failed.length} of ${total} failed${list(failed)}`
      : passed === all
        ? `${all === 1 ? 'its' : 'all'} ${total} passed`
        : `${passed} of ${total} passed`
  ]
  if (other.length > 0) parts.push(`${other.length} did not pass${list(other)}`)
  if (pending.length > 0) parts.push(`${pending.length} without a verdict yet${list(pending)}`)
  if (elsewhere.length > 0)
    parts.push(`${elsewhere.length} not run on this commit${list(elsewhere)}`)
  const icon = iconOf(failed.length, other.length + elsewhere.length, pending.length)
  return `## ${icon} ${escapeMarkdown(group)}: ${parts.join('; ')}`
}

/** Failed legs make it red; legs that did not pass, or have no run on this commit, a warning. */
function iconOf(failed: number, notPassed: number, pending: number): string {
  if (failed > 0) return '❌'
  if (notPassed > 0) return '⚠️'
  return pending > 0 ? '⏳' : '✅'
}

/** Up to NAMED labels, and how many more. */
function names(legs: readonly LegVerdict[]): string {
  const named = legs.slice(0, NAMED).map((leg) => leg.label)
  const more = legs.length > NAMED ? `, and ${legs.length - NAMED} more` : ''
  return `${named.join(', ')}${more}`
}

/** The most the heading may add to the one of a comment without sections, in characters. */
export const HEADING_ROOM = 600
