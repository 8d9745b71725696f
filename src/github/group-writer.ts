import { setTimeout as sleep } from 'node:timers/promises'
import type { GitHubClient } from './api.js'
import { githubStatus } from './errors.js'
import {
  groupMarker,
  headingIsCurrent,
  otherSections,
  planSection,
  renderGroupComment,
  sectionOf
} from '../report/group-comment.js'
import { findOwnComments } from './comments.js'

/**
 * Writes one leg's section into its group's combined PR comment, with the other legs of the group
 * doing the same at the same moment.
 *
 * GitHub has no conditional update for comments: its REST API documents conditional GETs only
 * (If-None-Match, If-Modified-Since), and a PATCH with a stale If-Match is answered 412 yet applied
 * all the same (cli/cli#7167). Two legs that read the comment before either wrote would each write
 * back the other's old section, and the later write wins. So each leg:
 *
 *  1. lists its token's comments of the group (visible ones only, oldest first: GraphQL, as the
 *     per-leg comment is found); the oldest is the group's comment, for every leg;
 *  2. reads that comment again by id right before writing (the listing is a moment old, and the
 *     throttling plugin holds a write back a second after a GraphQL call: the read waits instead,
 *     so little time passes between what it read and its write), merges its own section in (the
 *     others kept byte for byte; sections only a newer copy holds moved over), writes it, and
 *     deletes the newer copies; with no comment at all it creates one. Two legs that both found
 *     none both create one: the next look lists them, the oldest wins, whichever leg made it;
 *  3. waits a settle delay and reads again: a leg that read before this write and writes after it
 *     drops this leg's section, and it needs about as long from its read to its write as this leg
 *     did, so the delay is twice this leg's own read-to-write time (at least MIN_SETTLE_MS), with
 *     jitter so that legs which keep overwriting each other drift apart (and a random wait of up
 *     to FIRST_WRITE_SPREAD_MS before the first write, as legs of a matrix often end together);
 *  4. when its section is there as it would write it now, the heading is the one the sections
 *     under it give (the group's overall verdict: every write computes it from the sections it
 *     writes, so only a comment an older testgate wrote, or a hand edit, has another) and the
 *     group has one comment, it is done; else it merges again into what it read and writes again,
 *     at most MAX_WRITES times, with a random backoff that grows with each write.
 *
 * What is left: a leg whose write is delayed past another leg's check (a GitHub retry after a 5xx)
 * can still drop that leg's section after it was confirmed; the next run of that leg restores it.
 */

export interface GroupTarget {
  owner: string
  repo: string
  issueNumber: number
  group: string
  /** The commit the writing leg tested: the heading counts the legs of this commit's runs. */
  commit?: string
}

export interface LegSection {
  /** The leg's section key (see sectionKey). */
  key: string
  /**
   * Where the leg writes instead when `key` holds a section that another leg of this workflow run
   * wrote with other inputs (`heldByOther`): two legs that share a marker keep a section each.
   */
  ownKey?: string
  heldByOther?(sectionText: string): boolean
  /** Keys this leg's section had before (an older testgate's): dropped when it writes. */
  formerKeys?: readonly string[]
  /** The section's text under a budget in UTF-16 units, markers included (see planSection). */
  render(max: number, key: string): string
}

export interface GroupWriteResult {
  action: 'created' | 'updated' | 'unchanged'
  /** The combined comment's id, and its page when GitHub's answer named it. */
  id: number
  url?: string
  /** Why the leg's section could not be confirmed in the group's only comment, if it could not. */
  warning?: string
}

const MAX_WRITES = 5
// Looks include those that find the comment gone (deleted by hand) and list again.
const MAX_LOOKS = 2 * MAX_WRITES + 2
const MIN_SETTLE_MS = 500
const MAX_SETTLE_MS = 10_000
const BACKOFF_MS = 1_000
const FIRST_WRITE_SPREAD_MS = 1_000
// GitHub refuses a comment over this many characters.
const GITHUB_MAX_COMMENT = 65_536
// @octokit/plugin-throttling starts one client's GraphQL calls and writes (POST, PATCH, DELETE) at
// least this far apart (its "write" group). A REST read is not held back: it waits this out first,
// so that the write it leads to goes at once, on what was read a moment before.
const THROTTLE_SPACING_MS = 1_000

