import * as core from '@actions/core'
import { SECRET_INPUTS, type Settings } from './inputs.js'

/** Masks every secret input the moment the step starts, before anything could print it. */
export function maskSecrets(): void {
  for (const name of SECRET_INPUTS) {
    const value = core.getInput(name).trim()
    if (value) core.setSecret(value)
  }
}

/** The values no message of ours may contain. */
export function secretsOf(settings: Settings): string[] {
  return [settings.apiKey, settings.apiSecret, settings.githubToken, settings.testmo?.token].filter(
    (value): value is string => Boolean(value)
  )
}
