import * as core from '@actions/core'
import { SECRET_INPUTS, type Settings } from './inputs.js'
import { addSecrets } from './log.js'

/**
 * Masks every secret input the moment the step starts, before anything could print it, and
 * hands it to the log, which redacts it from every line and message of ours.
 */
export function maskSecrets(): void {
  for (const name of SECRET_INPUTS) {
    const value = core.getInput(name).trim()
    if (!value) continue
    core.setSecret(value)
    addSecrets([value])
  }
}

/** The values no message of ours may contain. */
export function secretsOf(settings: Settings): string[] {
  return [settings.apiKey, settings.apiSecret, settings.githubToken, settings.testmo?.token].filter(
    (value): value is string => Boolean(value)
  )
}
