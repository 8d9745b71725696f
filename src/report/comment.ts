import type { RunReport } from './model.js'
import { COMMENT_LIMITS, footerLine, renderReport, type RenderContext } from './markdown.js'

/**
 * The sticky PR comment: one per (provider, target, job), found again by a hidden marker on its
 * first line and edited in place.
 */

export function commentMarker(
  provider: string,
  targetId: string | undefined,
  job: string | undefined
): string {
  const clean = (value: string | undefined): string =>
    (value ?? '').replace(/[^A-Za-z0-9._-]/g, '_')
  return `<!-- testgate:${clean(provider)}:${clean(targetId)}:${clean(job)} -->`
}

export function commentBody(report: RunReport, context: RenderContext, marker: string): string {
  const footer = footerLine(context, ['this comment is updated on every run'])
  return renderReport(report, context, COMMENT_LIMITS, { header: marker, footer })
}

export interface IssueComment {
  id: number
  body?: string | null
}

/** The comment that carries the marker; the oldest one if a past bug left several. */
export function findStickyComment(
  comments: readonly IssueComment[],
  marker: string
): IssueComment | undefined {
  return comments.find((comment) => comment.body?.startsWith(marker))
}
