// testgate's real poll loop (waitForReport) and real Octomind provider, talking over loopback HTTP
// to the Octomind simulator whose report is a function of a simulated clock, against a model of
// the official action's fixed 5 s loop (a look right after the trigger and every 5 s, then a 5 s
// sleep after the verdict). Lateness: from the vendor's finish to the step's exit, testgate's
// measured time from the verdict to the exit included.
import { parseInputs } from '../src/core/inputs.js'
import { createProvider, vendorCatalog } from '../src/vendors/index.js'
import { waitForReport } from '../src/wait/wait.js'
import {
  OctomindSimulator,
  sampleTestCases,
  type OctomindStep,
  type PastReport
} from '../__tests__/simulators/octomind.js'

const LENGTHS_S = [12, 45, 150, 600, 1800]
// Finish offsets spread over 10 s (the common period of the peer's 5 s grid and testgate's 10 s
// idle looks), so no run length is judged at one lucky or unlucky phase.
const PHASES = 24
const PHASE_SPAN_MS = 10_000
const PEER_INTERVAL_MS = 5_000
const HISTORY_RUNS = 8
const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const EPOCH = Date.parse('2026-06-01T12:00:00.000Z')

type Kind = 'waiting' | 'progressive'

/**
 * The target's earlier runs, as multiples of this run's length. Each one looks comparable (same
 * browser, breakpoint and test count), so nothing can filter out the misleading ones: a run that
 * fails early, an environment that is slower, a selection the list cannot tell apart.
 */
const HISTORIES: Record<string, (rnd: () => number) => number[]> = {
  none: () => [],
  kind: (rnd) => spread(rnd, 0.85, 1.15),
  '20–40 % short': (rnd) => spread(rnd, 0.6, 0.8),
  'one run, 30 % short': () => [0.7],
  '20–40 % long': (rnd) => spread(rnd, 1.2, 1.4),
  'high variance': (rnd) => spread(rnd, 0.5, 1.6)
}

function spread(rnd: () => number, lo: number, hi: number): number[] {
  return Array.from({ length: HISTORY_RUNS }, () => lo + (hi - lo) * rnd())
}

interface Case {
  finishMs: number
  /** When each test finishes, ms after the trigger; the last at finishMs. */
  testEnds: number[]
}

interface Outcome {
  lateMs: number
  requests: number
}

/** A small seeded generator, so every run of the bench prints the same table. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function testCount(lengthS: number): number {
  return Math.min(40, Math.max(3, Math.round(lengthS / 45)))
}

/** Waiting: every test ends with the run. Progressive: one by one, unevenly, the last at the end. */
function makeCase(kind: Kind, finishMs: number, tests: number, rnd: () => number): Case {
  const testEnds = Array.from({ length: tests }, (_, i) =>
    kind === 'waiting' || i === tests - 1 ? finishMs : (finishMs * (i + 0.25 + rnd() / 2)) / tests
  )
  return { finishMs, testEnds }
}

function stepAt(run: Case, cases: { id: string }[], elapsedMs: number): OctomindStep {
  const results = cases.map((c, i) => ({
    testCaseId: c.id,
    status: elapsedMs >= (run.testEnds[i] ?? 0) ? 'PASSED' : 'WAITING'
  }))
  return { status: elapsedMs >= run.finishMs ? 'PASSED' : 'WAITING', results }
}

/** The fixed 5 s loop: looks at 0, 5, 10 s…, then sleeps 5 s after the look that saw the end. */
export function peer(finishMs: number): Outcome {
  const looks = Math.ceil(finishMs / PEER_INTERVAL_MS) + 1
  const seenAt = (looks - 1) * PEER_INTERVAL_MS
  return { lateMs: seenAt + PEER_INTERVAL_MS - finishMs, requests: looks }
}

