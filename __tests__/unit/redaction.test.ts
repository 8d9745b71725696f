import { describe, expect, it } from 'vitest'
import { Redactor, userInfoSecrets } from '../../src/core/redaction.js'

const WEBHOOK_PATH = '/services/T0AB12CD/B0XY98ZW/AbCdEf123456'
const WEBHOOK = `HTTPS://Hooks.Example.COM:443${WEBHOOK_PATH}?token=Qx7Lm2Np9Rs4`

function redacted(secret: string, text: string): string {
  return new Redactor([secret]).redact(text)
}

describe('a secret that is a URL', () => {
  it('is redacted as new URL() prints it', () => {
    const href = new URL(WEBHOOK).href
    expect(href).toBe(`https://hooks.example.com${WEBHOOK_PATH}?token=Qx7Lm2Np9Rs4`)
    expect(redacted(WEBHOOK, `posting to ${href} failed`)).toBe('posting to *** failed')
  })

  it('is redacted by its path and query, and by its path alone', () => {
    expect(redacted(WEBHOOK, `404: no route for POST ${WEBHOOK_PATH}?token=Qx7Lm2Np9Rs4`)).toBe(
      '404: no route for POST ***'
    )
    expect(redacted(WEBHOOK, `unknown hook ${WEBHOOK_PATH}`)).toBe('unknown hook ***')
    expect(redacted(WEBHOOK, 'bad token=Qx7Lm2Np9Rs4 given')).toBe('bad *** given')
  })

  it('is redacted percent-encoded, whatever was encoded and in either hex case', () => {
    const encoded = encodeURIComponent(WEBHOOK_PATH)
    expect(redacted(WEBHOOK, `path=${encoded}`)).toBe('path=***')
    const lowerHex = encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())
    expect(lowerHex).toContain('%2f')
    expect(redacted(WEBHOOK, `path=${lowerHex}`)).toBe('path=***')
    expect(redacted(WEBHOOK, `next=${encodeURIComponent(new URL(WEBHOOK).href)}`)).toBe('next=***')
  })

  it('is redacted by the password and the user and password in it', () => {
    const secret = 'https://deploy:Tr0ub4dor-and-3@registry.example.com/v2'
    expect(redacted(secret, 'login deploy:Tr0ub4dor-and-3 refused')).toBe('login *** refused')
    expect(redacted(secret, 'password Tr0ub4dor%2Dand%2D3 refused')).toBe('password *** refused')
  })

  it('never blanks a short or common part: a path of / or /api, a user name that is a word', () => {
    const text = 'GET / and GET /api/v1/users as git with x-access-token on example.com'
    for (const secret of [
      'https://example.com/',
      'https://example.com/api',
      'https://example.com/api/v1/users?page=2',
      'https://git@example.com/',
      'https://x-access-token:ab@example.com/'
    ])
      expect(redacted(secret, text)).toBe(text)
  })
})

describe('a secret echoed escaped or encoded', () => {
  const key = 'sk live/Ab3+"x&y\\z'

  it('is redacted JSON-escaped inside an error body', () => {
    const body = JSON.stringify({ error: `invalid key ${key}` })
    expect(redacted(key, body)).toBe('{"error":"invalid key ***"}')
    // Escaped further than JSON.stringify does: `\/` as PHP writes it, `\u0026` as Go writes `&`.
    const escaped = 'sk live\\/Ab3+\\"x\\u0026y\\\\z'
    expect(redacted(key, `{"error":"${escaped}"}`)).toBe('{"error":"***"}')
  })

  it('is redacted with encodeURI, encodeURIComponent, or + for a space', () => {
    expect(redacted(key, `a=${encodeURI(key)}`)).toBe('a=***')
    expect(redacted(key, `a=${encodeURIComponent(key)}`)).toBe('a=***')
    expect(redacted(key, `a=${new URLSearchParams({ k: key }).toString().slice(2)}`)).toBe('a=***')
  })

  it('is redacted backslash-escaped as markdown writes it', () => {
    expect(redacted('tok_Ab3*x_9', 'key tok\\_Ab3\\*x\\_9')).toBe('key ***')
  })
})

describe('a secret of several lines', () => {
  const pem = [
    '-----BEGIN PRIVATE KEY-----',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
    'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu',
    '-----END PRIVATE KEY-----'
  ].join('\n')

  it('is redacted whole, JSON-escaped, and one line at a time, but its frame lines are not', () => {
    expect(redacted(pem, `key: ${pem}`)).toBe('key: ***')
    expect(redacted(pem, JSON.stringify(pem))).toBe('"***"')
    expect(redacted(pem, `line 2: ${pem.split('\n')[1]}`)).toBe('line 2: ***')
    expect(redacted(pem, `line 3: ${pem.split('\n')[2]}`)).toBe('line 3: ***')
    expect(redacted(pem, 'expected -----BEGIN PRIVATE KEY-----')).toBe(
      'expected -----BEGIN PRIVATE KEY-----'
    )
  })
})

describe('Redactor', () => {
  it('replaces a secret that holds another whole, and ignores values under 3 characters', () => {
    const redactor = new Redactor(['abc-123-key', '123', 'ab'])
    expect(redactor.redact('abc-123-key, 123, ab')).toBe('***, ***, ab')
    expect(redactor.secrets).toEqual(['abc-123-key', '123'])
  })
})

describe('userInfoSecrets', () => {
  it('finds the credentials of every URL in a text, when secret enough', () => {
    const text = [
      'STAGING=https://deploy:Tr0ub4dor-and-3@staging.example.com/',
      'REPO=https://ghp_AbCdEf123456@github.com/acme/shop',
      'MIRROR=ssh://git@example.com/x',
      'SHORT=https://me:pw@example.com'
    ].join('\n')
    expect(userInfoSecrets(text)).toEqual([
      'Tr0ub4dor-and-3',
      'deploy:Tr0ub4dor-and-3',
      'ghp_AbCdEf123456'
    ])
  })
})
