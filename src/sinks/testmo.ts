import { knownSecrets, log, redactDeep } from '../core/log.js'
import { setIdOutput, setUrlOutput } from '../core/outputs.js'
import { createTestmoClient, TestmoPublisher } from './testmo-client.js'
import { done, skipped, type Sink } from './sink.js'

// A run that used up the step's deadline still gets this long to publish to Testmo.
const TESTMO_GRACE_MS = 2 * 60_000

/** The report as a Testmo automation run; only for a run with a verdict. */
export const testmoSink: Sink = {
  name: 'Testmo run',
  async write({ report, settings, context, render, vendor, deadline }) {
    const testmo = settings.testmo
    if (!testmo) return skipped('no Testmo settings')
    if (render.startedOnly) {
      log.info('No verdict yet (wait: false): nothing is published to Testmo.')
      return skipped('no verdict to publish yet (wait: false)')
    }
    const client = createTestmoClient(testmo, {
      secrets: knownSecrets(),
      deadline: Math.max(deadline, Date.now() + TESTMO_GRACE_MS),
      log: log.info
    })
    // The outputs are set as soon as the run exists, so a publish that fails later still names it.
    const publisher = new TestmoPublisher(client, testmo, log.info, (runId, runUrl) => {
      setIdOutput('testmo-run-id', String(runId))
      setUrlOutput('testmo-run-url', runUrl)
    })
    // Not only the report: the URL under test may carry a password, and inputs may echo a secret.
    const description = redactDeep({
      report,
      context,
      vendor: vendor.displayName,
      environment: settings.environment,
      urlUnderTest: render.urlUnderTest,
      leg: render.leg
    })
    const result = await publisher.publish(description)
    log.info(
      `Testmo: ${result.tests} tests published to ${result.runUrl} in ${result.requests} requests`
    )
    return done([], [{ label: `Testmo run ${result.runId}`, url: result.runUrl }])
  }
}
