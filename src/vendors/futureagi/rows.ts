import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Call } from './api.js'

/**
 * Which dataset row a call ran, the same on every run. A dataset scenario places one call per row,
 * all at once, so the order they start in says nothing of which row is which. Each call carries
 * its row's values [server: CallExecutionDetailSerializer.get_scenario_columns, keyed by column
 * name, each `{value, visible, dataset_column_id, dataset_id, column_name, data_type}`; `{}` for a
 * call without a row]: a row is known by those values, so an edited row is another test.
 */

const columnSchema = z.object({ value: z.unknown() }).loose()

export interface Row {
  /** A digest of the row's values, the same on every run. */
  key: string
  /** A few words of the row for a reader: its first text value, shortened. */
  label?: string
}

const KEY_CHARS = 12
const LABEL_CHARS = 40

/** The call's row, or undefined where the answer names none. */
export function rowOf(call: Call): Row | undefined {
  const values = columnValues(call.scenario_columns)
  if (values.length === 0) return undefined
  const key = createHash('sha256')
    .update(canonical(Object.fromEntries(values)))
    .digest('base64url')
  return { key: key.slice(0, KEY_CHARS), label: labelOf(values) }
}

function columnValues(columns: unknown): [string, unknown][] {
  if (!columns || typeof columns !== 'object') return []
  return Object.entries(columns).flatMap(([name, column]) => {
    const parsed = columnSchema.safeParse(column)
    return parsed.success ? [[name, parsed.data.value] as [string, unknown]] : []
  })
}

/** JSON with every object's keys sorted: the same values give the same text, in any order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

function labelOf(values: readonly [string, unknown][]): string | undefined {
  const text = values
    .map(([, value]) => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : ''))
    .find((value) => value.length > 0)
  if (!text) return undefined
  return text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text
}
