import type { GitHubClient } from './api.js'
import { githubStatus } from './errors.js'
import type { RunContext } from './context.js'
import type { Settings } from '../core/inputs.js'
import { log } from '../core/log.js'
import { warnSharedComment, writtenBySibling, type CommentIdentity } from './identity.js'
import { readDigest, type Digest, type DigestReading } from '../report/digest.js'
import { groupMarker, legSectionKeys, sectionOf } from '../report/group-comment.js'
import { findOwnStickyComment } from './comments.js'

/**
 * What the comment of the last run gave: its digest, or why there is none; and the comment itself
 * when the search for it ended (null: there is none), so it is not searched for twice.
 */
export type PreviousRun = (
  { digest: Digest; reason?: undefined } | { digest?: undefined; reason: string }
) & {
  comment?: { id: number } | null
  /** What stopped the search: the comment sink reports it rather than search again. */
  failure?: unknown
}

/**
 * The last run as testgate's own sticky comment recorded it: the record hidden in the comment, or
 * why there is none. Read once per run, before a re-run starts or before the report is published.
 * A record counts only when it is signed with this step's api-key and names this step's
 * configuration (src/record-identity.ts); any other is ignored, and the log says why.
 */
export async function readPreviousRun(
  github: GitHubClient | undefined,
  context: RunContext,
  settings: Settings,
  identity: CommentIdentity
): Promise<PreviousRun> {
  const pr = context.pullRequest
  if (settings.comment === 'off') return { reason: 'comment: off, so no PR comment records it' }
  if (!pr) return { reason: 'there is no pull request whose comment records it' }
  if (!github) return { reason: 'there is no github-token to read the PR comment with' }
  const group = settings.commentGroup
  // In a combined comment, the leg's record is in its own section.
  const target = {
    owner: context.owner,
    repo: context.repo,
    issueNumber: pr.number,
    marker: group ? groupMarker(group) : identity.marker,
    legacyMarker: group ? undefined : identity.legacyMarker
  }
  try {
    const comment = await findOwnStickyComment(github, target, log.info)
    if (!comment)
      return {
        reason: `PR #${pr.number} has no ${group ? 'section' : 'comment'} of testgate's for this step`,
        comment: null
      }
    const found = { comment: { id: comment.id } }
    const texts = group ? sectionTexts(comment.body, identity) : [comment.body]
    if (texts.length === 0)
      return { ...found, reason: `PR #${pr.number} has no section of testgate's for this step` }
    return { ...found, ...ownRecord(texts, settings.apiKey, identity, context, pr.number, !!group) }
  } catch (error) {
    // Not fatal here: the comment sink reports it, as it would a failure of its own search.
    const status = githubStatus(error)
    const why = status ? `HTTP ${status}` : error instanceof Error ? error.message : String(error)
    return { reason: `the comment on PR #${pr.number} could not be read (${why})`, failure: error }
  }
}

/** The leg's sections of a combined comment, in the order its record is looked for. */
function sectionTexts(body: string, identity: CommentIdentity): string[] {
  const keys = legSectionKeys(identity)
  return [keys.key, keys.ownKey, keys.legacyKey].flatMap((key) => {
    const text = sectionOf(body, key)
    return text === undefined ? [] : [text]
  })
}

/** The first of the texts whose record is this step's, or why none is. */
function ownRecord(
  texts: readonly string[],
  key: string,
  identity: CommentIdentity,
  context: RunContext,
  pr: number,
  inGroup: boolean
): { digest: Digest } | { reason: string } {
  const readings = texts.map((text) => readDigest(text, key))
  for (const reading of readings)
    if (reading.kind === 'found' && reading.digest.config === identity.config)
      return { digest: reading.digest }
  return { reason: whyNotOwn(readings[0] ?? { kind: 'none' }, identity, context, pr, inGroup) }
}

function whyNotOwn(
  reading: DigestReading,
  identity: CommentIdentity,
  context: RunContext,
  pr: number,
  inGroup: boolean
): string {
  if (reading.kind === 'none')
    return `the comment on PR #${pr} has no record of a run (written by an older testgate, or for a run that did not start)`
  if (reading.kind === 'unreadable')
    return `the record in the comment on PR #${pr} cannot be used: ${reading.reason}`
  if (writtenBySibling(reading.digest, identity.config, context)) {
    warnSharedComment(inGroup ? 'section' : 'comment')
    return `the record in the comment on PR #${pr} is another step's of this workflow run`
  }
  return `the record in the comment on PR #${pr} was written with other inputs (another leg or workflow, or inputs changed since)`
}