/** testgate, on the simulated clock: trigger, history, poll loop, as the action runs them. */
async function testgate(
  sim: OctomindSimulator,
  clock: { ms: number },
  run: Case
): Promise<Outcome> {
  const inputs: Record<string, string> = {
    provider: 'octomind',
    'api-key': 'k',
    'api-url': sim.url,
    'target-id': TARGET,
    url: 'https://preview.shop.example'
  }
  const settings = parseInputs((name) => inputs[name] ?? '', vendorCatalog())
  const quiet = () => {}
  const provider = createProvider(settings, {
    log: quiet,
    warn: quiet,
    client: { deadline: Date.now() + 600_000 }
  })
  const request = {
    settings,
    context: { eventName: 'push', owner: 'a', repo: 'b', sha: 'c', ref: 'main', serverUrl: '' }
  }
  clock.ms = EPOCH
  const before = sim.requests.length
  const handle = await provider.trigger(request)
  const report = await waitForReport(provider, handle, request, EPOCH + 7_200_000, {
    now: () => clock.ms,
    sleep: async (ms) => {
      clock.ms += ms
    }
  })
  if (report.status !== 'passed') throw new Error(`bench run ended ${report.status}`)
  // The trigger is one request for both; the looks and the history read are testgate's own.
  return { lateMs: clock.ms - EPOCH - run.finishMs, requests: sim.requests.length - before - 1 }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

interface Cell {
  lengthS: number
  kind: Kind
  history: string
  ours: Outcome[]
  theirs: Outcome[]
}

async function measureCell(lengthS: number, kind: Kind, history: string): Promise<Cell> {
  const historyIndex = Object.keys(HISTORIES).indexOf(history)
  const rnd = random(lengthS * 7 + (kind === 'waiting' ? 1 : 2) + historyIndex * 10)
  const cases = sampleTestCases(testCount(lengthS))
  const clock = { ms: EPOCH }
  let run: Case = { finishMs: 0, testEnds: [] }
  const sim = new OctomindSimulator({
    apiKey: 'k',
    testCases: cases,
    script: [],
    timeline: { now: () => clock.ms, stepAt: (elapsed) => stepAt(run, cases, elapsed) }
  })
  await sim.start()
  const cell: Cell = { lengthS, kind, history, ours: [], theirs: [] }
  for (let phase = 0; phase < PHASES; phase++) {
    const finishMs = lengthS * 1000 + (phase * PHASE_SPAN_MS) / PHASES
    run = makeCase(kind, finishMs, cases.length, rnd)
    sim.options.history = (HISTORIES[history]?.(rnd) ?? []).map((share): PastReport => ({
      durationMs: Math.round(finishMs * share),
      browser: 'CHROMIUM',
      breakpoint: 'DESKTOP',
      tests: cases.length
    }))
    cell.ours.push(await testgate(sim, clock, run))
    cell.theirs.push(peer(finishMs))
  }
  await sim.close()
  return cell
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1)

function row(cell: Cell, afterVerdictMs: number): { line: string; ahead: boolean } {
  const late = (o: Outcome[], q: number) =>
    quantile(
      o.map((x) => x.lateMs),
      q
    )
  const reqs = (o: Outcome[]) =>
    quantile(
      o.map((x) => x.requests),
      0.5
    )
  const [ourLate, theirLate] = [late(cell.ours, 0.5) + afterVerdictMs, late(cell.theirs, 0.5)]
  const [ourReqs, theirReqs] = [reqs(cell.ours), reqs(cell.theirs)]
  const ahead = ourLate < theirLate && ourReqs < theirReqs
  const length = cell.lengthS >= 600 ? `${cell.lengthS / 60} min` : `${cell.lengthS} s`
  const line =
    `| ${length} | ${cell.kind} | ${cell.history} ` +
    `| ${seconds(ourLate)} / ${seconds(late(cell.ours, 0.9) + afterVerdictMs)} ` +
    `| ${seconds(theirLate)} / ${seconds(late(cell.theirs, 0.9))} ` +
    `| ${ourReqs} | ${theirReqs} ` +
    `| ${(ourLate / theirLate).toFixed(2)} | ${(ourReqs / theirReqs).toFixed(2)} ` +
    `| ${ahead ? 'yes' : 'NO'} |`
  return { line, ahead }
}

/**
 * Prints the table; returns whether every cell is ahead on both measures. `afterVerdictMs` is
 * testgate's measured time from seeing the verdict to the step's exit, added to its lateness.
 */
export async function benchPolling(afterVerdictMs: number): Promise<boolean> {
  console.log(
    `## Polling: testgate against the fixed 5 s loop (simulated clock, ${PHASES} finish offsets over 10 s per cell)\n`
  )
  console.log(
    'Lateness: vendor finish → step exit, median / p90 (testgate: its loop on the simulated clock ' +
      `plus ${afterVerdictMs.toFixed(0)} ms measured from the verdict to the exit; the fixed loop: ` +
      'its 5 s sleep). Requests: median, after the trigger, history read included. History: the ' +
      `target's earlier runs as the vendor lists them (${HISTORY_RUNS} unless one), all looking comparable.\n`
  )
  console.log(
    '| run | tests finish | history | testgate late (s) | fixed 5 s late (s) | testgate requests | fixed 5 s requests | late ratio | request ratio | ahead on both |'
  )
  console.log('|---|---|---|---|---|---|---|---|---|---|')
  let allAhead = true
  for (const lengthS of LENGTHS_S) {
    for (const kind of ['waiting', 'progressive'] as const) {
      for (const history of Object.keys(HISTORIES)) {
        const { line, ahead } = row(await measureCell(lengthS, kind, history), afterVerdictMs)
        allAhead &&= ahead
        console.log(line)
      }
    }
  }
  return allAhead
}
