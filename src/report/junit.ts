import { testFolder, type RunReport, type TestResult } from './model.js'
import { runDuration } from './markdown.js'

/**
 * RunReport → JUnit XML: one <testsuite> per run, one <testcase> per test, failures, errors and
 * skips with their message, links as <properties>. Any vendor text is made valid XML first.
 */

// Characters XML 1.0 does not allow at all, even escaped: most C0 controls, lone surrogates, U+FFFE/F.
const INVALID_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

export function xmlText(text: string): string {
  return text
    .replace(INVALID_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/** Attribute values keep their line breaks and tabs as character references. */
export function xmlAttribute(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3)
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('')
}

function properties(entries: { name: string; value: string }[], indent: string): string {
  if (entries.length === 0) return ''
  const lines = entries.map(
    ({ name, value }) => `${indent}  <property${attributes({ name, value })}/>`
  )
  return `${indent}<properties>\n${lines.join('\n')}\n${indent}</properties>\n`
}

/** The first line of an error, as the short `message` attribute. */
function firstLine(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '') ?? text
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}

function outcome(test: TestResult): string {
  const message = test.error ?? ''
  switch (test.status) {
    case 'failed':
      return `      <failure${attributes({ message: firstLine(message) || 'failed', type: 'failed' })}>${xmlText(message)}</failure>\n`
    case 'errored':
      return `      <error${attributes({ message: firstLine(message) || 'errored', type: 'errored' })}>${xmlText(message)}</error>\n`
    case 'skipped':
      return `      <skipped${attributes({ message: message ? firstLine(message) : undefined })}/>\n`
    case 'running':
    case 'queued':
      return `      <skipped${attributes({ message: 'not finished: the run ended before this test did' })}/>\n`
    default:
      return ''
  }
}

export function junitXml(report: RunReport, vendor: string): string {
  // The same grouping Testmo's folder uses, so keys line up when the file is uploaded with Testmo's CLI.
  const classname = testFolder(report)
  const { counts } = report
  const failures = counts.failed
  const errors = counts.errored
  const skipped = counts.skipped + counts.pending
  const time = seconds(
    runDuration(report) ?? report.tests.reduce((sum, test) => sum + (test.durationMs ?? 0), 0)
  )
  const suiteName = report.targetId ? `${vendor} ${report.targetId}` : vendor
  const cases = report.tests.map((test) => {
    const testProperties = test.links.map((link) => ({ name: link.label, value: link.url }))
    if (test.score !== undefined) testProperties.push({ name: 'score', value: String(test.score) })
    const body = outcome(test) + properties(testProperties, '      ')
    const open = `    <testcase${attributes({ classname, name: test.name, time: seconds(test.durationMs) })}`
    return body === '' ? `${open}/>\n` : `${open}>\n${body}    </testcase>\n`
  })
  const suiteProperties = [
    { name: 'provider', value: report.provider },
    { name: 'run-id', value: report.runId },
    { name: 'status', value: report.status },
    ...(report.url ? [{ name: 'report-url', value: report.url }] : [])
  ]
  const totals = { tests: counts.total, failures, errors, skipped, time }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attributes({ name: 'testgate', ...totals })}>\n` +
    `  <testsuite${attributes({ name: suiteName, ...totals, timestamp: report.startedAt })}>\n` +
    properties(suiteProperties, '    ') +
    cases.join('') +
    '  </testsuite>\n' +
    '</testsuites>\n'
  )
}
