import type { GitHubClient } from '../github/api.js'
import { writeGroupSection, type LegSection } from '../github/group-writer.js'
import { log, redact } from '../core/log.js'
import { warnSharedComment, writtenBySibling } from '../github/identity.js'
import { readDigest } from '../report/digest.js'
import { groupSectionOf, legSectionKeys } from '../report/group-comment.js'
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
  recordLine?: string
): Promise<Omit<SinkResult, 'sink'>> {
  const { settings, context, report } = input
  const group = settings.commentGroup ?? ''
  const target = {
    owner: context.owner,
    repo: context.repo,
    issueNumber: pr,
    group,
    commit: context.sha
  }
  const render = groupSectionOf(report, withEarlierLinks(input), recordLine)
  const leg: LegSection = {
    ...sectionPlaces(input),
    render: (max, key) => redact(render(max, key))
  }
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

/**
 * Where the leg's section goes: under its marker's key, unless another leg of this workflow run
 * with other inputs holds that key (then under a key of its own, with a warning naming the fix);
 * an older testgate's key of it is dropped.
 */
function sectionPlaces({ comment, settings, context }: SinkInput): Omit<LegSection, 'render'> {
  const keys = legSectionKeys(comment)
  const heldByOther = (text: string): boolean => {
    const reading = readDigest(text, settings.apiKey)
    const sibling =
      reading.kind === 'found' && writtenBySibling(reading.digest, comment.config, context)
    if (sibling) warnSharedComment('section')
    return sibling
  }
  return { key: keys.key, ownKey: keys.ownKey, formerKeys: [keys.legacyKey], heldByOther }
}
