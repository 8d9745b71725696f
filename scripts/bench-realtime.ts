// The bundled action (dist/index.js) in real time against the Octomind and GitHub simulators:
// how long it takes from seeing the verdict to its exit, and four cases measured on the wall
// clock against the fixed 5 s loop of the vendor's own action (modelled without any overhead of
// its own: a look right after the trigger and every 5 s, then a 5 s sleep).
import { GitHubSimulator } from '../__tests__/simulators/github.js'
import {
  OctomindSimulator,
  octomindInputs,
  sampleTestCases,
  scriptedRun
} from '../__tests__/simulators/octomind.js'
import { runAction } from '../__tests__/simulators/runner.js'
import { peer } from './bench-polling.js'

const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const PR_EVENT = { pull_request: { number: 1, head: { sha: 'abc', ref: 'x' } } }
const IDS = { apiKey: 'k', targetId: TARGET, githubToken: 't' }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/**
 * From the look that saw the verdict to the step's exit, without Testmo: the PR comment looked
 * up and written, the summary, outputs and report file. Median of five runs; the first writes
 * the comment, the others edit it.
 */
export async function afterVerdictMs(runs = 5): Promise<number> {
  const cases = sampleTestCases(3)
  const octomind = new OctomindSimulator({
    apiKey: 'k',
    testCases: cases,
    script: scriptedRun(cases.map((c) => ({ testCaseId: c.id, status: 'PASSED' })))
  })
  const github = new GitHubSimulator('t')
  await Promise.all([octomind.start(), github.start()])
  const spans: number[] = []
  for (let i = 0; i < runs; i++) {
    const result = await runAction({
      eventName: 'pull_request',
      event: PR_EVENT,
      githubApiUrl: github.url,
      inputs: octomindInputs(octomind, IDS)
    })
    const exitAt = Date.now()
    if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.stdout}`)
    spans.push(exitAt - (octomind.requestsTo('report').at(-1)?.receivedAt ?? exitAt))
  }
  await Promise.all([octomind.close(), github.close()])
  return median(spans)
}

interface RealCase {
  name: string
  /** When the run finishes, ms after its execute; 1: before the first look. */
  finishMs: number
  /** Earlier runs, as multiples of this run's length. */
  history: number[]
}

interface RealOutcome {
  lateMs: number
  requests: number
  stepMs: number
}

const eight = (from: number, to: number): number[] =>
  Array.from({ length: 8 }, (_, i) => from + ((to - from) * i) / 7)

/** One run of the bundle in real time (no time scale), the run finishing `finishMs` after its execute. */
async function realRun(finishMs: number, history: number[]): Promise<RealOutcome> {
  const cases = sampleTestCases(3)
  const octomind = new OctomindSimulator({
    apiKey: 'k',
    testCases: cases,
    script: [],
    history: history.map((share) => ({
      durationMs: Math.round(finishMs * share),
      browser: 'CHROMIUM',
      breakpoint: 'DESKTOP',
      tests: cases.length
    })),
    timeline: {
      now: Date.now,
      stepAt: (elapsed) => {
        const status = elapsed >= finishMs ? 'PASSED' : 'WAITING'
        return { status, results: cases.map((c) => ({ testCaseId: c.id, status })) }
      }
    }
  })
  const github = new GitHubSimulator('t')
  await Promise.all([octomind.start(), github.start()])
  const startedAt = Date.now()
  const result = await runAction({
    eventName: 'pull_request',
    event: PR_EVENT,
    githubApiUrl: github.url,
    inputs: octomindInputs(octomind, IDS),
    env: { TESTGATE_POLL_SCALE: '1' }
  })
  const exitAt = Date.now()
  await Promise.all([octomind.close(), github.close()])
  if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.stdout}`)
  const triggeredAt = octomind.requestsTo('execute')[0]?.receivedAt ?? startedAt
  return {
    lateMs: exitAt - (triggeredAt + finishMs),
    requests: octomind.requests.length - 1,
    stepMs: exitAt - startedAt
  }
}

// Each case at four finish offsets over the 10 s period of the two loops, all at once.
const OFFSETS_MS = [0, 2_500, 5_000, 7_500]

const REAL_CASES: RealCase[] = [
  { name: 'already finished, no history', finishMs: 1, history: [] },
  { name: '12 s, no history', finishMs: 12_000, history: [] },
  { name: '45 s, history 20–40 % long', finishMs: 45_000, history: eight(1.2, 1.4) },
  { name: '45 s, history 20–40 % short', finishMs: 45_000, history: eight(0.6, 0.8) }
]

/** Each case at every offset, in real time; the already finished one alone, so its start is not slowed. */
async function measureCases(): Promise<
  { ours: RealOutcome; theirs: { lateMs: number; requests: number } }[][]
> {
  const measure = (c: RealCase) =>
    Promise.all(
      OFFSETS_MS.map(async (offset) => {
        const finishMs = c.finishMs === 1 ? 1 : c.finishMs + offset
        const ours = await realRun(finishMs, c.history)
        return { ours, theirs: peer(c.finishMs === 1 ? 0 : finishMs) }
      })
    )
  const [first, ...rest] = REAL_CASES
  const alone = []
  for (const offset of OFFSETS_MS.slice(0, first ? OFFSETS_MS.length : 0)) {
    alone.push({ ours: await realRun(1, []), theirs: peer(0), offset })
  }
  return [alone, ...(await Promise.all(rest.map(measure)))]
}

/** Prints the four cases' table; returns whether each is ahead on both (or at the limit). */
export async function benchRealtime(): Promise<boolean> {
  console.log('\n## Real time: the bundle against the simulators, four cases\n')
  console.log(
    'Each case at four finish offsets (0, 2.5, 5, 7.5 s later), the last three cases all at once on ' +
      'the wall clock, the already finished one four times alone. Lateness: finish → step exit ' +
      '(median; each run in brackets). Requests: after the trigger. Step: start to exit.\n'
  )
  console.log(
    '| case | testgate late (s) | fixed 5 s late (s) | testgate requests | fixed 5 s requests | testgate step (s) | ahead on both |'
  )
  console.log('|---|---|---|---|---|---|---|')
  let allAhead = true
  for (const [i, outcomes] of (await measureCases()).entries()) {
    const ourLate = median(outcomes.map((o) => o.ours.lateMs))
    const theirLate = median(outcomes.map((o) => o.theirs.lateMs))
    const ourReqs = median(outcomes.map((o) => o.ours.requests))
    const theirReqs = median(outcomes.map((o) => o.theirs.requests))
    // A run finished before the first look takes one look: no poller can do with fewer.
    const atLimit = ourReqs === 1 && theirReqs === 1
    const ahead = ourLate < theirLate && (ourReqs < theirReqs || atLimit)
    allAhead &&= ahead
    const each = outcomes.map((o) => (o.ours.lateMs / 1000).toFixed(1)).join(', ')
    const step = median(outcomes.map((o) => o.ours.stepMs)) / 1000
    console.log(
      `| ${REAL_CASES[i]?.name} | ${(ourLate / 1000).toFixed(1)} (${each}) | ${(theirLate / 1000).toFixed(1)} ` +
        `| ${ourReqs} | ${theirReqs} | ${step.toFixed(1)} ` +
        `| ${ahead ? (atLimit ? 'yes (one look each: the limit)' : 'yes') : 'NO'} |`
    )
  }
  return allAhead
}
