import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { setOwnOutput } from '../core/outputs.js'
import { done, type Sink } from './sink.js'

/** The normalized report as JSON: written first, so whatever fails later, the data is on disk. */
export const reportFileSink: Sink = {
  name: 'report file',
  async write({ report, reportPath }) {
    await mkdir(dirname(reportPath), { recursive: true })
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`)
    setOwnOutput('report-path', reportPath)
    return done([reportPath])
  }
}
