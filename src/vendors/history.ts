/**
 * Which of a target's earlier runs may predict this one's end. The memory rule: an earlier run
 * counts only when it agrees with this run on everything that sets runs apart and that the
 * vendor's list states (environment, browser, test count…); what the list does not state cannot
 * be checked, and the history says so, so that the poll schedule weighs it lower.
 */

/** What sets a run apart from another of the same target; undefined: unknown, or not stated. */
export type Traits = Readonly<Record<string, string | number | undefined>>

/** An earlier finished run as the vendor's list gives it. */
export interface PastRun {
  durationMs: number
  traits: Traits
}

/** The earlier runs that may predict this one's end, and what could not be checked. */
export interface History {
  /** Durations (ms) of the comparable runs, newest first. */
  durationsMs: number[]
  /** Finished runs the list gave that differ from this one in something it states. */
  leftOut: number
  /** Traits of this run that some kept run's list entry does not state: unverified. */
  unstated: string[]
}

export const NO_HISTORY: History = { durationsMs: [], leftOut: 0, unstated: [] }

/** Keeps the runs that agree with this one on every trait both state, newest first. */
export function comparableRuns(thisRun: Traits, past: readonly PastRun[]): History {
  const known = Object.entries(thisRun).filter(([, value]) => value !== undefined)
  const kept = past.filter(
    (run) =>
      run.durationMs > 0 &&
      known.every(
        ([trait, value]) => run.traits[trait] === undefined || run.traits[trait] === value
      )
  )
  const unstated = known
    .map(([trait]) => trait)
    .filter((trait) => kept.some((run) => run.traits[trait] === undefined))
  return {
    durationsMs: kept.map((run) => run.durationMs),
    leftOut: past.filter((run) => run.durationMs > 0).length - kept.length,
    unstated
  }
}

/** How many tests a run has, when it is known (a run not yet started may list none). */
export function testCountOf(counts: { total: number }): number | undefined {
  return counts.total > 0 ? counts.total : undefined
}
