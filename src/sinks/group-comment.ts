import type { GitHubClient } from '../github-api.js'
import { writeGroupSection } from '../group-comment-writer.js'
import { log, redact } from '../log.js'
import { groupSectionOf } from '../report/group-comment.js'
import { withEarlierLinks } from './links.js'
import { done, type SinkInput, type SinkResult } from './sink.js'

/**
 * This leg's section of its group's combined PR comment (`comment-group`), in place of the leg's
 * own comment. Errors are the comment sink's to weigh (a read-only token is a warning).
 */
export async function writeGroupComment(
  input: SinkInput,
  github: GitHubClient,
  pr: number,
  legMarker: string,
  digestLine?: string
): Promise<Omit<SinkResult, 'sink'>> {
  const { settings, context, report } = input
  const group = settings.commentGroup ?? ''
  const target = { owner: context.owner, repo: context.repo, issueNumber: pr, group }
  const section = groupSectionOf(report, withEarlierLinks(input), legMarker, digestLine)
  const leg = { key: section.key, render: (max: number) => redact(section.render(max)) }
  const result = await writeGroupSection(github, target, leg, log.info)
  const url =
    result.url ??
    `${context.serverUrl}/${context.owner}/${context.repo}/pull/${pr}#issuecomment-${result.id}`
  if (result.warning)
    log.warning(
      `PR #${pr}: could not confirm this leg's section of the combined comment "${group}": ${result.warning}. The job summary has the full report.`
    )
  log.info(`PR #${pr}: combined comment "${group}" ${result.action} ${url}`)
  return done([], [{ label: `PR #${pr} comment`, url }])
}
