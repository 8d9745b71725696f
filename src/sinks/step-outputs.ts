import { setIdOutput, setOwnOutput, setUrlOutput } from '../core/outputs.js'
import { newFailureCount } from '../report/base.js'
import { done, type Sink } from './sink.js'

/** The step's outputs: the verdict, the ids and links, and the counts once there are any. */
export const stepOutputsSink: Sink = {
  name: 'step outputs',
  async write({ report, render }) {
    const { counts } = report
    setOwnOutput('status', report.status)
    if (render.policy && !render.startedOnly) setOwnOutput('decided-by', render.policy.decidedBy)
    // Off a pull request there is no base to compare with: every failure counts as new.
    if (!render.startedOnly) setOwnOutput('new-failures', newFailureCount(report, render.base))
    setIdOutput('run-id', report.runId)
    setUrlOutput('report-url', report.url)
    if (report.status === 'queued' || (report.status === 'running' && counts.total === 0))
      return done()
    setOwnOutput('total', counts.total)
    setOwnOutput('passed', counts.passed)
    // Errored tests did not pass either: `failed` counts both, so `failed > 0` means "look at this".
    setOwnOutput('failed', counts.failed + counts.errored)
    setOwnOutput('skipped', counts.skipped)
    return done()
  }
}