interface Look {
  /** The group's comment: the oldest, or the one this leg wrote and reads again by id. */
  keeper?: { id: number; body: string }
  /** Newer copies, when several legs created the comment at once. */
  copies: { id: number; body: string }[]
}

export async function writeGroupSection(
  client: GitHubClient,
  target: GroupTarget,
  leg: LegSection,
  log: (line: string) => void
): Promise<GroupWriteResult> {
  const { group } = target
  const github = new GroupComments(client, target, log)
  const urls = new Map<number, string>()
  let createdId: number | undefined
  let keeperId: number | undefined // once written: later looks read it by id
  let writes = 0
  let spanMs = 0
  const result = (id: number, warning?: string): GroupWriteResult => ({
    action: id === createdId ? 'created' : writes > 0 ? 'updated' : 'unchanged',
    id,
    url: urls.get(id),
    ...(warning ? { warning } : {})
  })
  for (let look = 0; look < MAX_LOOKS; look++) {
    if (look > 0) await sleep(settleDelay(spanMs, writes))
    let seen = keeperId === undefined ? await github.list() : await github.read(keeperId)
    if (seen === undefined && keeperId !== undefined) {
      keeperId = undefined // deleted meanwhile (by hand): look for the group's comment again
      continue
    }
    if (seen === undefined) {
      if (createdId !== undefined)
        return result(createdId, 'its comments could no longer be listed to check it')
      log(
        "GitHub does not give this token's own name over REST (an app's token): testgate writes a new combined comment with this leg's section rather than risk editing one it did not write."
      )
      const alone = { key: leg.key, text: leg.render(planSection(group, []).max, leg.key) }
      const created = await github.create(renderGroupComment(group, [alone], target.commit))
      return { action: 'created', id: created.id, url: created.url }
    }
    if (seen.keeper && isCurrent(seen, leg, target)) return result(seen.keeper.id)
    if (writes === MAX_WRITES) break
    if (seen.copies.length > 0)
      log(
        `Group "${group}": ${seen.copies.length + 1} copies of the combined comment (legs created it at once); keeping the oldest, ${seen.keeper?.id}.`
      )
    else if (writes > 0)
      log(
        `Group "${group}": this leg's section is not as it wrote it (another leg wrote at the same moment); writing it again.`
      )
    if (seen.keeper && keeperId === undefined) {
      // The listing is a moment old: merge into the comment as it is now. Legs of a matrix often
      // finish together: a random wait first spreads their first writes apart.
      if (writes === 0) await sleep(FIRST_WRITE_SPREAD_MS * Math.random())
      const fresh = await github.read(seen.keeper.id)
      if (fresh === undefined) continue
      seen = { keeper: fresh.keeper, copies: seen.copies }
    }
    const readAt = Date.now()
    const body = mergedBody(seen, leg, target)
    if (seen.keeper) {
      const updated = await github.update(seen.keeper.id, body)
      if (!updated) {
        keeperId = undefined
        continue
      }
      urls.set(updated.id, updated.url)
      keeperId = updated.id
      spanMs = Date.now() - readAt
      for (const copy of seen.copies) await github.remove(copy.id)
    } else {
      // Another leg may have created one at the same moment: the next look lists them all.
      const created = await github.create(body)
      urls.set(created.id, created.url)
      createdId = created.id
      spanMs = Date.now() - readAt
    }
    writes++
  }
  const id = keeperId ?? createdId
  if (id === undefined) throw new Error(`the comment of group "${group}" kept disappearing`)
  return result(id, `other legs kept writing over it (${writes} writes)`)
}

/** The key the leg writes under in a comment of this body, and the keys of its it drops. */
function placement(body: string, leg: LegSection): { key: string; dropped: string[] } {
  const held = sectionOf(body, leg.key)
  const former = [...(leg.formerKeys ?? [])]
  if (leg.ownKey && held !== undefined && leg.heldByOther?.(held))
    return { key: leg.ownKey, dropped: former }
  return { key: leg.key, dropped: leg.ownKey ? [leg.ownKey, ...former] : former }
}

/** The group's sections but this leg's, and those the leg drops. */
function othersThan(bodies: readonly string[], place: { key: string; dropped: string[] }) {
  return otherSections(bodies, place.key).filter((section) => !place.dropped.includes(section.key))
}

/**
 * The group has one comment, this leg's section in it is what the leg would write now, and its
 * heading is the verdict of the sections it holds.
 */
