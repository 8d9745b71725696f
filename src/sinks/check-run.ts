import { createCheckRun } from '../github/checks.js'
import { githubStatus, isRateLimited, tokenRejected } from '../github/errors.js'
import { log, redact } from '../core/log.js'
import { httpUrl } from '../core/text.js'
import {
  checkRunConclusion,
  checkRunName,
  checkRunSummary,
  checkRunTitle
} from '../report/check-run.js'
import { encodeDigest, MAX_DIGEST_CHARS } from '../report/digest.js'
import { runDigest } from './comment.js'
import { withEarlierLinks } from './links.js'
import { done, skipped, type Sink, type SinkInput } from './sink.js'

/**
 * A check run on the tested commit, named for the leg, whose summary is the report with the run's
 * signed record: on pushes, schedules and merge queues, which have no PR comment, it is what a
 * pull request's run reads to judge its failures against the base branch; on a PR it is an entry
 * in the Checks tab. Written for every run with a verdict, unless `check-run: false`.
 */
export const checkRunSink: Sink = {
  name: 'check run',
  async write(input) {
    const { settings, context, github, render } = input
    if (!settings.checkRun) return skipped('check-run: false')
    if (render.startedOnly) return skipped('no verdict yet (wait: false)')
    if (!github) return skipped('no github-token')
    if (!/^[0-9a-f]{40}$/i.test(context.sha)) return skipped('no commit to check')
    const name = checkRunName(input.vendor.displayName, render.leg)
    const commit = `commit ${context.sha.slice(0, 7)}`
    try {
      const created = await createCheckRun(github, newCheckRun(input, name))
      log.info(`Check run "${name}" on ${commit}${created.url ? `: ${created.url}` : ''}`)
      return done([], created.url ? [{ label: 'check run', url: created.url }] : [])
    } catch (error) {
      return notWritten(error, name, commit, input.settings.given.includes('check-run'))
    }
  }
}

function newCheckRun(input: SinkInput, name: string): Parameters<typeof createCheckRun>[1] {
  const { report, settings, context, render, comment } = input
  const record = encodeDigest(runDigest(input, MAX_DIGEST_CHARS), settings.apiKey)
  const summary = checkRunSummary(report, withEarlierLinks(input), `${comment.marker}\n${record}`)
  return {
    owner: context.owner,
    repo: context.repo,
    name,
    headSha: context.sha,
    conclusion: checkRunConclusion(report, render.policy),
    title: redact(checkRunTitle(report, input.vendor.displayName)),
    summary: redact(summary),
    detailsUrl: redactedUrl(report.url),
    externalId: redact(report.runId.slice(0, 256)),
    startedAt: validTime(report.startedAt),
    completedAt: validTime(report.finishedAt) ?? new Date().toISOString()
  }
}

/** The vendor's page for the run, when it is a plain http(s) URL. */
function redactedUrl(url: string | undefined): string | undefined {
  const plain = httpUrl(url)
  return plain && redact(plain)
}

/** A vendor's timestamp as GitHub takes it (ISO 8601), or nothing. */
function validTime(value: string | undefined): string | undefined {
  const time = Date.parse(value ?? '')
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined
}

/**
 * A token without `checks: write` (the job's own under restricted defaults or a `permissions:`
 * list without it, a fork's read-only one) is said with how to grant it or turn the check run
 * off: a warning when the workflow asked for the check run (`check-run: true`), a log line when it
 * is only the default, so that a workflow that never wanted one is not warned on every run. A
 * token GitHub rejects fails the step, as for the comment.
 */
function notWritten(
  error: unknown,
  name: string,
  commit: string,
  asked: boolean
): ReturnType<Sink['write']> {
  const status = githubStatus(error)
  if (status === 401) throw tokenRejected(`writing the check run "${name}"`)
  const denied = (status === 403 && !isRateLimited(error)) || status === 404
  if (!denied) throw error
  const say = asked ? log.warning : log.info
  say(
    `Could not write the check run "${name}" on ${commit} (HTTP ${status}): the token needs ` +
      '`permissions: checks: write` (PRs from forks get a read-only token). Pull requests read ' +
      "the base branch's check runs to tell a new failure from one already there; set " +
      '`check-run: false` to write none.'
  )
  return Promise.resolve(skipped(`HTTP ${status}`))
}
