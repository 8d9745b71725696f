import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { genericErrorMessage } from '../../src/core/http-errors.js'
import { HttpClient, parseRetryAfter, VendorError } from '../../src/core/http.js'
import { SimServer } from '../simulators/harness.js'

const schema = z.object({ ok: z.boolean() })
let server: SimServer
const sleeps: number[] = []

function client(options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  return new HttpClient({
    vendor: 'Acme',
    baseUrl: server.url,
    headers: { authorization: 'Bearer sk-secret' },
    secrets: ['sk-secret'],
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    ...options
  })
}

beforeEach(async () => {
  sleeps.length = 0
  server = new SimServer()
    .route('thing', 'GET', '/thing', () => ({ status: 200, body: { ok: true } }))
    .route('create', 'POST', '/things', () => ({ status: 201, body: { ok: true } }))
    .route('log', 'GET', '/log', () => ({ status: 200, body: 'step 1 ok\nstep 2 ok\n' }))
  await server.start()
})

afterEach(() => server.close())

describe('HttpClient', () => {
  it('retries a GET through 5xx, 429, garbled JSON and a dropped connection', async () => {
    server.inject(
      'thing',
      { kind: 'status', status: 503 },
      { kind: 'status', status: 429, headers: { 'retry-after': '7' } },
      { kind: 'bad-json' }
    )
    await expect(client().get('/thing', schema)).resolves.toEqual({ ok: true })
    expect(server.requestsTo('thing')).toHaveLength(4)
    // backoff with jitter: 1s → 0.75s; Retry-After wins when longer: 7s
    expect(sleeps).toEqual([750, 7000, 3000])
  })

  it('gives up after the retries with the last error', async () => {
    server.inject(
      'thing',
      ...Array.from({ length: 4 }, () => ({
        kind: 'status' as const,
        status: 500,
        body: { message: 'db down' }
      }))
    )
    const error = await client()
      .get('/thing', schema)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(VendorError)
    expect((error as VendorError).message).toBe('Acme: GET /thing failed with HTTP 500: db down')
    expect(server.requestsTo('thing')).toHaveLength(4)
  })

  it('does not retry a 4xx other than 429', async () => {
    server.inject('thing', { kind: 'status', status: 401, body: { error: 'bad key sk-secret' } })
    const error = (await client()
      .get('/thing', schema)
      .catch((e: unknown) => e)) as VendorError
    expect(error.status).toBe(401)
    expect(error.isAuth).toBe(true)
    expect(error.message).toBe('Acme: GET /thing failed with HTTP 401: bad key ***')
    expect(server.requestsTo('thing')).toHaveLength(1)
  })

  it('redacts a secret echoed in part or cut in two by the shortening of a long error', async () => {
    const hook = 'https://hooks.example.com/services/T0AB12CD/B0XY98ZW/AbCdEf123456'
    const message = `${'a'.repeat(246)}sk-secret${'b'.repeat(400)} hook /services/T0AB12CD/B0XY98ZW/AbCdEf123456`
    server.inject('thing', { kind: 'status', status: 400, body: { message } })
    const error = (await client({ secrets: ['sk-secret', hook] })
      .get('/thing', schema)
      .catch((e: unknown) => e)) as VendorError
    expect(error.message).toContain('…')
    expect(error.message).not.toContain('sk-s')
    expect(error.message).toMatch(/hook \*\*\*$/)
  })

  it('never re-sends a POST that reached the server', async () => {
    server.inject('create', { kind: 'status', status: 502 })
    await expect(
      client().request('POST', '/things', { body: {}, schema, retry: 'unsent-only' })
    ).rejects.toThrow('HTTP 502')
    server.inject('create', { kind: 'drop' })
    await expect(
      client().request('POST', '/things', { body: {}, schema, retry: 'unsent-only' })
    ).rejects.toThrow('Acme: POST /things failed')
    expect(server.requestsTo('create')).toHaveLength(2)
  })

  it('re-sends a POST whose connection was refused, since it never left', async () => {
    const url = server.url
    await server.close()
    const error = (await new HttpClient({
      vendor: 'Acme',
      baseUrl: url,
      headers: {},
      secrets: [],
      retries: 2,
      sleep: async () => {}
    })
      .request('POST', '/things', { body: {}, schema, retry: 'unsent-only' })
      .catch((e: unknown) => e)) as VendorError
    expect(error.kind).toBe('network')
    expect(error.unsent).toBe(true)
    expect(error.message).toContain('ECONNREFUSED')
  })

  it('times out a slow reply', async () => {
    server.inject('thing', { kind: 'delay', ms: 1500 })
    const error = (await client({ requestTimeoutMs: 200, retries: 0 })
      .get('/thing', schema)
      .catch((e: unknown) => e)) as VendorError
    expect(error.kind).toBe('timeout')
    expect(error.transient).toBe(true)
  })

  it('tries a read once under the once policy, within its own shorter time limit', async () => {
    server.inject('thing', { kind: 'status', status: 503 })
    const once = { schema, retry: 'once' as const }
    const error = (await client()
      .request('GET', '/thing', once)
      .catch((e: unknown) => e)) as VendorError
    expect(error.status).toBe(503)
    expect(server.requestsTo('thing')).toHaveLength(1)

    server.inject('thing', { kind: 'delay', ms: 1500 })
    const slow = (await client({ requestTimeoutMs: 30_000 })
      .request('GET', '/thing', { ...once, timeoutMs: 200 })
      .catch((e: unknown) => e)) as VendorError
    expect(slow.kind).toBe('timeout')
    expect(server.requestsTo('thing')).toHaveLength(2)
  })

  it('reports a response of the wrong shape by path, without retrying', async () => {
    server.inject('thing', { kind: 'status', status: 200, body: { ok: 'yes' } })
    const error = (await client()
      .get('/thing', schema)
      .catch((e: unknown) => e)) as VendorError
    expect(error.kind).toBe('unexpected-shape')
    expect(error.message).toContain('ok: Invalid input')
    expect(server.requestsTo('thing')).toHaveLength(1)
  })

  it('does not wait past the deadline', async () => {
    server.inject('thing', { kind: 'status', status: 429, headers: { 'retry-after': '120' } })
    const error = (await client({ deadline: Date.now() + 5_000 })
      .get('/thing', schema)
      .catch((e: unknown) => e)) as VendorError
    expect(error.status).toBe(429)
    expect(sleeps).toEqual([])
  })
})