function isCurrent(seen: Look, leg: LegSection, { group, commit }: GroupTarget): boolean {
  if (!seen.keeper || seen.copies.length > 0) return false
  const body = seen.keeper.body
  if (!headingIsCurrent(group, body, commit)) return false
  const place = placement(body, leg)
  if (place.dropped.some((key) => sectionOf(body, key) !== undefined)) return false
  const own = leg.render(planSection(group, othersThan([body], place)).max, place.key)
  return sectionOf(body, place.key) === own
}

/** The comment with this leg's section merged in, and the copies' sections moved over. */
function mergedBody(seen: Look, leg: LegSection, { group, commit }: GroupTarget): string {
  const bodies = [seen.keeper, ...seen.copies].flatMap((comment) => (comment ? [comment.body] : []))
  const place = placement(bodies[0] ?? '', leg)
  const plan = planSection(group, othersThan(bodies, place))
  const body = renderGroupComment(
    group,
    [...plan.others, { key: place.key, text: leg.render(plan.max, place.key) }],
    commit
  )
  if (body.length > GITHUB_MAX_COMMENT) {
    throw new Error(
      `the combined comment of group "${group}" would take ${body.length} characters, more than GitHub's ${GITHUB_MAX_COMMENT}, even with the other legs' sections shortened`
    )
  }
  return body
}

/** The wait before the next look; see the protocol above. */
function settleDelay(spanMs: number, writes: number): number {
  const settle = Math.min(MAX_SETTLE_MS, Math.max(MIN_SETTLE_MS, 2 * spanMs))
  const backoff = BACKOFF_MS * 2 ** Math.max(0, writes - 1) - BACKOFF_MS // 0, 0, 1, 3, 7 s…
  return Math.round(settle + (settle + backoff) * Math.random())
}

/** The group's comments on GitHub, each call noting when the throttling plugin last let one go. */
class GroupComments {
  private throttledAt = 0

  constructor(
    private readonly client: GitHubClient,
    private readonly target: GroupTarget,
    private readonly log: (line: string) => void
  ) {}

  /** The group's comments of this token, oldest first; undefined when REST cannot say whose. */
  async list(): Promise<Look | undefined> {
    const { owner, repo, issueNumber, group } = this.target
    const marker = groupMarker(group)
    const found = await this.throttled(() =>
      findOwnComments(this.client, { owner, repo, issueNumber, marker }, this.log)
    )
    if (found === undefined) return undefined
    const [keeper, ...copies] = found
    return { keeper, copies }
  }

  /** One comment as it is now; undefined when it is gone. */
  async read(id: number): Promise<Look | undefined> {
    await sleep(Math.max(0, this.throttledAt + THROTTLE_SPACING_MS - Date.now()))
    const { owner, repo } = this.target
    try {
      const { data } = await this.client.rest.issues.getComment({ owner, repo, comment_id: id })
      return { keeper: { id: data.id, body: data.body ?? '' }, copies: [] }
    } catch (error) {
      if (githubStatus(error) === 404) return undefined
      throw error
    }
  }

  async create(body: string): Promise<{ id: number; url: string }> {
    const { owner, repo, issueNumber } = this.target
    const { data } = await this.throttled(() =>
      this.client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })
    )
    return { id: data.id, url: data.html_url }
  }

  /** The comment written, or undefined when it is gone (deleted since it was read). */
  async update(id: number, body: string): Promise<{ id: number; url: string } | undefined> {
    const { owner, repo } = this.target
    try {
      const { data } = await this.throttled(() =>
        this.client.rest.issues.updateComment({ owner, repo, comment_id: id, body })
      )
      return { id: data.id, url: data.html_url }
    } catch (error) {
      if (githubStatus(error) === 404) return undefined
      throw error
    }
  }

  /** Deletes a newer copy of the group's comment; one another leg deleted first is fine. */
  async remove(id: number): Promise<void> {
    const { owner, repo, group } = this.target
    try {
      await this.throttled(() =>
        this.client.rest.issues.deleteComment({ owner, repo, comment_id: id })
      )
      this.log(`Group "${group}": deleted comment ${id}, a newer copy of the group's comment.`)
    } catch (error) {
      const status = githubStatus(error)
      if (status === 401) throw error
      if (status !== 404)
        this.log(`Group "${group}": could not delete comment ${id} (HTTP ${status}).`)
    }
  }

  private async throttled<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } finally {
      this.throttledAt = Date.now()
    }
  }
}
