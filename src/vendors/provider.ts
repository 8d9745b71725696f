import type { RunContext } from '../github/context.js'
import type { HttpClient } from '../core/http.js'
import type { OwnInputs, Settings } from '../core/inputs.js'
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

/**
 * A started vendor as the pipeline uses it: the operations of its provider, with who it is and
 * what it can do, as its module declares them (see VendorModule).
 */
export interface Provider extends Required<VendorOperations> {
  /** The name users write in `provider:`. */
  readonly name: string
  /** The vendor's name as users know it, for messages and headings. */
  readonly displayName: string
  /** The shared vendor-specific inputs it reads (target-id, url…); its own ones always apply. */
  readonly inputs: readonly string[]
  readonly capabilities: VendorCapabilities
  readonly facts: VendorFacts
}

/** What a vendor's provider does: the calls to the vendor, and the checks before them. */
export interface VendorOperations {
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

export type ProviderFactory = (deps: ProviderDeps) => VendorOperations

/**
 * What a vendor can do. What a module leaves undeclared it cannot: the truthful default, so that
 * a re-run it cannot narrow runs everything and says so, a score rule is refused, and nothing
 * waits for a cancel or a history that does not exist.
 */
export interface VendorCapabilities {
  /**
   * How it re-runs an earlier attempt's failed tests: `tests`, by a selection of tests it is given
   * (their `rerunKey`s); `run`, by naming the earlier run, whose failures it picks itself; `none`.
   */
  rerun: 'tests' | 'run' | 'none'
  /** It has a call that stops a run (the post step asks it when the job is cancelled). */
  cancel: boolean
  /** It lists a target's recent runs, from which the poll schedule predicts this one's end. */
  history: boolean
  /** Its tests carry a score (min-score and min-average-score apply). */
  scores: boolean
  /** It tests a URL: `url`, else the deployment's, is sent, and required where neither is known. */
  testsUrl: boolean
}

/**
 * What the docs say of a vendor: the README's and SECURITY.md's vendor tables are made from these
 * (`npm run docs`), so a fact is written once, beside the code it describes.
 */
export interface VendorFacts {
  /** The API's address unless `api-url` is set. */
  apiUrl: string
  /** How each credential is sent, e.g. "`x-api-key: <api-key>`". */
  credentials: string
  /** Where in the vendor's app the key (and secret) are found, and the secret names we suggest. */
  key: { from: string; secrets: readonly string[] }
  /** The inputs a first run needs besides `provider` and `api-key`, as the README says them. */
  firstRun: string
  /** What `target-id` names and where it is found; undefined: the vendor takes no target. */
  target?: { names: string; from: string }
  /** What the trigger sends the vendor (besides the credentials). */
  sends: string
  /** What a re-run of the failed tests sends instead; only for a vendor that re-runs a selection. */
  rerunSends?: string
  /** Where these facts come from: server code, OpenAPI file, client, doc page (and when read). */
  sources: string
}

/**
 * A vendor, described by itself: who it is, the inputs it reads (the shared ones it uses and its
 * own, each a schema of the string the workflow wrote), what it can do, what the docs say of it,
 * and how to make its provider. Adding a vendor is its module, its test kit and one line in the
 * registry (src/vendors/index.ts).
 */
export interface VendorModule {
  readonly name: string
  readonly displayName: string
  readonly inputs: readonly string[]
  readonly ownInputs: OwnInputs
  readonly capabilities: VendorCapabilities
  readonly facts: VendorFacts
  readonly create: ProviderFactory
}

const NO_CAPABILITIES: VendorCapabilities = {
  rerun: 'none',
  cancel: false,
  history: false,
  scores: false,
  testsUrl: false
}

/** A vendor module, every capability it does not declare taken as absent. */
export function defineVendor(
  module: Omit<VendorModule, 'capabilities'> & { capabilities?: Partial<VendorCapabilities> }
): VendorModule {
  return { ...module, capabilities: { ...NO_CAPABILITIES, ...module.capabilities } }
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

/**
 * Whether a vendor's own count of a run shows more failed or unfinished tests than its list of
 * tests does: then the verdict follows its count, never more lenient than the vendor. A run that
 * lists no test yet is counted by the vendor's numbers alone.
 */
export function ownCountIsStricter(listed: Counts, own: Counts): boolean {
  if (listed.total === 0) return true
  const failures = (counts: Counts): number => counts.failed + counts.errored
  return failures(own) > failures(listed) || own.pending > listed.pending
}
