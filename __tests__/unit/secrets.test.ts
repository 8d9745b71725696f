import { afterEach, describe, expect, it, vi } from 'vitest'
import { redact } from '../../src/core/log.js'
import { maskSecrets } from '../../src/core/secrets.js'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('maskSecrets', () => {
  it('redacts the passwords of URLs in any input and in the proxy settings', () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true)
    vi.stubEnv('INPUT_API-KEY', 'sk-whole-key-123')
    vi.stubEnv('INPUT_URL', 'https://deploy:Tr0ub4dor-and-3@staging.example.com/')
    vi.stubEnv('INPUT_VARIABLES', 'DB=postgres://app:Xy7Wq2Lk9Pz@db.example.com/shop')
    vi.stubEnv('HTTPS_PROXY', 'http://proxy-user:Pr0xy-Pa55w0rd@proxy.example.com:3128')
    maskSecrets()
    expect(
      redact('sk-whole-key-123 Tr0ub4dor-and-3 app:Xy7Wq2Lk9Pz proxy-user:Pr0xy-Pa55w0rd')
    ).toBe('*** *** *** ***')
    expect(redact('https://deploy:Tr0ub4dor-and-3@staging.example.com/')).toBe(
      'https://***@staging.example.com/'
    )
  })
})
