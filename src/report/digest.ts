import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { z } from 'zod'
import { RUN_STATUSES, type RunReport, type TestResult } from './model.js'

/**
 * The digest: what a later run needs of this one, hidden in the sticky comment. A re-run reads
 * which tests failed (and how the vendor selects them); the next run reads them to say what
 * changed. Encoded as compact JSON, raw-deflated, base64url, inside one HTML comment line:
 *   <!-- testgate-digest:1:<base64url> -->
 * The number is the format's version: a reader skips a digest whose version it does not know.
 */

export const DIGEST_VERSION = 1
/** The most a digest may take of the comment, in characters (base64url is ASCII). */
export const MAX_DIGEST_CHARS = 12_000
// A digest inflates to at most this: anything bigger is not one of ours (a deflate bomb).
const MAX_INFLATED_BYTES = 1_048_576
const PREFIX = `<!-- testgate-digest:`

/** A failed or errored test as a later run needs it. */
export interface DigestFailure {
  /** The test's stable identity in the report. */
  id: string
  /** What the vendor's selection takes to run this test again, when it is not the id. */
  rerunKey?: string
}

export interface Digest {
  version: typeof DIGEST_VERSION
  /** The commit the run tested. */
  sha: string
  /** The workflow run and attempt that wrote it. */
  workflowRunId?: string
  attempt?: number
  /** The vendor's run and its page. */
  runId: string
  url?: string
  status: RunReport['status']
  passed: number
  total: number
  /** The failed and errored tests, as many as fit. */
  failures: DigestFailure[]
  /** Failed or errored tests left out to keep the digest within MAX_DIGEST_CHARS. */
  unlisted: number
}

// On the wire: short keys and tuples; deflate makes the rest small.
const wireFailure = z.union([z.string(), z.tuple([z.string(), z.string()])])
const wireSchema = z.object({
  s: z.string().max(64),
  w: z.string().max(32).optional(),
  a: z.number().int().positive().optional(),
  r: z.string().max(512),
  u: z.string().max(2048).optional(),
  t: z.enum(RUN_STATUSES),
  p: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  f: z.array(wireFailure),
  m: z.number().int().nonnegative()
})
type Wire = z.infer<typeof wireSchema>

export interface DigestSource {
  report: RunReport
  sha: string
  workflowRunId?: string
  attempt?: number
  /** A tighter bound than MAX_DIGEST_CHARS, e.g. for a leg's section of a combined comment. */
  maxChars?: number
}

/** The digest of a finished report, its failures cut to fit MAX_DIGEST_CHARS. */
export function digestOf(source: DigestSource): Digest {
  const { report } = source
  const failures = failedTests(report.tests).map(toDigestFailure)
  const full: Digest = {
    version: DIGEST_VERSION,
    sha: source.sha,
    workflowRunId: source.workflowRunId,
    attempt: source.attempt,
    runId: report.runId,
    url: report.url,
    status: report.status,
    passed: report.counts.passed,
    total: report.counts.total,
    failures,
    unlisted: 0
  }
  return fitted(full, Math.min(source.maxChars ?? MAX_DIGEST_CHARS, MAX_DIGEST_CHARS))
}

export function failedTests(tests: readonly TestResult[]): TestResult[] {
  return tests.filter((test) => test.status === 'failed' || test.status === 'errored')
}

function toDigestFailure(test: TestResult): DigestFailure {
  return test.rerunKey && test.rerunKey !== test.id
    ? { id: test.id, rerunKey: test.rerunKey }
    : { id: test.id }
}

/** The longest prefix of the failures whose encoding fits; found by bisection (each try deflates). */
function fitted(digest: Digest, maxChars: number): Digest {
  const listing = (count: number): Digest => ({
    ...digest,
    failures: digest.failures.slice(0, count),
    unlisted: digest.failures.length - count
  })
  const fits = (candidate: Digest): boolean => encodeDigest(candidate).length <= maxChars
  if (fits(listing(digest.failures.length))) return listing(digest.failures.length)
  let low = 0
  let high = digest.failures.length
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (fits(listing(middle))) low = middle
    else high = middle
  }
  return listing(low)
}

/** The digest as the comment line that carries it. */
export function encodeDigest(digest: Digest): string {
  const json = JSON.stringify(toWire(digest))
  const packed = deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64url')
  return `${PREFIX}${DIGEST_VERSION}:${packed} -->`
}

function toWire(digest: Digest): Wire {
  return {
    s: digest.sha,
    w: digest.workflowRunId,
    a: digest.attempt,
    r: digest.runId,
    u: digest.url,
    t: digest.status,
    p: digest.passed,
    n: digest.total,
    f: digest.failures.map((failure) =>
      failure.rerunKey ? [failure.id, failure.rerunKey] : failure.id
    ),
    m: digest.unlisted
  }
}

/** What reading a comment's digest found. */
export type DigestReading =
  { kind: 'found'; digest: Digest } | { kind: 'none' } | { kind: 'unreadable'; reason: string }

/** The digest in a comment body: none in an older testgate's comment, unreadable if damaged. */
export function readDigest(body: string): DigestReading {
  const start = body.indexOf(PREFIX)
  if (start < 0) return { kind: 'none' }
  const end = body.indexOf(' -->', start)
  if (end < 0) return { kind: 'unreadable', reason: 'it is cut short' }
  const [version, packed = ''] = body.slice(start + PREFIX.length, end).split(':')
  if (version !== String(DIGEST_VERSION))
    return { kind: 'unreadable', reason: `its format ${version} is not one this testgate reads` }
  try {
    return { kind: 'found', digest: fromWire(unpack(packed)) }
  } catch {
    return { kind: 'unreadable', reason: 'it is damaged' }
  }
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
    sha: wire.s,
    workflowRunId: wire.w,
    attempt: wire.a,
    runId: wire.r,
    url: wire.u,
    status: wire.t,
    passed: wire.p,
    total: wire.n,
    failures: wire.f.map((entry) =>
      typeof entry === 'string' ? { id: entry } : { id: entry[0], rerunKey: entry[1] }
    ),
    unlisted: wire.m
  }
}
