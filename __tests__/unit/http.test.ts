import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { genericErrorMessage, HttpClient, parseRetryAfter, VendorError } from '../../src/http.js'
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
