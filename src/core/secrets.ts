import * as core from '@actions/core'
import { SECRET_INPUTS, type Settings } from './inputs.js'
import { addSecrets } from './log.js'
import { userInfoSecrets } from './redaction.js'

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
  addSecrets(userInfoSecrets(textsWithUrls(process.env).join('\n')))
}

// The variables the Actions toolkit (and so testgate) reads a proxy from.
const PROXY_VARIABLES = ['https_proxy', 'http_proxy']

/**
 * Every input as the runner passed it (`url`, `variables` and each vendor's own inputs may hold a
 * URL with a password in it) and the proxy settings, whose credentials undici may echo.
 */
function textsWithUrls(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name]) => name.startsWith('INPUT_') || PROXY_VARIABLES.includes(name.toLowerCase()))
    .map(([, value]) => value ?? '')
}

/** The values no message of ours may contain. */
export function secretsOf(settings: Settings): string[] {
  const values = [settings.apiKey, settings.apiSecret, settings.githubToken, settings.testmo?.token]
  return [
    ...values.filter((value): value is string => Boolean(value)),
    ...userInfoSecrets(settings.url ?? '')
  ]
}
