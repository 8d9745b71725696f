import type { GitHubClient } from './github-api.js'
import { githubStatus } from './github-errors.js'
import type { RunContext } from './github-context.js'
import type { Settings } from './inputs.js'
import { log } from './log.js'
import { readDigest } from './report/digest.js'
import { groupMarker, sectionKey, sectionOf } from './report/group-comment.js'
import type { PreviousRun } from './rerun.js'
import { findOwnStickyComment } from './sticky-comment.js'

/**
 * The last run as testgate's own sticky comment recorded it: the digest hidden in the comment, or
 * why there is none. Read once per run, before a re-run starts or before the report is published.
 */
export async function readPreviousRun(
  github: GitHubClient | undefined,
  context: RunContext,
  settings: Settings,
  marker: string
): Promise<PreviousRun> {
  const pr = context.pullRequest
  if (settings.comment === 'off') return { reason: 'comment: off, so no PR comment records it' }
  if (!pr) return { reason: 'there is no pull request whose comment records it' }
  if (!github) return { reason: 'there is no github-token to read the PR comment with' }
  const group = settings.commentGroup
  // In a combined comment, the leg's record is in its own section.
  const found = group ? groupMarker(group) : marker
  const target = { owner: context.owner, repo: context.repo, issueNumber: pr.number, marker: found }
  try {
    const comment = await findOwnStickyComment(github, target, log.info)
    const text = comment && (group ? sectionOf(comment.body, sectionKey(marker)) : comment.body)
    if (!comment || text === undefined)
      return {
        reason: `PR #${pr.number} has no ${group ? 'section' : 'comment'} of testgate's for this step`,
        comment: null
      }
    const reading = readDigest(text)
    if (reading.kind === 'found') return { digest: reading.digest, comment: { id: comment.id } }
    return {
      comment: { id: comment.id },
      reason:
        reading.kind === 'none'
          ? `the comment on PR #${pr.number} was written by an older testgate, without a record of its failures`
          : `the record in the comment on PR #${pr.number} cannot be read: ${reading.reason}`
    }
  } catch (error) {
    // Not fatal here: the comment sink reports it, as it would a failure of its own search.
    const status = githubStatus(error)
    const why = status ? `HTTP ${status}` : error instanceof Error ? error.message : String(error)
    return { reason: `the comment on PR #${pr.number} could not be read (${why})`, failure: error }
  }
}
