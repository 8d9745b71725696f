import { describe, expect, it } from 'vitest'
import { junitXml, xmlAttribute, xmlText } from '../../src/report/junit.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'

describe('XML escaping', () => {
  it('escapes markup and replaces characters XML cannot hold', () => {
    expect(xmlText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d')
    expect(xmlText('bell\u0007 nul\u0000 ok\ttab\nline')).toBe('bell\ufffd nul\ufffd ok\ttab\nline')
    expect(xmlText('lone \ud800 high, pair 🚀 kept, lone \udc00 low, \uffff')).toBe(
      'lone \ufffd high, pair 🚀 kept, lone \ufffd low, \ufffd'
    )
  })

  it('keeps quotes and line breaks in attributes as references', () => {
    expect(xmlAttribute(`say "hi" it's\nnew\r\tline`)).toBe(
      'say &quot;hi&quot; it&apos;s&#10;new&#13;&#9;line'
    )
  })
})

describe('junitXml', () => {
  const tests: TestResult[] = [
    { id: '1', name: 'passes', status: 'passed', durationMs: 1500, links: [] },
    {
      id: '2',
      name: 'fails',
      status: 'failed',
      durationMs: 250,
      error: 'line one\nline two',
      links: [{ label: 'trace', url: 'https://t/1.zip' }]
    },
    { id: '3', name: 'skipped', status: 'skipped', links: [] },
    { id: '4', name: 'never finished', status: 'running', links: [] }
  ]
  const report: RunReport = {
    provider: 'octomind',
    targetId: 'tt',
    runId: 'r',
    status: 'timed-out',
    counts: countTests(tests),
    tests
  }

  it('counts unfinished tests as skipped and writes times in seconds', () => {
    const xml = junitXml(report, 'Octomind')
    expect(xml).toContain(
      '<testsuite name="Octomind tt" tests="4" failures="1" errors="0" skipped="2" time="1.750">'
    )
    expect(xml).toContain('<testcase classname="octomind/tt" name="passes" time="1.500"/>')
    expect(xml).toContain('<failure message="line one" type="failed">line one\nline two</failure>')
    expect(xml).toContain('<property name="trace" value="https://t/1.zip"/>')
    expect(xml).toContain('<skipped message="not finished: the run ended before this test did"/>')
    expect(xml).toContain('<property name="status" value="timed-out"/>')
  })
})
