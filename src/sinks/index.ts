import { log } from '../core/log.js'
import { checkRunSink } from './check-run.js'
import { commentSink } from './comment.js'
import { junitSink } from './junit.js'
import { reportFileSink } from './report-file.js'
import type { Sink, SinkInput, SinkResult } from './sink.js'
import { stepOutputsSink } from './step-outputs.js'
import { summarySink } from './summary.js'
import { testmoSink } from './testmo.js'

/**
 * Where a report goes, in order. The report file is first, so the data is on disk whatever fails
 * later; Testmo and the check run come before the summary and the comment, which link to them.
 */
export const SINKS: readonly Sink[] = [
  reportFileSink,
  stepOutputsSink,
  junitSink,
  testmoSink,
  checkRunSink,
  summarySink,
  commentSink
]

/** Runs every sink in order; one that fails is recorded and the others still run. */
export async function publishAll(
  input: Omit<SinkInput, 'earlier'>,
  sinks: readonly Sink[] = SINKS
): Promise<SinkResult[]> {
  const results: SinkResult[] = []
  for (const sink of sinks) {
    try {
      results.push({ sink: sink.name, ...(await sink.write({ ...input, earlier: results })) })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log.error(`Could not write the ${sink.name}: ${message}`)
      results.push({ sink: sink.name, paths: [], links: [], error: message })
    }
  }
  return results
}