describe('answers that are not JSON', () => {
  const lines = z.string().transform((text) => text.split('\n').filter(Boolean))
  const text = { as: 'text' as const, schema: lines, retry: 'safe' as const }

  it('reads a text answer through the schema, asking for what the caller accepts', async () => {
    await expect(client().request('GET', '/log', text)).resolves.toEqual(['step 1 ok', 'step 2 ok'])
    await client().request('GET', '/log', { ...text, accept: 'text/csv' })
    await client().get('/thing', schema)
    const accepts = server.requests.map((request) => request.headers.accept)
    expect(accepts).toEqual(['text/*', 'text/csv', 'application/json'])
  })

  it('retries a text read by policy, Retry-After honoured, its error redacted', async () => {
    server.inject(
      'log',
      { kind: 'status', status: 503, headers: { 'retry-after': '4' } },
      { kind: 'status', status: 502, body: 'upstream sk-secret down' }
    )
    const logged: string[] = []
    await expect(
      client({ log: (line) => logged.push(line) }).request('GET', '/log', text)
    ).resolves.toEqual(['step 1 ok', 'step 2 ok'])
    expect(sleeps).toEqual([4000, 1500])
    expect(logged[1]).toMatch(
      /^Acme: GET \/log failed with HTTP 502: upstream \*\*\* down — retrying/
    )
    expect(server.requestsTo('log')).toHaveLength(3)
  })

  it('follows a redirect within the origin and gives up at the time limit', async () => {
    server.inject('thing', {
      kind: 'status',
      status: 302,
      headers: { location: `${server.url}/log` }
    })
    await expect(client().request('GET', '/thing', text)).resolves.toEqual([
      'step 1 ok',
      'step 2 ok'
    ])
    server.inject('log', { kind: 'delay', ms: 1500 })
    const slow = (await client({ retries: 0 })
      .request('GET', '/log', { ...text, timeoutMs: 200 })
      .catch((e: unknown) => e)) as VendorError
    expect(slow.kind).toBe('timeout')
  })

  it('reports text the schema refuses as an unexpected answer, without retrying', async () => {
    const csv = z.string().startsWith('id,status')
    const error = (await client()
      .request('GET', '/log', { as: 'text', schema: csv, retry: 'safe' })
      .catch((e: unknown) => e)) as VendorError
    expect(error.kind).toBe('unexpected-shape')
    expect(server.requestsTo('log')).toHaveLength(1)
  })
})

describe('proxies', () => {
  let proxy: Server
  const tunnels: string[] = []
  // Tunnelled sockets are not the server's to close: they are ended by hand.
  const sockets: { destroy: () => void }[] = []

  /** A forward proxy on loopback that tunnels every CONNECT to the simulator, whatever host it names. */
  beforeEach(async () => {
    tunnels.length = 0
    proxy = createServer((_req, res) => res.writeHead(405).end())
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '')
      sockets.push(socket)
      const upstream = connect(Number(new URL(server.url).port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    vi.stubEnv('HTTP_PROXY', `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)
    vi.stubEnv('NO_PROXY', '')
  })

  afterEach(async () => {
    vi.unstubAllEnvs()
    for (const socket of sockets.splice(0)) socket.destroy()
    proxy.closeAllConnections()
    await new Promise((resolve) => proxy.close(resolve))
  })

  it('sends vendor calls through HTTP_PROXY, JSON and text alike', async () => {
    // The host exists only behind the proxy, which tunnels it to the simulator.
    const behindProxy = client({ baseUrl: 'http://vendor.test:8080' })
    expect(await behindProxy.get('/thing', schema)).toEqual({ ok: true })
    const text = { as: 'text' as const, schema: z.string(), retry: 'safe' as const }
    expect(await behindProxy.request('GET', '/log', text)).toBe('step 1 ok\nstep 2 ok\n')
    expect(tunnels).toEqual(['vendor.test:8080', 'vendor.test:8080'])
  })

  it('goes direct to loopback, as the Actions toolkit does', async () => {
    await client().get('/thing', schema)
    expect(tunnels).toEqual([])
    expect(server.requestsTo('thing')).toHaveLength(1)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(
      parseRetryAfter('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))
    ).toBe(10_000)
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})

describe('genericErrorMessage', () => {
  it('finds the message in common error bodies and ignores HTML pages', () => {
    expect(genericErrorMessage({ message: 'nope' })).toBe('nope')
    expect(genericErrorMessage({ error: { message: 'nested' } })).toBe('nested')
    expect(genericErrorMessage({ errors: [{ message: 'a' }, { message: 'b' }] })).toBe('a; b')
    expect(genericErrorMessage({ detail: 'not found' })).toBe('not found')
    expect(genericErrorMessage('<!DOCTYPE html><html>502</html>')).toBe('')
  })
})
