import { createHmac } from 'node:crypto'
import type { RunContext } from './context.js'
import type { Settings } from '../core/inputs.js'
import type { Leg } from '../report/leg.js'
import { log } from '../core/log.js'

/**
 * What a record in the PR comment must prove before a run trusts it: that a step of the same
 * configuration wrote it. The configuration is every input that changes what is tested, with the
 * workflow, job and leg; its id is an HMAC keyed by the vendor api-key, so the record reveals
 * none of it (a variable's value cannot be guessed from the comment) and nobody without the key
 * can make one up.
 *
 * A URL from the deployment is new with every preview deployment: the deployment's environment
 * stands for it, so runs on successive commits of one PR keep comparing with each other.
 */
export function configId(settings: Settings, context: RunContext, leg: Leg): string {
  const own = Object.entries(settings.own)
    .map(([name, value]) => [name, value.trim()])
    .filter(([, value]) => value !== '')
    .sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0))
  const tested = {
    provider: settings.provider,
    targetId: settings.targetId ?? '',
    url: settings.url ?? (context.deployment ? `deployment:${context.deployment.environment}` : ''),
    environment: settings.environment ?? '',
    variables: settings.variables,
    tags: settings.tags,
    testIds: settings.testIds,
    excludeTestIds: settings.excludeTestIds,
    own,
    name: leg.name ?? '',
    variant: leg.variant ?? '',
    workflow: context.workflowFile ?? '',
    job: context.job ?? ''
  }
  return createHmac('sha256', `testgate-config:${settings.apiKey}`)
    .update(JSON.stringify(tested))
    .digest('base64url')
    .slice(0, 16)
}

/** Who this step is, as its PR comment and the record in it name it. */
export interface CommentIdentity {
  /** The sticky comment's marker (see commentMarker). */
  marker: string
  /** The marker an older testgate gave the same comment, before markers named the workflow. */
  legacyMarker: string
  /** configId(): what a record must carry to count as this step's. */
  config: string
}

/** A record of another configuration, written in this very workflow run and attempt. */
export function writtenBySibling(
  record: { config: string; workflowRunId?: string; attempt?: number },
  config: string,
  context: Pick<RunContext, 'workflowRunId' | 'runAttempt'>
): boolean {
  return (
    record.config !== config &&
    record.workflowRunId !== undefined &&
    record.workflowRunId === context.workflowRunId &&
    record.attempt === (context.runAttempt ?? 1)
  )
}

let sharedCommentWarned = false

/**
 * Warns, once a step, that two steps of one workflow run share a marker (they differ in inputs
 * the marker does not name, e.g. `url`).
 */
export function warnSharedComment(what: 'comment' | 'section'): void {
  if (sharedCommentWarned) return
  sharedCommentWarned = true
  const fix =
    'Give each a distinct `name:` (e.g. `name: ${{ matrix.url }}`) to tell their reports apart.'
  log.warning(
    what === 'comment'
      ? `Another testgate step of this workflow run, with other inputs (another matrix leg, or a second step on the same target), writes the same PR comment: the later run overwrites the other's report, and neither uses the other's record. ${fix}`
      : `Another leg of this workflow run's comment group, with other inputs, has this leg's marker: each keeps a section of its own, but the two read alike. ${fix}`
  )
}
