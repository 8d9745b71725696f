import * as core from '@actions/core'
import { redact } from '../core/log.js'
import { summaryMarkdown } from '../report/summary.js'
import { done, skipped, type Sink } from './sink.js'
import { withEarlierLinks } from './links.js'

/** The job summary: the whole report, failures first, with links to where else it went. */
export const summarySink: Sink = {
  name: 'job summary',
  async write(input) {
    if (!input.settings.summary) return skipped('summary: false')
    const markdown = summaryMarkdown(input.report, withEarlierLinks(input))
    await core.summary.addRaw(redact(markdown)).write()
    return done()
  }
}
