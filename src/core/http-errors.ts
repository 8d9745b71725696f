/**
 * What a failed vendor or Testmo call was: its kind, HTTP status and Retry-After, whether it may
 * be tried again or provably never left, and the message a vendor's error body carries.
 */

// Connection errors that happen before a single byte of the request is sent.
const UNSENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

export type ErrorKind =
  | 'http'
  | 'network'
  | 'timeout'
  | 'invalid-json'
  | 'unexpected-shape'
  | 'redirect'
  | 'proxy-auth'
  /** The vendor answered, and declined what was asked (e.g. `success: false`). */
  | 'refused'

export class VendorError extends Error {
  override readonly name = 'VendorError'
  readonly status?: number
  readonly retryAfterMs?: number
  /** The socket error code of a network error (ECONNREFUSED…). */
  readonly code?: string

  constructor(
    readonly vendor: string,
    readonly kind: ErrorKind,
    message: string,
    details: { status?: number; retryAfterMs?: number; code?: string } = {}
  ) {
    super(message)
    this.status = details.status
    this.retryAfterMs = details.retryAfterMs
    this.code = details.code
  }

  /** The request provably never reached the server, so re-sending it cannot duplicate anything. */
  get unsent(): boolean {
    return this.kind === 'network' && this.code !== undefined && UNSENT_CODES.has(this.code)
  }

  /** Worth another try later: the vendor or the network may recover. */
  get transient(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout' || this.kind === 'invalid-json')
      return true
    return this.status !== undefined && (this.status === 429 || this.status >= 500)
  }

  get isAuth(): boolean {
    return this.status === 401 || this.status === 403
  }

  /**
   * The vendor declined the request itself (a 4xx other than access or rate limits, or an answer
   * that says no): nothing was started, so a different request cannot duplicate a run.
   */
  get refused(): boolean {
    if (this.kind === 'refused') return true
    const status = this.status ?? 0
    return (
      this.kind === 'http' &&
      status >= 400 &&
      status < 500 &&
      ![401, 403, 407, 429].includes(status)
    )
  }
}

/** The socket error code of a failed fetch, however deep undici wrapped it. */
export function errorCode(error: unknown): string | undefined {
  // fetch wraps socket errors: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') {
      return current.code
    }
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined
  }
  return undefined
}

/** The message most JSON error bodies carry: message, error, detail, or a list of errors. */
export function genericErrorMessage(body: unknown): string {
  if (typeof body === 'string') return looksLikeHtml(body) ? '' : body.trim()
  if (Array.isArray(body)) return body.map(genericErrorMessage).filter(Boolean).join('; ')
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>
    for (const key of ['message', 'error', 'detail', 'errors', 'error_description']) {
      const value = record[key]
      if (value === undefined || value === null) continue
      const message = typeof value === 'object' ? genericErrorMessage(value) : String(value)
      if (message) return message
    }
    return JSON.stringify(body)
  }
  return body === null || body === undefined ? '' : String(body)
}

function looksLikeHtml(text: string): boolean {
  return /^\s*<(!doctype|html)/i.test(text)
}
