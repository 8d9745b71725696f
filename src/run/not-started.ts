import * as core from '@actions/core'
import { TokenRejectedError } from '../github/errors.js'
import { withheldSecretsReason, type EventPayload } from '../github/context.js'
import { parseInputs, type Settings, type VendorCatalog } from '../core/inputs.js'
import { log, redact } from '../core/log.js'
import { vendorCatalog } from '../vendors/index.js'
import { countTests, type RunReport } from '../report/model.js'
import { summaryMarkdown } from '../report/summary.js'
import { commentSink } from '../sinks/comment.js'
import { publishAll } from '../sinks/index.js'
import { summarySink } from '../sinks/summary.js'
import { connectGitHub, renderContextOf, stepOf, type Step } from './step.js'

/**
 * A run that never started (an input error, a key the vendor refused) says so where the last
 * report stands: in the job summary, and in the PR comment, which would otherwise keep showing an
 * earlier commit's verdict as if it were this one's. Best effort: whatever fails here, the step
 * still fails with the original error.
 */

/** How far the step got: what saying "did not start" can use. */
export interface Progress {
  /** The vendor accepted the trigger: from here on, a report always follows. */
  started: boolean
  payload?: EventPayload
  step?: Step
}

export async function reportNotStarted(
  env: NodeJS.ProcessEnv,
  progress: Progress,
  error: unknown
): Promise<void> {
  const reason = redact(error instanceof Error ? error.message : String(error))
  try {
    const step = progress.step ?? leniently(env, progress.payload)
    if (!step) return await bareSummary(reason)
    // A token GitHub rejected cannot write a comment, and a run GitHub gave no secrets (a fork's)
    // has a read-only one: the summary is all that can be written.
    const commentable =
      !(error instanceof TokenRejectedError) && !withheldSecretsReason(env, progress.payload ?? {})
    if (commentable && !step.github) await connectGitHub(step, env)
    const sinks = commentable ? [summarySink, commentSink] : [summarySink]
    await publishAll(notStartedInput(step, reason), sinks)
  } catch (failure) {
    log.info(
      `Could not say where the report goes that the run did not start: ${redact(String(failure))}`
    )
  }
}

/** The step set up from inputs that do not all parse, each bad one at its default. */
function leniently(env: NodeJS.ProcessEnv, payload: EventPayload | undefined): Step | undefined {
  if (!payload) return undefined
  const settings = parseInputsLeniently((name) => core.getInput(name), vendorCatalog())
  return settings && stepOf(settings, env, payload)
}

function notStartedInput(step: Step, reason: string): Parameters<typeof publishAll>[0] {
  const { settings, context, provider, leg, identity, github, deadline } = step
  return {
    report: emptyReport(provider.name, settings.targetId),
    settings,
    context,
    render: { ...renderContextOf(step), notStarted: reason },
    vendor: { name: provider.name, displayName: provider.displayName },
    leg,
    github,
    deadline,
    reportPath: '',
    comment: identity
  }
}

function emptyReport(provider: string, targetId?: string): RunReport {
  return { provider, targetId, runId: '', status: 'errored', counts: countTests([]), tests: [] }
}

/** Not even the provider is known: a summary that names no vendor. */
async function bareSummary(reason: string): Promise<void> {
  const markdown = summaryMarkdown(emptyReport('testgate'), {
    vendor: 'testgate',
    notStarted: reason
  })
  await core.summary.addRaw(redact(markdown)).write()
}

/**
 * Settings from the inputs with every input that does not parse left at its default (a missing
 * api-key stands in as "withheld"), so that a run that could not start can still say so in the
 * PR comment and the summary; undefined when even that does not parse (no provider).
 */
function parseInputsLeniently(
  read: (name: string) => string,
  catalog: VendorCatalog
): Settings | undefined {
  const failing = new Set<string>()
  const lenient = (name: string): string =>
    !failing.has(name) ? read(name) : name === 'api-key' ? 'withheld' : ''
  for (;;) {
    try {
      return parseInputs(lenient, catalog)
    } catch (error) {
      // Every message names its inputs in quotes: `Input "fail-on": …`, `missing: "testmo-url"`.
      const named = [...String((error as Error).message).matchAll(/"([a-z][a-z0-9-]*)"/g)]
      const fresh = named.map((match) => match[1] ?? '').filter((name) => !failing.has(name))
      if (fresh.length === 0) return undefined
      for (const name of fresh) failing.add(name)
    }
  }
}
