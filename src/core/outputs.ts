import * as core from '@actions/core'
import { log, redact } from './log.js'
import { httpUrl } from './text.js'

/**
 * Step outputs that carry outside text. Workflows paste outputs into shell scripts and URLs, so a
 * URL output is only ever an absolute http(s) URL and an id only printable characters without
 * spaces or line breaks; anything else is left unset, with a warning, rather than passed on.
 */

const PRINTABLE_ID = /^[\x21-\x7e]{1,256}$/

export function setUrlOutput(name: string, value: string | undefined): void {
  if (value === undefined) return
  const url = httpUrl(value)
  if (url) core.setOutput(name, redact(url))
  else log.warning(`Output "${name}" is not set: the vendor's value is not a plain http(s) URL.`)
}

export function setIdOutput(name: string, value: string): void {
  if (PRINTABLE_ID.test(value)) core.setOutput(name, redact(value))
  else
    log.warning(`Output "${name}" is not set: the vendor's id has characters an id may not have.`)
}

/** Counts, statuses and paths of our own making. */
export function setOwnOutput(name: string, value: string | number): void {
  core.setOutput(name, value)
}
