import { z } from 'zod'
import { type Link, type TestResult } from '../../report/model.js'
import { mapStatus } from '../provider.js'
import { CALL_STATUS, Call } from './api.js'
import { rowOf, type Row } from './rows.js'
import { callScore, type CallScore } from './score.js'

/**
 * Future AGI calls, mapped to the normalized model: each call a test keyed by its scenario, its
 * evals judged, its score, transcript and recording.
 */

interface EvalVerdict {
  name: string
  outcome: 'passed' | 'failed' | 'errored' | 'not judged'
  text: string
}

// Pass/Fail evals answer "Passed" or "Failed" [server tests: output_type "Pass/Fail"].
const FAILING_VALUES = new Set(['failed', 'fail'])

const evalOutputSchema = z
  .object({
    value: z.unknown(),
    reason: z.string().nullish(),
    type: z.string().nullish(),
    name: z.string().nullish(),
    error: z.boolean().nullish(),
    status: z.string().nullish(),
    skipped: z.boolean().nullish()
  })
  .loose()

/**
 * A call's evals [server: CallExecutionDetailSerializer.get_eval_outputs, keyed by eval config id:
 * {value, reason, type, name, error, status, skipped}]. A Pass/Fail eval that failed fails the
 * call; an eval that errored leaves it unjudged (errored). The call's overall_score is not judged
 * here: the verdict policy (min-score, min-average-score) judges it, as it judges any vendor's.
 */
export function evalVerdicts(outputs: Record<string, unknown> | null | undefined): EvalVerdict[] {
  return Object.entries(outputs ?? {}).flatMap(([id, raw]) => {
    const parsed = evalOutputSchema.safeParse(raw)
    if (!parsed.success || Object.keys(parsed.data).length === 0) return []
    const output = parsed.data
    const value = typeof output.value === 'string' ? output.value : JSON.stringify(output.value)
    const outcome: EvalVerdict['outcome'] = output.skipped
      ? 'not judged'
      : output.error || output.status === 'error'
        ? 'errored'
        : FAILING_VALUES.has(String(output.value).trim().toLowerCase()) || output.value === false
          ? 'failed'
          : output.type === 'Pass/Fail'
            ? 'passed'
            : 'not judged'
    const text = [value === undefined ? undefined : `${value}`, output.reason || undefined]
    return [{ name: output.name || id, outcome, text: text.filter(Boolean).join(' · ') }]
  })
}

function transcriptText(transcript: unknown): string | undefined {
  if (typeof transcript === 'string') return transcript
  if (!Array.isArray(transcript)) return undefined
  return transcript
    .map((turn) => {
      if (!turn || typeof turn !== 'object') return String(turn)
      const record = turn as Record<string, unknown>
      const who = record.speaker_role ?? record.role ?? ''
      const said = record.content ?? record.text ?? ''
      return `${String(who)}: ${String(said)}`
    })
    .join('\n')
}

const EVAL_MARK: Record<EvalVerdict['outcome'], string> = {
  passed: '✓',
  failed: '✗',
  errored: '!',
  'not judged': '·'
}

