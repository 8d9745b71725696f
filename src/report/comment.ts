import type { Leg } from '../leg.js'
import type { RunReport } from './model.js'
import { COMMENT_LIMITS, footerLine, renderReport, type RenderContext } from './markdown.js'

/**
 * The sticky PR comment: one per (provider, target, job), found again by a hidden marker on its
 * first line and edited in place.
 */

export function commentMarker(
  provider: string,
  targetId: string | undefined,
  job: string | undefined,
  leg: Leg = {}
): string {
  const clean = (value: string | undefined): string =>
    (value ?? '').replace(/[^A-Za-z0-9._-]/g, '_')
  // A job without legs keeps the marker it always had, so its comment is found again.
  const legParts = [
    leg.name === undefined ? '' : `:name=${encodeMarkerText(leg.name)}`,
    leg.variant === undefined ? '' : `:variant=${encodeMarkerText(leg.variant)}`
  ].join('')
  return `<!-- testgate:${clean(provider)}:${clean(targetId)}:${clean(job)}${legParts} -->`
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

export function commentBody(report: RunReport, context: RenderContext, marker: string): string {
  const footer = footerLine(context, ['this comment is updated on every run'])
  return renderReport(report, context, COMMENT_LIMITS, { header: marker, footer })
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
