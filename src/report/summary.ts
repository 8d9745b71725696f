import type { RunReport } from './model.js'
import { footerLine, renderReport, SUMMARY_LIMITS, type RenderContext } from './markdown.js'

/** The job summary: the whole report, failures first, passed tests folded. */
export function summaryMarkdown(report: RunReport, context: RenderContext): string {
  return renderReport(report, context, SUMMARY_LIMITS, { footer: footerLine(context) })
}
