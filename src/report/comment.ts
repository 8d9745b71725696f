import type { COMMENT_ON } from '../core/inputs.js'
import type { Leg } from './leg.js'
import type { Digest } from './digest.js'
import type { RunReport } from './model.js'
import {
  COMMENT_LIMITS,
  footerLine,
  neutralizeComments,
  renderReport,
  type RenderContext
} from './markdown.js'

/**
 * The sticky PR comment: one per (provider, target, job), found again by a hidden marker on its
 * first line and edited in place.
 */

export function commentMarker(
  provider: string,
  targetId: string | undefined,
  job: string | undefined,
  leg: Leg = {},
  workflow?: string
): string {
  const clean = (value: string | undefined): string =>
    (value ?? '').replace(/[^A-Za-z0-9._-]/g, '_')
  // The parts an older testgate wrote come first, in its order: its marker is this one's prefix.
  const parts = [
    leg.name === undefined ? '' : `:name=${encodeMarkerText(leg.name)}`,
    leg.variant === undefined ? '' : `:variant=${encodeMarkerText(leg.variant)}`,
    // Two workflows running a job of the same id on the same target keep their comments apart.
    workflow === undefined ? '' : `:workflow=${encodeMarkerText(workflow)}`
  ].join('')
  return `<!-- testgate:${clean(provider)}:${clean(targetId)}:${clean(job)}${parts} -->`
}

/**
 * Text a workflow chose, kept distinct ("a b" and "a_b" are two legs) and harmless inside an HTML
 * comment: percent-encoded, so it can hold neither ">" nor a space.
 */
export function encodeMarkerText(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*~]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** The render context of a comment: the report file is on the runner, which a PR reader cannot open. */
export function forComment(context: RenderContext): RenderContext {
  return { ...context, reportPath: undefined }
}

/**
 * The comment: `header` (the marker, then the hidden record line) first, the report under it, in
 * which no vendor text can start an HTML comment (a marker or a record of its own).
 */
export function commentBody(report: RunReport, context: RenderContext, header: string): string {
  const footer = footerLine(context, ['this comment is updated on every run'])
  const body = renderReport(report, forComment(context), COMMENT_LIMITS, { header, footer })
  return `${header}${neutralizeComments(body.slice(header.length))}`
}

export interface CommentFacts {
  /** The verdict fails the step. */
  fails: boolean
  /** The PR already has testgate's comment for this step. */
  exists: boolean
  /** The digest that comment held, when it was read and held one. */
  previous?: Digest
  current: Digest
  /**
   * The comment is a section of a combined comment, whose heading counts a leg by the commit its
   * section names: a section left on another commit reads as "not run on this commit".
   */
  grouped?: boolean
}

/**
 * Whether `comment-on` writes the comment. `failure` still edits an existing comment when the run
 * passes, so a red comment never outlives the failure; `change` leaves the comment alone while the
 * verdict and the failed tests are those it already shows.
 */
export function commentWanted(
  mode: (typeof COMMENT_ON)[number],
  facts: CommentFacts
): { write: true } | { write: false; reason: string } {
  if (mode === 'failure' && !facts.fails && !facts.exists)
    return { write: false, reason: 'comment-on: failure, and the run passed' }
  if (
    mode === 'change' &&
    facts.exists &&
    facts.previous &&
    sameOutcome(facts.previous, facts.current) &&
    !(facts.grouped && facts.previous.sha !== facts.current.sha)
  )
    return {
      write: false,
      reason: 'comment-on: change, and the verdict and failed tests are unchanged'
    }
  return { write: true }
}

/**
 * The same decided verdict (the status, whether the step failed, and the rule that decided) and
 * the same failed tests. A record that lists only part of its failures cannot show the rest are
 * the same: that counts as a change.
 */
function sameOutcome(previous: Digest, current: Digest): boolean {
  const ids = (digest: Digest): string =>
    JSON.stringify(digest.failures.map((failure) => failure.id).sort())
  return (
    previous.status === current.status &&
    previous.fails === current.fails &&
    previous.decidedBy === current.decidedBy &&
    previous.unlisted === 0 &&
    current.unlisted === 0 &&
    ids(previous) === ids(current)
  )
}

/** A comment of the PR as testgate weighs it when looking for its own. */
export interface CommentCandidate {
  id: number
  body: string
  /** Written by the identity of the token testgate writes with. */
  byToken: boolean
  /** Hidden in the PR ("minimized"): someone meant it to be out of the way. */
  minimized: boolean
}

/**
 * The sticky comment: the oldest that starts with the marker, was written by testgate's own token
 * and is not minimized. Anyone can post a comment that starts with the marker; adopting theirs
 * would have testgate overwrite a stranger's text (or fail on it).
 */
export function findStickyComment(
  comments: readonly CommentCandidate[],
  marker: string
): CommentCandidate | undefined {
  return comments.find(
    (comment) => comment.byToken && !comment.minimized && comment.body.startsWith(marker)
  )
}
