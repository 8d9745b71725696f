import { z } from 'zod'

/**
 * The schemas of the action's input fields, each reading the string the workflow wrote: texts,
 * choices, plain decimals, URLs, lists and variables. src/inputs.ts puts them together.
 */

/** The statuses a team can choose to fail on, named as the `status` output names them. */
export const FAIL_CLASSES = ['failed', 'errored', 'timed-out', 'cancelled', 'no-tests'] as const
export type FailClass = (typeof FAIL_CLASSES)[number]

/**
 * What `fail-on` may list: the statuses, and `new-failures`, which judges failed tests against the
 * base branch instead of failing on every one (in place of `failed`).
 */
export const FAIL_ON_ITEMS = [...FAIL_CLASSES, 'new-failures'] as const
export type FailOnItem = (typeof FAIL_ON_ITEMS)[number]

/**
 * The words `fail-on` takes alone; else it is a list of FAIL_ON_ITEMS. `new-failures` alone is
 * `failure` with failed tests judged against the base branch.
 */
export const FAIL_ON = ['failure', 'never', 'new-failures'] as const

export const optionalText = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))

export function requiredText(what: string) {
  return z
    .string()
    .transform((value) => value.trim())
    .refine((value) => value !== '', `is required: ${what}`)
}

export function choice<const T extends readonly string[]>(
  values: T,
  caseOf: (s: string) => string
) {
  return z
    .string()
    .transform((value) => caseOf(value.trim()))
    .pipe(z.enum(values, { error: `expected one of ${values.join(', ')}` }))
}

export function optionalChoice<const T extends readonly string[]>(values: T) {
  return optionalText
    .transform((value) => value?.toUpperCase())
    .pipe(z.enum(values, { error: `expected one of ${values.join(', ')}` }).optional())
}

// The YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them.
export const booleanText = z
  .string()
  .transform((value) => value.trim())
  .pipe(
    z
      .enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'], {
        error: 'expected true or false'
      })
      .transform((value) => value.toLowerCase() === 'true')
  )

/** A plain decimal (`5`, `1.5`): not hex, not exponent notation, not blank. */
export function decimal(unit: string, min: { value: number; inclusive: boolean }, max: number) {
  const floor = min.inclusive ? `at least ${min.value}` : `greater than ${min.value}`
  return z
    .string()
    .transform((value) => value.trim())
    .refine(
      (value) => /^\d+(\.\d+)?$/.test(value),
      `expected a plain number of ${unit}, e.g. 5 or 1.5`
    )
    .transform(Number)
    .pipe(
      z
        .number()
        .refine(
          (n) => (min.inclusive ? n >= min.value : n > min.value),
          `expected ${floor} ${unit}`
        )
        .refine((n) => n <= max, `expected at most ${max} ${unit}`)
    )
}

/** An optional plain decimal from 0 to `max`; blank when unset. */
export function optionalDecimal(unit: string, max: number) {
  const number = decimal(unit, { value: 0, inclusive: true }, max)
  return z.string().transform((value, ctx) => {
    if (value.trim() === '') return undefined
    const parsed = number.safeParse(value)
    if (parsed.success) return parsed.data
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message })
    return z.NEVER
  })
}

/**
 * A percent. A rate between 0 and 1 is a fraction written where a percent belongs (0.9 for 90 %):
 * taken as written it would pass almost any run, so it is refused with the percent it meant.
 */
export const passRate = optionalDecimal('percent', 100).refine(
  (value) => value === undefined || value === 0 || value >= 1,
  { error: (issue) => fractionMessage(issue.input as number) }
)

function fractionMessage(value: number): string {
  const percent = Math.round(value * 10_000) / 100
  return `expected a percent from 0 to 100: ${value} would be ${value} %; for ${percent} % write ${percent}`
}

/**
 * `failure`, `never`, `new-failures`, or a comma- or newline-separated list of statuses (and
 * `new-failures`), each one checked.
 */
