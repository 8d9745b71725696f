import { createHmac, timingSafeEqual } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { z } from 'zod'
import { RUN_STATUSES, type RunReport, type TestResult } from './model.js'
import type { PolicyVerdict } from './policy.js'

/**
 * The record (digest): what a later run needs of this one, hidden in the sticky comment on the
 * line right after its marker. A re-run reads which tests failed (and how the vendor selects
 * them); the next run reads them to say what changed. Encoded as compact JSON, raw-deflated,
 * base64url, and signed with an HMAC keyed by the vendor api-key, inside one HTML comment line:
 *   <!-- testgate-digest:2:<base64url>.<signature> -->
 * The number is the format's version: a reader skips a record whose version it does not know.
 * The signature proves that a step holding the same api-key wrote it: a comment edited by hand,
 * or a record written with another key, is not one of this step's.
 */

export const DIGEST_VERSION = 2
/** The most a digest may take of the comment, in characters (base64url is ASCII). */
export const MAX_DIGEST_CHARS = 12_000
/** The longest test id a record keeps; a failure with a longer one is counted, not listed. */
export const MAX_RECORD_ID_CHARS = 512
// A digest inflates to at most this: anything bigger is not one of ours (a deflate bomb).
const MAX_INFLATED_BYTES = 1_048_576
const PREFIX = `<!-- testgate-digest:`
const SIGNATURE_CHARS = 22 // 128 bits of HMAC-SHA256, base64url

/** A failed or errored test as a later run needs it. */
export interface DigestFailure {
  /** The test's stable identity in the report. */
  id: string
  /** What the vendor's selection takes to run this test again, when it is not the id. */
  rerunKey?: string
}

export interface Digest {
  version: typeof DIGEST_VERSION
  /** What wrote it: the id of the step's configuration (see src/record-identity.ts). */
  config: string
  /** The commit the run tested. */
  sha: string
  /** The workflow run and attempt that wrote it. */
  workflowRunId?: string
  attempt?: number
  /** The vendor's run and its page. */
  runId: string
  url?: string
  status: RunReport['status']
  /** The verdict as the policy decided it: whether the step failed, and by which rule. */
  fails: boolean
  decidedBy: PolicyVerdict['decidedBy']
  passed: number
  total: number
  /** Passed tests that a re-run of the failures does not run again (outside their selection). */
  passedOutside: number
  /** The failed and errored tests, as many as fit. */
  failures: DigestFailure[]
  /** Failed or errored tests left out to keep the digest within MAX_DIGEST_CHARS. */
  unlisted: number
}

// `new-failures` came later: an older testgate reads a record it decided as damaged, and runs all.
const DECIDING_RULES = [
  'fail-on',
  'new-failures',
  'min-pass-rate',
  'min-score',
  'min-average-score',
  'none'
] as const
const recordId = z.string().min(1).max(MAX_RECORD_ID_CHARS)

// On the wire: short keys and tuples; deflate makes the rest small.
const wireFailure = z.union([recordId, z.tuple([recordId, recordId])])
const wireSchema = z.object({
  c: z.string().max(64),
  s: z.string().max(64),
  w: z.string().max(32).optional(),
  a: z.number().int().positive().optional(),
  r: z.string().max(512),
  u: z.string().max(2048).optional(),
  t: z.enum(RUN_STATUSES),
  x: z.boolean(),
  d: z.enum(DECIDING_RULES),
  p: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  o: z.number().int().nonnegative(),
  f: z.array(wireFailure),
  m: z.number().int().nonnegative()
})
type Wire = z.infer<typeof wireSchema>

export interface DigestSource {
  report: RunReport
  /** The policy's verdict on the report. */
  verdict: Pick<PolicyVerdict, 'fails' | 'decidedBy'>
  config: string
  sha: string
  workflowRunId?: string
  attempt?: number
  /** A tighter bound than MAX_DIGEST_CHARS, e.g. for a leg's section of a combined comment. */
  maxChars?: number
}

/** The digest of a finished report, its failures cut to fit MAX_DIGEST_CHARS. */
export function digestOf(source: DigestSource, key: string): Digest {
  const { report } = source
  const failed = failedTests(report.tests)
  // An id too long to keep cannot be selected again: it is counted among the unlisted.
  const failures = failed.filter((test) => test.id.length <= MAX_RECORD_ID_CHARS)
  const full: Digest = {
    version: DIGEST_VERSION,
    config: source.config,
    sha: source.sha,
    workflowRunId: source.workflowRunId,
    attempt: source.attempt,
    runId: report.runId.slice(0, 512),
    url: report.url && report.url.length <= 2048 ? report.url : undefined,
    status: report.status,
    fails: source.verdict.fails,
    decidedBy: source.verdict.decidedBy,
    passed: report.counts.passed,
    total: report.counts.total,
    passedOutside: passedOutside(report, failures),
    failures: failures.map(toDigestFailure),
    unlisted: failed.length - failures.length
  }
  return fitted(full, Math.min(source.maxChars ?? MAX_DIGEST_CHARS, MAX_DIGEST_CHARS), key)
}

export function failedTests(tests: readonly TestResult[]): TestResult[] {
  return tests.filter((test) => test.status === 'failed' || test.status === 'errored')
}

