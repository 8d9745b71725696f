import type { z } from 'zod'
import { errorCode, genericErrorMessage, VendorError } from './http-errors.js'
import { fetchSameOrigin, isProxyAuthRefusal, joinUrl, RedirectRefused } from './http-transport.js'
import { Redactor } from './redaction.js'
import { shorten } from './text.js'

/**
 * A small client for vendor APIs: answers in JSON (or as text, where asked) checked by zod,
 * per-request timeout, retries with backoff and jitter for requests that are safe to repeat,
 * Retry-After, and errors that carry the HTTP status and the vendor's own message but never a
 * secret.
 */

// Vendor modules import what they need from here: the client and the errors it throws.
export { VendorError, type ErrorKind } from './http-errors.js'

export interface HttpClientOptions {
  /** Display name used in messages, e.g. "Octomind". */
  vendor: string
  baseUrl: string
  headers: Record<string, string>
  /** Values redacted from every message this client produces. */
  secrets: string[]
  requestTimeoutMs?: number
  /** How many times a safe request is retried after the first attempt. */
  retries?: number
  backoffBaseMs?: number
  backoffMaxMs?: number
  /** The wait after a 429 that carries no Retry-After (some vendors ask for a fixed minimum). */
  defaultRetryAfterMs?: number
  /** Vendor-specific reading of an error body; undefined falls back to the generic reading. */
  describeError?: (body: unknown) => string | undefined
  /** Epoch ms after which no retry waits; the step's overall deadline. */
  deadline?: number
  log?: (line: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export type RetryPolicy =
  /** GETs and other idempotent reads: retried on network errors, timeouts, 5xx, 429 and garbled JSON. */
  | 'safe'
  /** Requests that create something: re-sent only when they provably never reached the server. */
  | 'unsent-only'
  /**
   * Requests that add something: re-sent when they provably had no effect, i.e. never reached the
   * server or were refused with 429 before being processed.
   */
  | 'unapplied'
  /** Reads that must not hold anything up (a history look-up): one try, whatever happens. */
  | 'once'

interface RequestBase {
  /** Sent as JSON. */
  body?: unknown
  retry: RetryPolicy
  /** A shorter time limit than the client's for this request; never a longer one. */
  timeoutMs?: number
  /** The Accept header, when the answer's type is narrower than `as` says (e.g. `text/csv`). */
  accept?: string
}

/** An answer in JSON (the default): parsed, then checked by the schema. */
export interface JsonRequest<T> extends RequestBase {
  as?: 'json'
  schema: z.ZodType<T>
}

/** An answer that is not JSON (a log, CSV, XML): the schema checks the text itself. */
export interface TextRequest<T> extends RequestBase {
  as: 'text'
  schema: z.ZodType<T, string>
}

export type RequestOptions<T> = JsonRequest<T> | TextRequest<T>

// What is asked for when the request names no narrower type.
const DEFAULT_ACCEPT = { json: 'application/json', text: 'text/*' } as const

/** Waits ms, or less when the signal aborts first. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    signal?.addEventListener('abort', done, { once: true })
  })
}

export class HttpClient {
  private readonly requestTimeoutMs: number
  private readonly retries: number
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private readonly redactor: Redactor

  constructor(private readonly options: HttpClientOptions) {
    this.redactor = new Redactor(options.secrets)
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.retries = options.retries ?? 3
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000
    this.backoffMaxMs = options.backoffMaxMs ?? 15_000
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
  }

  get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.request('GET', path, { schema, retry: 'safe' })
  }

  async request<T>(method: string, path: string, options: RequestOptions<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(method, path, options)
      } catch (error) {
        const vendorError = this.toVendorError(error, method, path)
        const delayMs = this.retryDelay(vendorError, attempt, options.retry)
        if (delayMs === undefined) throw vendorError
        this.options.log?.(
          `${vendorError.message} — retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 2} of ${this.retries + 1})`
        )
        await this.sleep(delayMs)
      }
    }
  }

  /** The wait before the next attempt, or undefined when the error is final. */
  private retryDelay(error: VendorError, attempt: number, policy: RetryPolicy): number | undefined {
    if (attempt >= this.retries || policy === 'once') return undefined
    const retryable =
      policy === 'safe'
        ? error.transient
        : error.unsent || (policy === 'unapplied' && error.status === 429)
    if (!retryable) return undefined
    const backoff = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt)
    // Full jitter keeps many runners from retrying in step; Retry-After is a floor, not a hint.
    const jittered = backoff / 2 + (this.random() * backoff) / 2
    const retryAfterMs =
      error.retryAfterMs ?? (error.status === 429 ? this.options.defaultRetryAfterMs : undefined)
    const delayMs = Math.max(jittered, retryAfterMs ?? 0)
    const deadline = this.options.deadline
    if (deadline !== undefined && Date.now() + delayMs >= deadline) return undefined
    return delayMs
  }

