import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { log, redact } from '../core/log.js'
import { setOwnOutput } from '../core/outputs.js'
import { junitXml } from '../report/junit.js'
import { done, skipped, type Sink } from './sink.js'

/** The report as JUnit XML, for test reporters and dashboards; only for a run with a verdict. */
export const junitSink: Sink = {
  name: 'JUnit file',
  async write({ report, settings, render, vendor }) {
    const path = settings.junitPath
    if (!path) return skipped('no junit-path')
    if (render.startedOnly) {
      log.info('No verdict yet (wait: false): the JUnit file is not written.')
      return skipped('no verdict to write yet (wait: false)')
    }
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, redact(junitXml(report, vendor.displayName)))
    setOwnOutput('junit-path', path)
    log.info(`JUnit XML of ${report.counts.total} tests written to ${path}`)
    return done([path])
  }
}
