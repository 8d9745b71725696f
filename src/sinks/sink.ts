import type { GitHubClient } from '../github/api.js'
import type { RunContext } from '../github/context.js'
import type { Settings } from '../core/inputs.js'
import type { Leg } from '../report/leg.js'
import type { RenderContext } from '../report/markdown.js'
import type { Link, RunReport } from '../report/model.js'
import type { CommentIdentity } from '../github/identity.js'
import type { PreviousRun } from '../github/previous.js'

/** What every sink is given: the report (already redacted of secrets) and where it came from. */
export interface SinkInput {
  report: RunReport
  settings: Settings
  context: RunContext
  /** What the summary and the comment show besides the report; sinks add nothing to it. */
  render: RenderContext
  vendor: { name: string; displayName: string }
  /** Which leg of the job this run is: its comment, heading and Testmo run are its own. */
  leg: Leg
  github?: GitHubClient
  /** Epoch ms: the step's deadline for the vendor; sinks that talk to a server get a grace. */
  deadline: number
  /** The path of the normalized report JSON, decided before anything is rendered. */
  reportPath: string
  /**
   * Who this step is in its PR comment (marker, an older testgate's marker, configuration id), and
   * the last run as the comment recorded it (if it was read).
   */
  comment: CommentIdentity & { previous?: PreviousRun }
  /** What the sinks before this one produced, in order. */
  earlier: readonly SinkResult[]
}

/** What a sink produced, as a value the later sinks and the decision can read. */
export interface SinkResult {
  sink: string
  /** Places a reader can follow (a Testmo run…): the summary and the comment link them. */
  links: Link[]
  /** Files written. */
  paths: string[]
  /** Why the sink did nothing, when it did nothing. */
  skipped?: string
  /** The error that stopped the sink; the others went on. */
  error?: string
}

export interface Sink {
  /** As it is named in messages: "the JUnit file could not be written". */
  readonly name: string
  write(input: SinkInput): Promise<Omit<SinkResult, 'sink'>>
}

export function done(paths: string[] = [], links: Link[] = []): Omit<SinkResult, 'sink'> {
  return { paths, links }
}

export function skipped(reason: string): Omit<SinkResult, 'sink'> {
  return { paths: [], links: [], skipped: reason }
}
