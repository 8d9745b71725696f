import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { fetch, Pool, ProxyAgent } from 'undici'
import type { z } from 'zod'
import { Redactor } from './redaction.js'
import { shorten } from './text.js'

/**
 * A small JSON client for vendor APIs: per-request timeout, retries with backoff and jitter for
 * requests that are safe to repeat, Retry-After, and errors that carry the HTTP status and the
 * vendor's own message but never a secret.
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

export interface RequestOptions<T> {
  body?: unknown
  schema: z.ZodType<T>
  retry: RetryPolicy
  /** A shorter time limit than the client's for this request; never a longer one. */
  timeoutMs?: number
}

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
    const url = joinUrl(this.options.baseUrl, path)
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const { response, text } = await fetchSameOrigin(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      timeoutMs: Math.min(this.timeoutFor(), options.timeoutMs ?? Infinity)
    }).catch((error: unknown) => {
      throw this.fetchError(error, method, path)
    })
    if (!response.ok) {
      throw new VendorError(
        this.options.vendor,
        'http',
        this.redact(
          `${this.options.vendor}: ${method} ${path} failed with HTTP ${response.status}: ${this.describeBody(text, response.statusText)}`
        ),
        {
          status: response.status,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after'))
        }
      )
    }
    let json: unknown
    try {
      json = text === '' ? null : JSON.parse(text)
    } catch {
      throw new VendorError(
        this.options.vendor,
        'invalid-json',
        this.redact(
          `${this.options.vendor}: ${method} ${path} returned a body that is not JSON: ${JSON.stringify(shorten(this.redact(text), 120))}`
        ),
        { status: response.status }
      )
    }
    const parsed = options.schema.safeParse(json)
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ')
      throw new VendorError(
        this.options.vendor,
        'unexpected-shape',
        this.redact(
          `${this.options.vendor}: ${method} ${path} returned an unexpected response (${issues})`
        ),
        { status: response.status }
      )
    }
    return parsed.data
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

function errorCode(error: unknown): string | undefined {
  // fetch wraps socket errors: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') {
      return current.code
    }
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined
  }
  return undefined
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
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

/**
 * Self-hosted runners often reach the internet only through HTTPS_PROXY / HTTP_PROXY; Node's fetch
 * ignores those. The proxy is chosen as the Actions toolkit chooses it (NO_PROXY honoured, loopback
 * always direct), so vendor calls go the same way as the step's GitHub API calls.
 *
 * A proxy agent is made for each request with that request's time limit on every phase, the
 * CONNECT to the proxy included: the request's abort signal does not reach that CONNECT, and
 * undici's own default waits 300 s for its answer. The caller closes the agent when done.
 */
export function proxyDispatcher(url: string, timeoutMs: number): ProxyAgent | undefined {
  const proxy = getProxyUrl(new URL(url))
  if (!proxy) return undefined
  const limits = { connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }
  return new ProxyAgent({
    uri: proxy.href,
    ...limits,
    clientFactory: (origin, options) => new Pool(origin, { ...options, ...limits })
  })
}

/** A 407 from the proxy to the CONNECT: undici reports it as an aborted request. */
export function isProxyAuthRefusal(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error && /\b407\b/.test(current.message)) return true
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined
  }
  return false
}

export class RedirectRefused extends Error {
  override readonly name = 'RedirectRefused'
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
  }
}

const MAX_REDIRECTS = 5

export interface SameOriginInit {
  method: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
}

/**
 * fetch that follows a redirect only within the origin it was given (and never from https to
 * http): the request carries credentials, and a redirect to another host must not receive them.
 * Any other redirect is refused with an error that names the target host. The whole exchange,
 * redirects included, is bounded by timeoutMs.
 */
export async function fetchSameOrigin(
  url: string,
  init: SameOriginInit
): Promise<{ response: Response; text: string }> {
  const signal = AbortSignal.timeout(init.timeoutMs)
  let current = new URL(url)
  let { method, body } = init
  for (let hop = 0; ; hop++) {
    const dispatcher = proxyDispatcher(current.href, init.timeoutMs)
    try {
      const response = (await fetch(current.href, {
        method,
        headers: init.headers,
        body,
        signal,
        redirect: 'manual',
        dispatcher
      })) as unknown as Response
      const text = await response.text()
      const location = response.headers.get('location')
      if (response.status < 300 || response.status > 399 || location === null)
        return { response, text }
      const next = allowedRedirect(new URL(url), current, location, response.status)
      if (hop >= MAX_REDIRECTS)
        throw new RedirectRefused(
          `was redirected more than ${MAX_REDIRECTS} times`,
          response.status
        )
      if ([301, 302, 303].includes(response.status) && method !== 'GET') {
        method = 'GET'
        body = undefined
      }
      current = next
    } finally {
      void dispatcher?.close()
    }
  }
}

function allowedRedirect(origin: URL, current: URL, location: string, status: number): URL {
  let next: URL
  try {
    next = new URL(location, current)
  } catch {
    throw new RedirectRefused(
      `was redirected (HTTP ${status}) to an address that is not a URL`,
      status
    )
  }
  if (next.origin !== origin.origin)
    throw new RedirectRefused(
      `was redirected (HTTP ${status}) to another host, ${next.host}; testgate sends credentials only to ${origin.origin}, so it did not follow`,
      status
    )
  return next
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}
