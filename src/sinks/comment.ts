import { pullRequestNow, writeStickyComment, type GitHubClient } from '../github/api.js'
import { githubStatus, isRateLimited, tokenRejected } from '../github/errors.js'
import { log, redact } from '../core/log.js'
import { commentBody, commentWanted } from '../report/comment.js'
import { digestOf, encodeDigest, type Digest } from '../report/digest.js'
import { findOwnStickyComment } from '../github/comments.js'
import { writeGroupComment } from './group-comment.js'
import { withEarlierLinks } from './links.js'
import { done, skipped, type Sink, type SinkInput } from './sink.js'

// A quarter of a full digest: four legs' records take what one leg's own comment may.
const GROUP_DIGEST_CHARS = 3_000

/** The sticky PR comment: one per (provider, target, job, leg), edited in place. */
export const commentSink: Sink = {
  name: 'PR comment',
  async write(input) {
    const { settings, context, github } = input
    if (settings.comment === 'off') return skipped('comment: off')
    const pr = context.pullRequest
    if (!pr) {
      if (settings.comment === 'always')
        log.warning(
          'comment: always, but no pull request was found for this event; no comment written.'
        )
      return skipped('no pull request')
    }
    if (!github) {
      log.warning('No github-token: the PR comment is skipped.')
      return skipped('no github-token')
    }
    const { marker, legacyMarker, previous } = input.comment
    const target = {
      owner: context.owner,
      repo: context.repo,
      issueNumber: pr.number,
      marker,
      legacyMarker
    }
    try {
      if (previous?.failure) throw previous.failure
      // A combined comment's writer looks its comment up itself; a leg's own is looked up once.
      const existing =
        previous?.comment === undefined && !settings.commentGroup
          ? await findOwnStickyComment(github, target, log.info)
          : previous?.comment
      // A run that did not start leaves no record: nothing of it can be compared or re-run.
      const digest = input.render.notStarted === undefined ? runDigest(input) : undefined
      const wanted = digest
        ? commentWanted(settings.commentOn, {
            fails: digest.fails,
            exists: Boolean(existing),
            previous: previous?.digest,
            current: digest,
            grouped: Boolean(settings.commentGroup)
          })
        : ({ write: true } as const)
      const unwanted = wanted.write
        ? await headReported(github, input, pr.number, previous?.digest)
        : wanted.reason
      if (unwanted) {
        log.info(`PR #${pr.number}: comment not written: ${unwanted}.`)
        return skipped(unwanted)
      }
      const record = digest && encodeDigest(digest, settings.apiKey)
      if (settings.commentGroup) return await writeGroupComment(input, github, pr.number, record)
      const header = record ? `${marker}\n${record}` : marker
      const body = redact(commentBody(input.report, withEarlierLinks(input), header))
      const result = await writeStickyComment(github, target, body, existing?.id ?? undefined)
      log.info(`PR #${pr.number}: comment ${result.action} ${result.url}`)
      return done([], [{ label: `PR #${pr.number} comment`, url: result.url }])
    } catch (error) {
      return notWritten(error, pr.number)
    }
  }
}

/**
 * Why this run's report must not replace the comment's: the PR has moved on from the commit it
 * tested, and the comment reports its head's run already (two commits' runs ending out of order,
 * or an older workflow run re-run). An older commit's verdict would stand as the PR's. Where the
 * head cannot be read, the report is written, as before.
 */
async function headReported(
  github: GitHubClient,
  { context }: SinkInput,
  pr: number,
  previous: Digest | undefined
): Promise<string | undefined> {
  const tested = context.sha.toLowerCase()
  if (!previous || previous.sha.toLowerCase() === tested) return undefined
  const where = { owner: context.owner, repo: context.repo, number: pr }
  const now = await pullRequestNow(github, where).catch((error: unknown) => {
    const status = githubStatus(error)
    log.info(`PR #${pr}: its head commit could not be read${status ? ` (HTTP ${status})` : ''}.`)
    return undefined
  })
  const head = now?.head
  if (!head || head === tested || head !== previous.sha.toLowerCase()) return undefined
  return `this run tested commit ${tested.slice(0, 7)}, and the PR's head is now commit ${head.slice(0, 7)}, whose run the comment reports`
}

/**
 * What the comment records of this run for the next one (see src/report/digest.ts); the check run
 * keeps the same record, at most `maxChars`.
 */
export function runDigest(
  { report, context, settings, render, comment }: SinkInput,
  maxChars?: number
): Digest {
  const verdict = render.policy ?? { fails: false, decidedBy: 'none' as const }
  return digestOf(
    {
      report,
      verdict,
      config: comment.config,
      sha: context.sha,
      workflowRunId: context.workflowRunId,
      attempt: context.runAttempt ?? 1,
      // A leg's section shares the comment with the other legs: its record is kept smaller.
      maxChars: maxChars ?? (settings.commentGroup ? GROUP_DIGEST_CHARS : undefined)
    },
    settings.apiKey
  )
}

function notWritten(error: unknown, pr: number): ReturnType<Sink['write']> {
  const status = githubStatus(error)
  // A read-only token (a fork's PR) is expected and only a warning; a token GitHub rejects is a
  // misconfiguration to fix, so it fails the step like any sink that could not write.
  if (status === 401) throw tokenRejected(`writing the PR comment on PR #${pr}`)
  // A rate limit's 403 is no missing permission: like a 5xx, the comment could not be written.
  const readOnly = (status === 403 && !isRateLimited(error)) || status === 404
  if (!readOnly) throw error
  log.warning(
    `Could not comment on PR #${pr} (HTTP ${status}): the token needs \`permissions: pull-requests: write\` ` +
      '(PRs from forks get a read-only token). The job summary has the full report.'
  )
  return Promise.resolve(skipped(`HTTP ${status}`))
}
