import * as core from '@actions/core'
import { log } from '../core/log.js'
import { z } from 'zod'
import { parseInputs } from '../core/inputs.js'
import { maskSecrets } from '../core/secrets.js'
import { STATE_FINISHED, STATE_HANDLE } from '../core/state.js'
import { createProvider, vendorCatalog } from '../vendors/index.js'
import { RUN_STATUSES } from '../report/model.js'

const savedHandleSchema = z.object({
  provider: z.string(),
  handle: z.object({
    runId: z.string(),
    url: z.string().optional(),
    targetId: z.string().optional(),
    status: z.enum(RUN_STATUSES),
    extra: z.record(z.string(), z.string()).optional()
  })
})

/**
 * The post step: when the main step started a run and did not see it finish (the job was
 * cancelled or timed out while waiting), stop the run where the vendor allows it.
 */
export async function post(): Promise<void> {
  const saved = core.getState(STATE_HANDLE)
  if (!saved || core.getState(STATE_FINISHED) === 'true') return
  if (core.getInput('wait').trim().toLowerCase() === 'false') return
  try {
    maskSecrets()
    const { handle } = savedHandleSchema.parse(JSON.parse(saved))
    const settings = parseInputs((name) => core.getInput(name), vendorCatalog())
    const provider = createProvider(settings, {
      log: log.info,
      warn: log.warning,
      // A post step has little time: one quick try, one retry.
      client: { requestTimeoutMs: 10_000, retries: 1 }
    })
    const where = handle.url ? ` (${handle.url})` : ''
    if (!provider.capabilities.cancel) {
      log.info(
        `${provider.displayName} run ${handle.runId}${where} was left unfinished; ${provider.displayName} has no API to cancel it, so it runs on.`
      )
      return
    }
    const result = await provider.cancel(handle)
    log.info(
      result === 'cancelled'
        ? `Asked ${provider.displayName} to stop run ${handle.runId}${where}: it is being cancelled.`
        : `${provider.displayName} run ${handle.runId}${where} had already finished; there was nothing to cancel.`
    )
  } catch (error) {
    log.warning(
      `Could not cancel the unfinished run: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}
