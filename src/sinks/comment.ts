import { upsertComment } from '../github-api.js'
import { githubStatus, isRateLimited, tokenRejected } from '../github-errors.js'
import { log, redact } from '../log.js'
import { commentBody, commentMarker } from '../report/comment.js'
import { writeGroupComment } from './group-comment.js'
import { withEarlierLinks } from './links.js'
import { done, skipped, type Sink } from './sink.js'

/** The sticky PR comment: one per (provider, target, job, leg), edited in place. */
export const commentSink: Sink = {
  name: 'PR comment',
  async write(input) {
    const { settings, context, github, report, vendor, leg } = input
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
    const marker = commentMarker(vendor.name, report.targetId, context.job, leg)
    if (settings.commentGroup)
      return writeGroupComment(input, github, pr.number, marker).catch((error: unknown) =>
        notWritten(error, pr.number)
      )
    const body = redact(commentBody(report, withEarlierLinks(input), marker))
    const target = { owner: context.owner, repo: context.repo, issueNumber: pr.number, marker }
    try {
      const result = await upsertComment(github, target, body, log.info)
      log.info(`PR #${pr.number}: comment ${result.action} ${result.url}`)
      return done([], [{ label: `PR #${pr.number} comment`, url: result.url }])
    } catch (error) {
      return notWritten(error, pr.number)
    }
  }
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