export const failOn = z.string().transform((text, ctx) => {
  const word = text.trim().toLowerCase()
  if ((FAIL_ON as readonly string[]).includes(word)) return word as (typeof FAIL_ON)[number]
  const items = parseList(word)
  const unknown = items.filter((item) => !(FAIL_ON_ITEMS as readonly string[]).includes(item))
  if (items.length === 0 || unknown.length > 0) {
    const named =
      unknown.length > 0 ? `unknown ${unknown.map((item) => `"${item}"`).join(', ')}; ` : ''
    ctx.addIssue({
      code: 'custom',
      message: `${named}expected failure, never, new-failures, or a list of ${FAIL_ON_ITEMS.join(', ')}`
    })
    return z.NEVER
  }
  // Both would fail the step on every failed test and on new ones only: a contradiction.
  if (items.includes('failed') && items.includes('new-failures')) {
    ctx.addIssue({
      code: 'custom',
      message:
        'lists both failed and new-failures: failed fails on every failed test, new-failures only on those new against the base branch; keep one'
    })
    return z.NEVER
  }
  return items as FailOnItem[]
})

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/

/** https anywhere; plain http only on this machine (simulators, tunnels). */
export function isAllowedApiUrl(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  return (
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname))
  )
}

export const apiUrl = optionalText.refine(
  (value) => value === undefined || isAllowedApiUrl(value),
  'expected an https URL (http only on localhost), without credentials in it'
)

export const testmoUrl = apiUrl.transform((value) =>
  value === undefined ? undefined : new URL(value).origin
)

export const projectId = optionalText
  .refine(
    (value) => value === undefined || /^[1-9]\d*$/.test(value),
    'expected a project id (a positive whole number)'
  )
  .transform((value) => (value === undefined ? undefined : Number(value)))

// Testmo's CLI accepts these shapes; the API may reject others.
export const testmoSource = optionalText.refine(
  (value) => value === undefined || /^[a-zA-Z][a-zA-Z0-9-]+$/.test(value),
  'expected a short name of letters, digits and dashes, starting with a letter (e.g. e2e-octomind)'
)
export const testmoTags = z
  .string()
  .transform((text) => parseList(text))
  .refine(
    (tags) => tags.every((tag) => /^[\w-]+$/.test(tag)),
    'expected tags of letters, digits, _ and -'
  )

export const urlUnderTest = optionalText.refine((value) => {
  if (value === undefined) return true
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}, 'expected an http(s) URL')

export const variables = z.string().transform((text, ctx) => {
  try {
    return parseVariables(text)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
    return z.NEVER
  }
})

// A leg's name goes into headings, the comment marker, the Testmo run name and a file name.
const MAX_NAME_CHARS = 100
export const runName = optionalText
  .refine(
    (value) => value === undefined || !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value),
    'expected printable text on one line (no control or formatting characters)'
  )
  .refine(
    (value) => value === undefined || [...value].length <= MAX_NAME_CHARS,
    `expected at most ${MAX_NAME_CHARS} characters`
  )

const scalar = z.union([z.string(), z.number(), z.boolean()])

// comma- or newline-separated lists: tags, test ids
export const tags = z.string().transform((text) => parseList(text))

/** Comma- or newline-separated values, trimmed, without blanks or repeats. */
export function parseList(text: string): string[] {
  const items = text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return [...new Set(items)]
}

/**
 * `KEY=value` or `KEY: value` per line (the vendors' own actions use the colon form), or a JSON
 * object. A repeated key collects its values in order. Blank lines and `#` comments are skipped.
 */
export function parseVariables(text: string): Record<string, string[]> {
  const trimmed = text.trim()
  const result: Record<string, string[]> = {}
  const add = (key: string, value: string): void => {
    ;(result[key] ??= []).push(value)
  }
  if (trimmed === '') return result
  if (trimmed.startsWith('{')) {
    let json: unknown
    try {
      json = JSON.parse(trimmed)
    } catch {
      throw new Error(
        'expected KEY=value lines or a JSON object, but the JSON object does not parse'
      )
    }
    const object = z.record(z.string(), z.union([scalar, z.array(scalar)])).safeParse(json)
    if (!object.success) {
      throw new Error(
        'expected a JSON object whose values are strings, numbers, booleans or lists of them'
      )
    }
    for (const [key, value] of Object.entries(object.data)) {
      for (const item of Array.isArray(value) ? value : [value]) add(key, String(item))
    }
    return result
  }
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.trim()
    if (content === '' || content.startsWith('#')) return
    const separator = content.search(/[=:]/)
    const key = separator > 0 ? content.slice(0, separator).trim() : ''
    if (key === '' || /\s/.test(key)) {
      throw new Error(`line ${index + 1}: expected KEY=value or KEY: value`)
    }
    add(key, content.slice(separator + 1).trim())
  })
  return result
}