  private async attempt<T>(method: string, path: string, options: RequestOptions<T>): Promise<T> {
    const { response, text } = await fetchSameOrigin(joinUrl(this.options.baseUrl, path), {
      method,
      headers: this.headersFor(options),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      timeoutMs: Math.min(this.timeoutFor(), options.timeoutMs ?? Infinity)
    }).catch((error: unknown) => {
      throw this.fetchError(error, method, path)
    })
    const where = `${this.options.vendor}: ${method} ${path}`
    if (!response.ok) throw this.httpError(where, response, text)
    const answer = options.as === 'text' ? text : this.parsedJson(where, response.status, text)
    const parsed = options.schema.safeParse(answer)
    if (!parsed.success) throw this.shapeError(where, response.status, parsed.error)
    return parsed.data
  }

  /** A request's own Accept header wins over the client's, which wins over the default. */
  private headersFor(options: RequestOptions<unknown>): Record<string, string> {
    const headers: Record<string, string> = {
      accept: DEFAULT_ACCEPT[options.as ?? 'json'],
      ...this.options.headers
    }
    if (options.accept) headers.accept = options.accept
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    return headers
  }

  private httpError(where: string, response: Response, text: string): VendorError {
    const message = `${where} failed with HTTP ${response.status}: ${this.describeBody(text, response.statusText)}`
    return new VendorError(this.options.vendor, 'http', this.redact(message), {
      status: response.status,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'))
    })
  }

  private parsedJson(where: string, status: number, text: string): unknown {
    try {
      return text === '' ? null : JSON.parse(text)
    } catch {
      // Redacted before it is shortened: a secret cut in two by the ellipsis would be missed.
      const quoted = JSON.stringify(shorten(this.redact(text), 120))
      const message = `${where} returned a body that is not JSON: ${quoted}`
      throw new VendorError(this.options.vendor, 'invalid-json', this.redact(message), { status })
    }
  }

  private shapeError(where: string, status: number, error: z.ZodError): VendorError {
    const issues = error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')
    const message = `${where} returned an unexpected response (${issues})`
    return new VendorError(this.options.vendor, 'unexpected-shape', this.redact(message), {
      status
    })
  }

  /** A request never outlives the step's deadline, but always gets a moment to answer. */
  private timeoutFor(): number {
    const deadline = this.options.deadline
    if (deadline === undefined) return this.requestTimeoutMs
    return Math.max(1_000, Math.min(this.requestTimeoutMs, deadline - Date.now()))
  }

  /** What a refused redirect or proxy means, in words; anything else is left to toVendorError. */
  private fetchError(error: unknown, method: string, path: string): unknown {
    const vendor = this.options.vendor
    if (error instanceof RedirectRefused)
      return new VendorError(
        vendor,
        'redirect',
        this.redact(`${vendor}: ${method} ${path} ${error.message}`),
        { status: error.status }
      )
    if (isProxyAuthRefusal(error))
      return new VendorError(
        vendor,
        'proxy-auth',
        `${vendor}: ${method} ${path} failed: the proxy refused the credentials (HTTP 407). Check the user and password in HTTPS_PROXY / HTTP_PROXY.`,
        { status: 407 }
      )
    return error
  }

  private toVendorError(error: unknown, method: string, path: string): VendorError {
    if (error instanceof VendorError) return error
    const vendor = this.options.vendor
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return new VendorError(
        vendor,
        'timeout',
        `${vendor}: ${method} ${path} got no answer within ${Math.round(this.timeoutFor() / 1000)}s`
      )
    }
    const code = errorCode(error)
    const detail = code ?? (error instanceof Error ? error.message : String(error))
    return new VendorError(
      vendor,
      'network',
      this.redact(`${vendor}: ${method} ${path} failed: ${detail}`),
      {
        code
      }
    )
  }

  private describeBody(text: string, statusText: string): string {
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON: use the text itself
    }
    const described = this.options.describeError?.(body) ?? genericErrorMessage(body)
    // Redacted before it is shortened: a secret cut in two by the ellipsis would be missed.
    return shorten(this.redact(described || statusText || 'no message'), 500)
  }

  redact(message: string): string {
    return this.redactor.redact(message)
  }
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
