import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  digestOf,
  encodeDigest,
  MAX_DIGEST_CHARS,
  readDigest,
  type Digest
} from '../../src/report/digest.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'

const uuid = (n: number, salt = 0): string =>
  `${(n * 2654435761 + salt).toString(16).padStart(8, '0').slice(-8)}-${n.toString(16).padStart(4, '0').slice(-4)}-4${salt.toString(16).padStart(3, '0')}-8abc-${(n * 40503).toString(16).padStart(12, '0').slice(-12)}`

function report(tests: TestResult[]): RunReport {
  return {
    provider: 'octomind',
    runId: 'run-1',
    url: 'https://app.example/reports/run-1',
    status: 'failed',
    counts: countTests(tests),
    tests
  }
}

function tests(total: number, failing: number): TestResult[] {
  return Array.from({ length: total }, (_, i) => ({
    id: uuid(i, 1),
    rerunKey: uuid(i, 2),
    name: `test ${i}`,
    status: i < failing ? ('failed' as const) : ('passed' as const),
    links: []
  }))
}

const source = (run: RunReport) => ({
  report: run,
  sha: 'a'.repeat(40),
  workflowRunId: '77',
  attempt: 1
})

describe('digest', () => {
  it('round-trips through the comment line it is written as', () => {
    const digest = digestOf(source(report(tests(5, 2))))
    const line = encodeDigest(digest)
    expect(line).toMatch(/^<!-- testgate-digest:1:[A-Za-z0-9_-]+ -->$/)
    const read = readDigest(`<!-- testgate:octomind -->\n${line}\n## Heading`)
    expect(read).toEqual({ kind: 'found', digest })
    if (read.kind !== 'found') return
    expect(read.digest.failures).toEqual([
      { id: uuid(0, 1), rerunKey: uuid(0, 2) },
      { id: uuid(1, 1), rerunKey: uuid(1, 2) }
    ])
    expect(read.digest).toMatchObject({ passed: 3, total: 5, unlisted: 0, workflowRunId: '77' })
  })

  it('leaves the rerun key out when it is the id', () => {
    const run = report([{ id: 'a', rerunKey: 'a', name: 'a', status: 'errored', links: [] }])
    expect(digestOf(source(run)).failures).toEqual([{ id: 'a' }])
  })

  it.each([0, 50, 10_000])('stays within its budget for 10,000 tests, %i failing', (failing) => {
    const digest = digestOf(source(report(tests(10_000, failing))))
    const line = encodeDigest(digest)
    expect(line.length).toBeLessThanOrEqual(MAX_DIGEST_CHARS)
    expect(digest.failures.length + digest.unlisted).toBe(failing)
    if (failing === 10_000) expect(digest.unlisted).toBeGreaterThan(0)
    else expect(digest.unlisted).toBe(0)
  })

  it('says none for an older comment and unreadable for a damaged or newer one', () => {
    expect(readDigest('<!-- testgate:octomind -->\n## Octomind: passed')).toEqual({ kind: 'none' })
    expect(readDigest('<!-- testgate-digest:1:%%% -->').kind).toBe('unreadable')
    expect(readDigest('<!-- testgate-digest:1:AAAA').kind).toBe('unreadable')
    expect(readDigest('<!-- testgate-digest:9:AAAA -->')).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('format 9')
    })
  })

  it('refuses a deflate bomb and a digest of the wrong shape', () => {
    const bomb = deflateRawSync(Buffer.alloc(4_000_000, 32)).toString('base64url')
    expect(readDigest(`<!-- testgate-digest:1:${bomb} -->`).kind).toBe('unreadable')
    const wrong = deflateRawSync(Buffer.from('{"s":1}')).toString('base64url')
    expect(readDigest(`<!-- testgate-digest:1:${wrong} -->`).kind).toBe('unreadable')
  })

  it('keeps the digest a single comment line whatever the ids hold', () => {
    const hostile: Digest = {
      ...digestOf(source(report(tests(1, 1)))),
      failures: [{ id: 'x --> <script>\n::error::' }]
    }
    const line = encodeDigest(hostile)
    expect(line.split('\n')).toHaveLength(1)
    expect(line.indexOf('-->')).toBe(line.length - 3)
    expect(readDigest(line)).toMatchObject({
      kind: 'found',
      digest: { failures: hostile.failures }
    })
  })
})
