import * as core from '@actions/core'
import { Redactor } from './redaction.js'
import { shorten } from './text.js'

/**
 * The one way text reaches the step log. The runner executes any stdout line that starts with
 * `::` (or the older `##[`) as a workflow command, and vendor, proxy and GitHub text (run ids, URLs, error bodies) can
 * hold line breaks: so every info line is made one line whose start is never `::`, and every
 * message loses the secrets it may echo. Annotations (warning, error) go through the toolkit,
 * which escapes line breaks inside the command itself.
 */

const secrets = new Redactor()

/** Values no line of the log may contain, in any of the forms they could be echoed in. */
export function addSecrets(values: readonly string[]): void {
  secrets.add(values)
}

/** The secret values added so far, as given. */
export function knownSecrets(): string[] {
  return secrets.secrets
}

export function redact(text: string): string {
  return secrets.redact(text)
}

/** A copy of a JSON-like value with every string redacted. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item)) as T
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item)])
    ) as T
  return value
}

// Every line break the runner or a terminal could split on.
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g

// `::name::` commands, and the runner's older `##[name]` form.
const COMMAND_START = /^(\s*)(::|##\[)/

// Outside text (a vendor's id, an error body) may be any length: no line of the log is longer.
const MAX_LINE_CHARS = 4_000

/** One line that cannot start a workflow command. */
export function safeLine(text: string): string {
  const line = shorten(redact(text).replace(LINE_BREAKS, ' ⏎ '), MAX_LINE_CHARS)
  return line.replace(
    COMMAND_START,
    (_, space: string, start: string) => `${space}${start[0]} ${start.slice(1)}`
  )
}

export const log = {
  info: (text: string): void => core.info(safeLine(text)),
  warning: (text: string): void => core.warning(shorten(redact(text), MAX_LINE_CHARS)),
  error: (text: string): void => core.error(shorten(redact(text), MAX_LINE_CHARS)),
  fail: (text: string): void => core.setFailed(shorten(redact(text), MAX_LINE_CHARS))
}
