import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { fetch, Pool, ProxyAgent } from 'undici'

/**
 * The wire under the HTTP client: one exchange bounded by a time limit, through the runner's
 * proxy, following redirects only within the origin the credentials are for.
 */

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
