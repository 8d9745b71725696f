import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A tiny scriptable HTTP server on 127.0.0.1 and a random port: routes, a log of every request,
 * and faults queued per route (an HTTP status, a slow reply, a body that is not JSON, a dropped
 * connection), consumed one per request.
 */

export interface RecordedRequest {
  route: string
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: unknown
  /** Date.now() when the request arrived, to tell how long a client waited between tries. */
  receivedAt: number
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  | { kind: 'bad-json' }
  | { kind: 'drop' }
  /** The request is processed, but the client gets this status instead of the answer. */
  | { kind: 'apply-then-status'; status: number }

/** A queue entry: a fault for that request, or null to let it through. */
export type FaultStep = Fault | null

export interface RouteRequest {
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: unknown
  /** This server's base URL, e.g. http://127.0.0.1:41234 */
  baseUrl: string
}

export type Handler = (request: RouteRequest) => Reply | Promise<Reply>

interface Route {
  name: string
  method: string
  pattern: RegExp
  keys: string[]
  handler: Handler
}

export class SimServer {
  readonly requests: RecordedRequest[] = []
  private readonly routes: Route[] = []
  private readonly faults = new Map<string, FaultStep[]>()
  private server: Server | undefined
  url = ''

  /**
   * `path` uses :name for parameters, e.g. /repos/:owner/:repo/issues/:number/comments.
   * A route added later takes precedence, so a test can replace one behaviour.
   */
  route(name: string, method: string, path: string, handler: Handler): this {
    const keys: string[] = []
    const source = path.replace(/:([A-Za-z_]+)/g, (_, key: string) => {
      keys.push(key)
      return '([^/]+)'
    })
    this.routes.unshift({ name, method, pattern: new RegExp(`^${source}/?$`), keys, handler })
    return this
  }

  /** Queues faults for the next requests to a route, in order. */
  inject(route: string, ...steps: FaultStep[]): this {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...steps])
    return this
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route)
  }

  /** Listens on 127.0.0.1, on the given port or a free one; returns the base URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          send(res, { status: 500, body: { message: `simulator bug: ${String(error)}` } })
      })
    })
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve))
    const address = this.server.address() as AddressInfo
    this.url = `http://127.0.0.1:${address.port}`
    return this.url
  }

  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now()
    const url = new URL(req.url ?? '/', this.url)
    const raw = await readBody(req)
    let body: unknown = raw
    if (raw !== '') {
      try {
        body = JSON.parse(raw)
      } catch {
        // keep the raw text: the route decides what to do with it
      }
    }
    const method = req.method ?? 'GET'
    for (const route of this.routes) {
      const match = route.method === method ? route.pattern.exec(url.pathname) : null
      if (!match) continue
      const params = Object.fromEntries(
        route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1] ?? '')])
      )
      this.requests.push({
        route: route.name,
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        receivedAt
      })
      const fault = this.faults.get(route.name)?.shift() ?? null
      if (fault?.kind === 'drop') {
        req.socket.destroy()
        return
      }
      if (fault?.kind === 'status')
        return send(res, { status: fault.status, body: fault.body, headers: fault.headers })
      if (fault?.kind === 'bad-json') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"status": "PASS')
        return
      }
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms))
      const reply = await route.handler({
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        baseUrl: this.url
      })
      if (fault?.kind === 'apply-then-status') {
        return send(res, { status: fault.status, body: { message: 'gateway timeout' } })
      }
      return send(res, reply)
    }
    this.requests.push({
      route: 'unmatched',
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      receivedAt
    })
    send(res, { status: 404, body: { message: `no route for ${method} ${url.pathname}` } })
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return
  const isText = typeof reply.body === 'string'
  const payload =
    reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/plain' : 'application/json',
    ...reply.headers
  })
  res.end(payload)
}
