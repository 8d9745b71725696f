import { setIdOutput, setOwnOutput, setUrlOutput } from '../core/outputs.js'
import { stepStatus, withThresholdFailures } from '../report/policy.js'
import { newFailureCount } from '../report/base.js'
import { done, type Sink } from './sink.js'

/**
 * The step's outputs: the verdict, the ids and links, and the counts once there are any. They say
 * what the step decided, as the summary and the comment do: a run a threshold failed is `failed`,
 * and the tests below the threshold count as failed.
 */
export const stepOutputsSink: Sink = {
  name: 'step outputs',
  async write({ report, render }) {
    const policy = render.startedOnly ? undefined : render.policy
    const shown = policy ? withThresholdFailures(report, policy) : report
    const { counts } = shown
    setOwnOutput('status', policy ? stepStatus(shown, policy) : shown.status)
    if (policy) setOwnOutput('decided-by', policy.decidedBy)
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
