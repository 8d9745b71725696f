import { setTimeout as sleep } from 'node:timers/promises'
import type { GitHubClient } from './github-api.js'
import { githubStatus } from './github-errors.js'
import {
  groupMarker,
  otherSections,
  planSection,
  renderGroupComment,
  sectionOf
} from './report/group-comment.js'
import { findOwnComments } from './sticky-comment.js'

/**
 * Writes one leg's section into its group's combined PR comment, with the other legs of the group
 * doing the same at the same moment.
 *
 * GitHub has no conditional update for comments: its REST API documents conditional GETs only
 * (If-None-Match, If-Modified-Since), and a PATCH with a stale If-Match is answered 412 yet applied
 * all the same (cli/cli#7167). Two legs that read the comment before either wrote would each write
 * back the other's old section, and the later write wins. So each leg:
 *
 *  1. lists its token's comments of the group (visible ones only, oldest first);
 *  2. merges its own section into the oldest (the others' sections kept byte for byte, sections only
 *     a newer copy holds moved over), and writes it — or creates the comment when there is none;
 *     then deletes the newer copies: two legs that both found no comment both created one, and the
 *     oldest wins for every leg, whichever made it;
 *  3. waits a settle delay and lists again: a leg that read before this write and writes after it
 *     drops this leg's section, and it needs about as long from its read to its write as this leg
 *     did, so the delay is twice this leg's own read-to-write time (at least MIN_SETTLE_MS), with
 *     jitter so that legs which keep overwriting each other drift apart;
 *  4. when its section is there as it wrote it and there is one comment, it is done; else it merges
 *     again from what it read and writes again, at most MAX_WRITES times, backing off a random,
 *     growing while more each time.
 *
 * What is left: a leg whose write is delayed past another leg's check (a GitHub retry after a 5xx)
 * can still drop that leg's section after it was confirmed; the next run of that leg restores it.
 */

export interface GroupTarget {
  owner: string
  repo: string
  issueNumber: number
  group: string
}

export interface LegSection {
  /** The leg's section key (see sectionKey). */
  key: string
  /** The section's text under a budget in UTF-16 units, markers included (see planSection). */
  render(max: number): string
}

export interface GroupWriteResult {
  action: 'created' | 'updated' | 'unchanged'
  /** The combined comment's id, and its page when GitHub's answer named it. */
  id: number
  url?: string
  /** The last look found the leg's section as it wrote it, in the group's only comment. */
  confirmed: boolean
}

const MAX_WRITES = 5
const MIN_SETTLE_MS = 500
const MAX_SETTLE_MS = 10_000
const BACKOFF_MS = 1_000
// GitHub refuses a comment over this many characters.
const GITHUB_MAX_COMMENT = 65_536

export async function writeGroupSection(
  client: GitHubClient,
  target: GroupTarget,
  leg: LegSection,
  log: (line: string) => void
): Promise<GroupWriteResult> {
  const { owner, repo, issueNumber, group } = target
  const commentTarget = { owner, repo, issueNumber, marker: groupMarker(group) }
  let written: GroupWriteResult | undefined
  let spanMs = 0
  for (let look = 0; ; look++) {
    if (look > 0) await sleep(settleDelay(spanMs, look))
    const readAt = Date.now()
    const found = await findOwnComments(client, commentTarget, log)
    if (found === undefined) {
      if (written) return { ...written, confirmed: false }
      log(
        "GitHub does not give this token's own name over REST (an app's token): testgate writes a new combined comment with this leg's section rather than risk editing one it did not write."
      )
      const alone = { key: leg.key, text: leg.render(planSection(group, []).max) }
      return create(client, target, renderGroupComment(group, [alone]))
    }
    const [keeper, ...copies] = found
    const others = otherSections(
      found.map((comment) => comment.body),
      leg.key
    )
    const plan = planSection(group, others)
    const own = { key: leg.key, text: leg.render(plan.max) }
    if (keeper && copies.length === 0 && sectionOf(keeper.body, leg.key) === own.text) {
      return written
        ? { ...written, id: keeper.id, confirmed: true }
        : { action: 'unchanged', id: keeper.id, confirmed: true }
    }
    if (look === MAX_WRITES) break
    if (copies.length > 0)
      log(
        `Group "${group}": ${found.length} copies of the combined comment (legs created it at once); keeping the oldest, ${keeper?.id}.`
      )
    else if (look > 0)
      log(`Group "${group}": another leg wrote over this leg's section; writing it again.`)
    const body = renderGroupComment(group, [...plan.others, own])
    if (body.length > GITHUB_MAX_COMMENT) {
      throw new Error(
        `the combined comment of group "${group}" would take ${body.length} characters, more than GitHub's ${GITHUB_MAX_COMMENT}, even with the other legs' sections shortened`
      )
    }
    if (keeper) {
      const updated = await update(client, target, keeper.id, body)
      if (!updated) continue // deleted meanwhile: look again at once
      written = { ...updated, action: written?.action ?? 'updated' }
    } else {
      written = await create(client, target, body)
    }
    spanMs = Date.now() - readAt
    for (const copy of copies) await deleteCopy(client, target, copy.id, log)
  }
  log(
    `Group "${group}": could not confirm this leg's section after ${MAX_WRITES} writes; other legs kept overwriting it.`
  )
  return { ...(written as GroupWriteResult), confirmed: false }
}

/** The wait before the next look; see the protocol above. */
function settleDelay(spanMs: number, look: number): number {
  const settle = Math.min(MAX_SETTLE_MS, Math.max(MIN_SETTLE_MS, 2 * spanMs))
  const backoff = BACKOFF_MS * 2 ** (look - 1) - BACKOFF_MS // 0, 1, 3, 7 s…
  return Math.round(settle + (settle / 2 + backoff) * Math.random())
}

async function create(
  client: GitHubClient,
  { owner, repo, issueNumber }: GroupTarget,
  body: string
): Promise<GroupWriteResult> {
  const { data } = await client.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body
  })
  return { action: 'created', id: data.id, url: data.html_url, confirmed: false }
}

/** The comment written, or undefined when it is gone (deleted since it was listed). */
async function update(
  client: GitHubClient,
  { owner, repo }: GroupTarget,
  id: number,
  body: string
): Promise<GroupWriteResult | undefined> {
  try {
    const { data } = await client.rest.issues.updateComment({ owner, repo, comment_id: id, body })
    return { action: 'updated', id: data.id, url: data.html_url, confirmed: false }
  } catch (error) {
    if (githubStatus(error) === 404) return undefined
    throw error
  }
}

/** Deletes a newer copy of the group's comment; one another leg deleted first is fine. */
async function deleteCopy(
  client: GitHubClient,
  { owner, repo, group }: GroupTarget,
  id: number,
  log: (line: string) => void
): Promise<void> {
  try {
    await client.rest.issues.deleteComment({ owner, repo, comment_id: id })
    log(`Group "${group}": deleted comment ${id}, a newer copy of the group's comment.`)
  } catch (error) {
    const status = githubStatus(error)
    if (status === 401) throw error
    if (status !== 404) log(`Group "${group}": could not delete comment ${id} (HTTP ${status}).`)
  }
}
