import { createHmac } from 'node:crypto'
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

const KEY = 'vendor-api-key'
const source = (run: RunReport) => ({
  report: run,
  verdict: { fails: true, decidedBy: 'fail-on' as const },
  config: 'config-id-0123456',
  sha: 'a'.repeat(40),
  workflowRunId: '77',
  attempt: 1
})
const read = (body: string) => readDigest(body, KEY)
const encode = (digest: Digest) => encodeDigest(digest, KEY)
const digestOfRun = (run: RunReport) => digestOf(source(run), KEY)
/** A record line as an older testgate or an edit would leave it: the payload, signed or not. */
const line = (version: string, payload: string) => `<!-- testgate-digest:${version}:${payload} -->`

describe('digest', () => {
  it('round-trips through the comment line it is written as, on the line after the marker', () => {
    const digest = digestOfRun(report(tests(5, 2)))
    const recordLine = encode(digest)
    expect(recordLine).toMatch(/^<!-- testgate-digest:2:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22} -->$/)
    const found = read(`<!-- testgate:octomind -->\n${recordLine}\n## Heading`)
    expect(found).toEqual({ kind: 'found', digest })
    if (found.kind !== 'found') return
    expect(found.digest.failures).toEqual([
      { id: uuid(0, 1), rerunKey: uuid(0, 2) },
      { id: uuid(1, 1), rerunKey: uuid(1, 2) }
    ])
    expect(found.digest).toMatchObject({
      passed: 3,
      passedOutside: 3,
      total: 5,
      unlisted: 0,
      workflowRunId: '77',
      config: 'config-id-0123456',
      fails: true,
      decidedBy: 'fail-on'
    })
  })

  it('reads a record only on the line right after the marker', () => {
    const recordLine = encode(digestOfRun(report(tests(5, 2))))
    // quoted further down (a vendor error in a code block), it is text, not a record
    expect(read(`<!-- testgate:octomind -->\n## Heading\n${recordLine}`)).toEqual({ kind: 'none' })
    expect(read(`${recordLine}\n## Heading`)).toEqual({ kind: 'none' })
  })

  it("refuses a record that is not signed with this step's key, or was edited", () => {
    const recordLine = encode(digestOfRun(report(tests(5, 2))))
    const body = `<!-- testgate:o -->\n${recordLine}`
    expect(readDigest(body, 'another-key')).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining("not signed with this step's api-key")
    })
    const [payload = '', signature = ''] = recordLine.slice(23, -4).split('.')
    const flipped = `${payload.slice(0, -2)}${payload.at(-1) === 'A' ? 'B' : 'A'}${payload.at(-1)}`
    expect(read(`<!-- testgate:o -->\n${line('2', `${flipped}.${signature}`)}`).kind).toBe(
      'unreadable'
    )
    expect(read(`<!-- testgate:o -->\n${line('2', payload)}`).kind).toBe('unreadable')
  })

  it('counts as passed outside the selection only the passes no failure shares a key with', () => {
    // Future AGI: a scenario's two calls, one failed; a re-run of the scenario runs both.
    const calls: TestResult[] = [
      { id: 's1#1', rerunKey: 's1', name: 'a', status: 'failed', links: [] },
      { id: 's1#2', rerunKey: 's1', name: 'b', status: 'passed', links: [] },
      { id: 's2', name: 'c', status: 'passed', links: [] }
    ]
    expect(digestOfRun(report(calls))).toMatchObject({ passed: 2, passedOutside: 1 })
  })

  it('leaves the rerun key out when it is the id', () => {
    const run = report([{ id: 'a', rerunKey: 'a', name: 'a', status: 'errored', links: [] }])
    expect(digestOfRun(run).failures).toEqual([{ id: 'a' }])
  })

  it('counts a failure whose id is too long to keep, never lists it', () => {
    const long = 'x'.repeat(1_000_000)
    const run = report([
      { id: long, name: 'long', status: 'failed', links: [] },
      { id: 'short', name: 'short', status: 'failed', links: [] }
    ])
    const digest = digestOfRun(run)
    expect(digest).toMatchObject({ failures: [{ id: 'short' }], unlisted: 1 })
    expect(encode(digest).length).toBeLessThan(1_000)
  })

  it.each([0, 50, 10_000])('stays within its budget for 10,000 tests, %i failing', (failing) => {
    const digest = digestOfRun(report(tests(10_000, failing)))
    const recordLine = encode(digest)
    expect(recordLine.length).toBeLessThanOrEqual(MAX_DIGEST_CHARS)
    expect(digest.failures.length + digest.unlisted).toBe(failing)
    if (failing === 10_000) expect(digest.unlisted).toBeGreaterThan(0)
    else expect(digest.unlisted).toBe(0)
  })

  it('says none for an older comment and unreadable for a damaged, older or newer one', () => {
    const body = (recordLine: string) => `<!-- testgate:o -->\n${recordLine}`
    expect(read('<!-- testgate:octomind -->\n## Octomind: passed')).toEqual({ kind: 'none' })
    expect(read(body(line('2', '%%%'))).kind).toBe('unreadable')
    expect(read(body('<!-- testgate-digest:2:AAAA')).kind).toBe('unreadable')
    expect(read(body(line('1', 'AAAA')))).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('format 1')
    })
    expect(read(body(line('9', 'AAAA')))).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('format 9')
    })
  })

  it('refuses a deflate bomb and a digest of the wrong shape, though signed', () => {
    const signed = (payload: Buffer) => {
      const packed = payload.toString('base64url')
      return line('2', `${packed}.${sign(packed)}`)
    }
    const bomb = deflateRawSync(Buffer.alloc(4_000_000, 32))
    expect(read(`<!-- testgate:o -->\n${signed(bomb)}`)).toMatchObject({
      kind: 'unreadable',
      reason: 'it is damaged'
    })
    const wrong = deflateRawSync(Buffer.from('{"s":1}'))
    expect(read(`<!-- testgate:o -->\n${signed(wrong)}`)).toMatchObject({
      kind: 'unreadable',
      reason: 'it is damaged'
    })
  })

  it('keeps the digest a single comment line whatever the ids hold', () => {
    const hostile: Digest = {
      ...digestOfRun(report(tests(1, 1))),
      failures: [{ id: 'x --> <script>\n::error::' }]
    }
    const recordLine = encode(hostile)
    expect(recordLine.split('\n')).toHaveLength(1)
    expect(recordLine.indexOf('-->')).toBe(recordLine.length - 3)
    expect(read(`<!-- testgate:o -->\n${recordLine}`)).toMatchObject({
      kind: 'found',
      digest: { failures: hostile.failures }
    })
  })
})

/** The signature testgate puts after a payload (see signature() in src/report/digest.ts). */
function sign(packed: string): string {
  return createHmac('sha256', `testgate-record:${KEY}`)
    .update(`2:${packed}`)
    .digest('base64url')
    .slice(0, 22)
}
