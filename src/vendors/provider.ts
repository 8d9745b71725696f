import type { RunContext } from '../github/context.js'
import type { HttpClient } from '../http.js'
import type { OwnInputs, Settings } from '../inputs.js'
import type { Counts, Observation, RunStatus } from '../report/model.js'
import type { History } from './history.js'

/** Everything a provider needs to start a run: the parsed inputs and the GitHub context. */
export interface TriggerRequest {
  settings: Settings
  context: RunContext
  /** Set on a re-run of only the failed tests: the vendor runs these, and nothing else. */
  rerun?: RerunSelection
}

/** The failed tests of an earlier attempt, as the vendor's own selection takes them. */
export interface RerunSelection {
  /** The vendor's id of the earlier attempt's run (Empirical re-runs a run by its id). */
  previousRunId: string
  /** Each failed test's `rerunKey`, else its `id`; no duplicates, at least one. */
  keys: string[]
}

/** The log line of a re-run that runs every test after all; `reason` ends without a full stop. */
export function rerunFallbackLine(reason: string): string {
  return `rerun: failed, but running every test: ${reason}.`
}

/** A started run: plain JSON, saved for the post step, enough for observe() to find the run. */
export interface RunHandle {
  runId: string
  url?: string
  targetId?: string
  /** The run's state as the trigger's answer gave it. */
  status: RunStatus
  /** The run repeats only the re-run selection it was asked for (`TriggerRequest.rerun`). */
  rerun?: boolean
  /** Anything else the provider needs to observe the run. */
  extra?: Record<string, string>
}

export interface Provider {
  /** The name users write in `provider:`. */
  readonly name: string
  /** The vendor's name as users know it, for messages and headings. */
  readonly displayName: string
  /** The provider-specific inputs this vendor reads; others that are set get a warning. */
  /** The shared vendor-specific inputs it reads (target-id, url…); its own ones always apply. */
  readonly inputs: readonly string[]
  /**
   * What sets this run apart from another of the same target, from the vendor's own inputs (e.g.
   * Octomind's "FIREFOX/MOBILE"), or undefined when nothing does. Runs that differ in it get their
   * own PR comment and heading, even without a `name`.
   */
  variant?(settings: Settings): string | undefined
  /** Throws an InputError when the request lacks what this vendor needs. No I/O. */
  validate(request: TriggerRequest): void
  /**
   * Why this vendor cannot re-run just this selection (then every test runs, and the log says
   * why), or undefined when it can. No I/O. The pipeline asks before the trigger, so `trigger`
   * only gets selections this accepts; one the vendor then finds unusable (I/O), it runs without,
   * leaving `RunHandle.rerun` unset.
   */
  rerunProblem?(rerun: RerunSelection): string | undefined
  /** Starts a run. Never retried blindly: a second call starts a second run. */
  trigger(request: TriggerRequest): Promise<RunHandle>
  /**
   * One look at the run: the vendor's signal and its tests, mapped. Safe to repeat. The verdict is
   * not the provider's to decide: `judge()` in src/report/verdict.ts makes it from this.
   */
  observe(handle: RunHandle): Promise<Observation>
  /**
   * The target's recent finished runs that may predict this one's end, where the vendor lists
   * them: those that agree with this run on everything the list states (see comparableRuns).
   * Read once, after the first look found the run still going (`run`: what that look saw); any
   * error only means "no history".
   */
  history?(request: TriggerRequest, run: { counts: Counts }): Promise<History>
  /** Asks the vendor to stop the run, where the vendor has such a call. */
  cancel?(handle: RunHandle): Promise<CancelResult>
}

/** What a cancel request did: stopped the run, or found it already over. */
export type CancelResult = 'cancelled' | 'already-finished'

export interface ProviderDeps {
  settings: Settings
  /** Builds the vendor's HTTP client; the provider supplies base URL, auth headers and error reading. */
  http: (options: {
    vendor: string
    baseUrl: string
    headers: Record<string, string>
    describeError?: (body: unknown) => string | undefined
  }) => HttpClient
  log: (line: string) => void
  warn: (line: string) => void
}

/** How a provider reads its history: a nicety, so one try, briefly. */
export const HISTORY_READ = { retry: 'once', timeoutMs: 5_000 } as const

export type ProviderFactory = (deps: ProviderDeps) => Provider

/**
 * A vendor as the registry knows it: how to make its provider, and the inputs only it reads,
 * each a schema of the string the workflow wrote. Adding a vendor input touches its provider file,
 * action.yml and the README, nothing else.
 */
export interface ProviderModule {
  create: ProviderFactory
  ownInputs: OwnInputs
  /** Its tests carry a score (min-score, min-average-score apply); undeclared: no scores. */
  scores?: boolean
}

/**
 * A warning per unknown vendor status, once: the same unknown value on every poll says nothing new.
 * Unknown statuses are treated as still running until the deadline, never as a crash.
 */
export function unknownStatusReporter(
  vendor: string,
  warn: (line: string) => void
): (kind: string, value: string) => void {
  const seen = new Set<string>()
  return (kind, value) => {
    if (seen.has(`${kind}:${value}`)) return
    seen.add(`${kind}:${value}`)
    warn(`${vendor} returned an unknown ${kind} status "${value}"; treating it as still running.`)
  }
}

/**
 * The status table's entry for a vendor status. An unknown status (only the table's own keys
 * count, so "constructor" is unknown too) is reported and read as `stillRunning`: polling goes on
 * until the deadline rather than crashing or guessing a verdict.
 */
export function mapStatus<T>(
  table: Readonly<Record<string, T>>,
  value: string,
  stillRunning: NoInfer<T>,
  onUnknown: (value: string) => void
): T {
  const mapped = Object.hasOwn(table, value) ? table[value] : undefined
  if (mapped !== undefined) return mapped
  onUnknown(value)
  return stillRunning
}
