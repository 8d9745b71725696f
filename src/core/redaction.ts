/**
 * Finding a secret in text however it was echoed back: whole or in part (a URL's path, its
 * credentials, one line of several), percent-encoded in any way (`encodeURI`, `encodeURIComponent`,
 * either hex case, `+` for a space), JSON-escaped (`\/`, `\"`, `\n`, `\u0041`) or
 * backslash-escaped as markdown does. A vendor that echoes a webhook URL's path in an error, or a
 * key inside a JSON string, must not put it in the step log.
 */

// A whole secret shorter than this would blank ordinary text; the runner still masks it.
const MIN_SECRET_CHARS = 3

// A part of a secret is looked for on its own only when it cannot be ordinary text: at least 8
// characters, with a run of 6 letters and digits that mixes cases or digits, as generated tokens
// do. So `/`, `/api/v1/users`, `x-access-token` or `-----BEGIN KEY-----` are never blanked.
// A password is secret by definition: any of 8 characters or more is looked for.
const MIN_PART_CHARS = 8
const TOKEN_RUN_CHARS = 6

/** The secrets to look for, and the text they are looked for in. */
export class Redactor {
  private readonly values = new Set<string>()
  private readonly forms = new Set<string>()
  private pattern: RegExp | undefined

  constructor(values: readonly string[] = []) {
    this.add(values)
  }

  /** Whole secret values: an input's value as given. */
  add(values: readonly string[]): void {
    for (const value of values) {
      if (value.length < MIN_SECRET_CHARS || this.values.has(value)) continue
      this.values.add(value)
      for (const form of secretForms(value)) this.forms.add(form)
      this.pattern = undefined
    }
  }

  /** The whole values added, for another Redactor (an HTTP client's) to start from. */
  get secrets(): string[] {
    return [...this.values]
  }

  redact(text: string): string {
    if (this.forms.size === 0) return text
    this.pattern ??= echoPattern([...this.forms])
    return text.replace(this.pattern, '***')
  }
}

/** What is looked for when a secret is `secret`: itself, and its parts that are secret enough. */
function secretForms(secret: string): string[] {
  const url = absoluteUrl(secret)
  const parts = [...lines(secret), ...(url ? urlParts(url) : [])].filter(looksGenerated)
  const credentials = url ? userInfoForms(url.username, url.password) : []
  return unique([secret, ...(url ? [url.href] : []), ...credentials, ...parts])
}

/**
 * The credentials in every URL written in `text` (`https://user:password@host`), as far as they
 * are secret enough to look for: an input's URL may carry a password without being a secret input.
 */
export function userInfoSecrets(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^\s/?#]*)@/gi)) {
    const [user = '', password = ''] = splitOnce(match[1] ?? '', ':')
    found.push(...userInfoForms(user, password))
  }
  return unique(found)
}

function userInfoForms(encodedUser: string, encodedPassword: string): string[] {
  const user = decoded(encodedUser)
  const password = decoded(encodedPassword)
  const forms = looksGenerated(user) ? [user] : []
  if (password.length >= MIN_PART_CHARS) forms.push(password, `${user}:${password}`)
  return forms
}

/** A URL's path, query, each query value and fragment: a webhook's secret is often its path. */
function urlParts(url: URL): string[] {
  return [
    `${url.pathname}${url.search}`,
    url.pathname,
    url.search.slice(1),
    ...url.searchParams.values(),
    url.hash.slice(1)
  ].map(decoded)
}

/** The lines of a secret of several lines (a key file), each of which may be echoed alone. */
function lines(secret: string): string[] {
  const split = secret.split(/\r\n|[\r\n]/).map((line) => line.trim())
  return split.length > 1 ? split : []
}

function looksGenerated(part: string): boolean {
  if (part.length < MIN_PART_CHARS) return false
  const runs = part.match(new RegExp(`[A-Za-z0-9]{${TOKEN_RUN_CHARS},}`, 'g')) ?? []
  return runs.some((run) => [/[a-z]/, /[A-Z]/, /[0-9]/].filter((kind) => kind.test(run)).length > 1)
}

/** A URL only when written with `scheme://`: `key:value` is not one. */
function absoluteUrl(text: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator)
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)]
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))]
}

// ---- Matching: one pattern for every form, each character in every way it can be written ----

/** Longest first, so a secret that holds another (or one of its parts) is replaced whole. */
function echoPattern(forms: string[]): RegExp {
  const sorted = [...forms].sort((a, b) => b.length - a.length)
  return new RegExp(sorted.map((form) => [...form].map(charPattern).join('')).join('|'), 'g')
}

// ASCII punctuation: what JSON (`\/`, `\"`), markdown and shells may put a backslash before.
const PUNCTUATION = /^[!-/:-@[-`{-~]$/

/** Every way one character may stand in echoed text. */
function charPattern(char: string): string {
  const ways = [regexLiteral(char), percentEncoded(char), jsonUnicodeEscaped(char)]
  if (PUNCTUATION.test(char)) ways.push(`\\\\${regexLiteral(char)}`)
  ways.push(...(SPECIAL_WAYS[char] ?? []))
  return `(?:${ways.join('|')})`
}

// Form encoding writes a space as `+` (and a decoded `+` reads as a space); JSON escapes line
// breaks and tabs by letter; a line break may come back as CRLF.
const SPECIAL_WAYS: Record<string, string[]> = {
  ' ': ['\\+'],
  '+': [' '],
  '\n': ['\\r\\n', '\\\\n', '\\\\r\\\\n'],
  '\r': ['\\\\r'],
  '\t': ['\\\\t']
}

function regexLiteral(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

/** `%2F` or `%2f`, byte by byte of its UTF-8. */
function percentEncoded(char: string): string {
  return [...new TextEncoder().encode(char)].map((byte) => `%${hexPattern(byte, 2)}`).join('')
}

/** `\u002F` or `\u002f`, code unit by code unit. */
function jsonUnicodeEscaped(char: string): string {
  const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i))
  return units.map((unit) => `\\\\u${hexPattern(unit, 4)}`).join('')
}

function hexPattern(value: number, digits: number): string {
  const hex = value.toString(16).padStart(digits, '0')
  return [...hex]
    .map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
    .join('')
}