/** What the vendor's selection takes to run a test again. */
export function selectionKey(test: { id: string; rerunKey?: string }): string {
  return test.rerunKey ?? test.id
}

/**
 * Passed tests whose selection key no failure shares: a re-run of the failures leaves them alone
 * (a Future AGI scenario with a failed call runs all its calls again, the passed ones too).
 */
function passedOutside(report: RunReport, failures: readonly TestResult[]): number {
  const selected = new Set(failures.map(selectionKey))
  const passed = report.tests.filter((test) => test.status === 'passed')
  const listedOutside = passed.filter((test) => !selected.has(selectionKey(test))).length
  // Passes the vendor counted without listing them are outside any selection too.
  return listedOutside + Math.max(0, report.counts.passed - passed.length)
}

function toDigestFailure(test: TestResult): DigestFailure {
  const rerunKey = test.rerunKey && test.rerunKey.length <= MAX_RECORD_ID_CHARS && test.rerunKey
  return rerunKey && rerunKey !== test.id ? { id: test.id, rerunKey } : { id: test.id }
}

/** The longest prefix of the failures whose encoding fits; found by bisection (each try deflates). */
function fitted(digest: Digest, maxChars: number, key: string): Digest {
  const listed = digest.failures.length
  const listing = (count: number): Digest => ({
    ...digest,
    failures: digest.failures.slice(0, count),
    unlisted: digest.unlisted + listed - count
  })
  const fits = (candidate: Digest): boolean => encodeDigest(candidate, key).length <= maxChars
  if (fits(listing(listed))) return listing(listed)
  let low = 0
  let high = listed
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (fits(listing(middle))) low = middle
    else high = middle
  }
  return listing(low)
}

/** The digest as the comment line that carries it, signed with `key` (the vendor api-key). */
export function encodeDigest(digest: Digest, key: string): string {
  const json = JSON.stringify(toWire(digest))
  const packed = deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64url')
  return `${PREFIX}${DIGEST_VERSION}:${packed}.${signature(packed, key)} -->`
}

function signature(packed: string, key: string): string {
  return createHmac('sha256', `testgate-record:${key}`)
    .update(`${DIGEST_VERSION}:${packed}`)
    .digest('base64url')
    .slice(0, SIGNATURE_CHARS)
}

function toWire(digest: Digest): Wire {
  return {
    c: digest.config,
    s: digest.sha,
    w: digest.workflowRunId,
    a: digest.attempt,
    r: digest.runId,
    u: digest.url,
    t: digest.status,
    x: digest.fails,
    d: digest.decidedBy,
    p: digest.passed,
    n: digest.total,
    o: digest.passedOutside,
    f: digest.failures.map((failure) =>
      failure.rerunKey ? [failure.id, failure.rerunKey] : failure.id
    ),
    m: digest.unlisted
  }
}

/** What reading a comment's digest found. */
export type DigestReading =
  { kind: 'found'; digest: Digest } | { kind: 'none' } | { kind: 'unreadable'; reason: string }

/**
 * The digest of a comment or a leg's section: only on the line right after its first line (the
 * marker), where testgate writes it; a line anywhere else is text, whoever wrote it. None in an
 * older testgate's comment; unreadable if damaged, of another format, or not signed with `key`.
 */
export function readDigest(body: string, key: string): DigestReading {
  const line = body.replace(/\r\n?/g, '\n').split('\n', 2)[1] ?? ''
  if (!line.startsWith(PREFIX)) return { kind: 'none' }
  if (!line.endsWith(' -->')) return { kind: 'unreadable', reason: 'it is cut short' }
  const [version = '', content = ''] = line.slice(PREFIX.length, -' -->'.length).split(':')
  if (version !== String(DIGEST_VERSION))
    return {
      kind: 'unreadable',
      reason: `its format ${version.slice(0, 8)} is not one this testgate reads`
    }
  const [packed = '', signed = ''] = content.split('.')
  if (!sameSignature(signed, signature(packed, key)))
    return {
      kind: 'unreadable',
      reason:
        "it is not signed with this step's api-key (written with another key, or edited since)"
    }
  try {
    return { kind: 'found', digest: fromWire(unpack(packed)) }
  } catch {
    return { kind: 'unreadable', reason: 'it is damaged' }
  }
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function unpack(packed: string): Wire {
  if (!/^[A-Za-z0-9_-]*$/.test(packed) || packed.length > MAX_DIGEST_CHARS)
    throw new Error('not a digest')
  const buffer = Buffer.from(packed, 'base64url')
  const json = inflateRawSync(buffer, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8')
  return wireSchema.parse(JSON.parse(json))
}

function fromWire(wire: Wire): Digest {
  return {
    version: DIGEST_VERSION,
    config: wire.c,
    sha: wire.s,
    workflowRunId: wire.w,
    attempt: wire.a,
    runId: wire.r,
    url: wire.u,
    status: wire.t,
    fails: wire.x,
    decidedBy: wire.d,
    passed: wire.p,
    total: wire.n,
    passedOutside: wire.o,
    failures: wire.f.map((entry) =>
      typeof entry === 'string' ? { id: entry } : { id: entry[0], rerunKey: entry[1] }
    ),
    unlisted: wire.m
  }
}