export function mapCall(
  call: Call,
  identity: { id: string; rerunKey?: string; name: string },
  onUnknownStatus: (value: string) => void
): TestResult {
  let status = mapStatus(CALL_STATUS, call.status.toLowerCase(), 'running', () =>
    onUnknownStatus(call.status)
  )
  const evals = evalVerdicts(call.eval_outputs)
  if (status === 'passed' && evals.some((e) => e.outcome === 'failed')) status = 'failed'
  else if (status === 'passed' && evals.some((e) => e.outcome === 'errored')) status = 'errored'
  const links: Link[] = []
  if (call.audio_url && /^https?:\/\//.test(call.audio_url))
    links.push({ label: 'recording', url: call.audio_url, kind: 'artifact' })
  const scored = callScore(call)
  const test: TestResult = { ...identity, status, links, ...scored }
  if (typeof call.duration === 'number') test.durationMs = Math.round(call.duration * 1000)
  if (status === 'failed' || status === 'errored') test.error = failureText(call, evals, scored)
  return test
}

function failureText(call: Call, evals: EvalVerdict[], scored: CallScore): string {
  const lines: string[] = []
  const failed = evals.filter((e) => e.outcome === 'failed' || e.outcome === 'errored')
  if (failed.length > 0) lines.push(`Failed evals: ${failed.map((e) => e.name).join(', ')}`)
  if (call.status.toLowerCase() === 'failed')
    lines.push(`The call failed${call.ended_reason ? `: ${call.ended_reason}` : ''}`)
  if (scored.score !== undefined) lines.push(`Overall score: ${scored.score}`)
  else if (scored.scoreNote) lines.push(`Overall score: ${scored.scoreNote}`)
  for (const verdict of evals)
    lines.push(`${EVAL_MARK[verdict.outcome]} ${verdict.name}: ${verdict.text}`)
  const transcript = transcriptText(call.transcript)
  if (transcript) lines.push('', 'Transcript (end):', transcript.slice(-1500))
  return lines.join('\n')
}

/**
 * A call is a test. Its identity is its scenario, the same on every run (a call id is new each
 * time). A scenario with several calls (a dataset scenario, one call per row) tells them apart by
 * row (see ./rows.ts); calls whose answer names no row are numbered in the order they started,
 * which is all there is to go by (inferred: their order may differ from run to run).
 */
export function callIdentities(calls: readonly Call[]): CallIdentity[] {
  const byScenario = new Map<string, Call[]>()
  for (const call of calls) {
    const group = byScenario.get(scenarioKey(call))
    if (group) group.push(call)
    else byScenario.set(scenarioKey(call), [call])
  }
  const identities = new Map<Call, CallIdentity>()
  for (const [scenario, group] of byScenario)
    for (const [call, identity] of scenarioIdentities(scenario, group))
      identities.set(call, identity)
  return calls.map((call) => identities.get(call) as CallIdentity)
}

type CallIdentity = { id: string; rerunKey?: string; name: string }

const scenarioKey = (call: Call): string => call.scenario_id || call.scenario || call.id

/**
 * The identities of one scenario's calls, worked out once per scenario: a dataset of thousands of
 * rows is read on every look while the run goes on.
 */
function scenarioIdentities(scenario: string, group: readonly Call[]): [Call, CallIdentity][] {
  const name = (call: Call): string => call.scenario || `call ${call.id}`
  if (group.length < 2) return group.map((call) => [call, { id: scenario, name: name(call) }])
  const rows = new Map(group.map((call) => [call, rowOf(call)]))
  const twins = twinsByKey(group, rows)
  const labels = keysByLabel(rows)
  const unrowed = new Map(
    inStartOrder(group.filter((call) => !rows.get(call))).map((call, i) => [call, i + 1])
  )
  return group.map((call) => {
    const row = rows.get(call)
    const identity = row
      ? byRow(call, row, { scenario, name: name(call), twins, labels })
      : byStart(call, { scenario, name: name(call), unrowed })
    // A call of a scenario with several is re-run by its scenario: `scenario_ids` takes its UUID.
    return [call, call.scenario_id ? { ...identity, rerunKey: call.scenario_id } : identity]
  })
}

/** The calls of each row, in the order they started: twins (rows of the same values) share one. */
function twinsByKey(group: readonly Call[], rows: ReadonlyMap<Call, Row | undefined>) {
  const twins = new Map<string, Call[]>()
  for (const call of inStartOrder(group)) {
    const key = rows.get(call)?.key
    if (key === undefined) continue
    const alike = twins.get(key)
    if (alike) alike.push(call)
    else twins.set(key, [call])
  }
  return twins
}

/** The rows each label names: a label two rows share names neither. */
function keysByLabel(rows: ReadonlyMap<Call, Row | undefined>): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>()
  for (const row of rows.values())
    if (row?.label) labels.set(row.label, (labels.get(row.label) ?? new Set()).add(row.key))
  return labels
}

/** Named by its row; twins numbered among themselves. */
function byRow(
  call: Call,
  row: Row,
  within: {
    scenario: string
    name: string
    twins: Map<string, Call[]>
    labels: Map<string, Set<string>>
  }
): CallIdentity {
  const { scenario, name, twins, labels } = within
  const alike = twins.get(row.key) ?? [call]
  const labelTaken = row.label !== undefined && (labels.get(row.label)?.size ?? 0) > 1
  const label = row.label && !labelTaken ? row.label : `row ${row.key.slice(0, 6)}`
  if (alike.length < 2) return { id: `${scenario}#${row.key}`, name: `${name} (${label})` }
  const n = alike.indexOf(call) + 1
  return { id: `${scenario}#${row.key}.${n}`, name: `${name} (${label}, ${n})` }
}

/** Numbered by start among the scenario's calls that name no row. */
function byStart(
  call: Call,
  { scenario, name, unrowed }: { scenario: string; name: string; unrowed: Map<Call, number> }
): CallIdentity {
  const n = unrowed.get(call) ?? 1
  return { id: `${scenario}#${n}`, name: `${name} (call ${n})` }
}

function inStartOrder(calls: readonly Call[]): Call[] {
  return [...calls].sort(
    (a, b) => (a.start_time ?? '').localeCompare(b.start_time ?? '') || a.id.localeCompare(b.id)
  )
}

/** inferred: the execution's answer has no times of its own; its calls' first start and last update stand in. */
export function callTimes(
  calls: readonly Call[],
  final: boolean
): { startedAt?: string; finishedAt?: string } {
  const starts = calls.flatMap((call) => (call.start_time ? [call.start_time] : [])).sort()
  const ends = calls.flatMap((call) => (call.timestamp ? [call.timestamp] : [])).sort()
  return { startedAt: starts[0], finishedAt: final ? ends[ends.length - 1] : undefined }
}
