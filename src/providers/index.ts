import { HttpClient, type HttpClientOptions } from '../http.js'
import type { Settings } from '../inputs.js'
import { secretsOf } from '../secrets.js'
import { createEmpirical } from './empirical.js'
import { createFutureAgi } from './futureagi.js'
import { createOctomind } from './octomind.js'
import { createTestifly } from './testifly.js'
import type { Provider, ProviderFactory, ProviderName } from './provider.js'

/** Every provider testgate can drive, by the name users write in `provider:`. */
export const PROVIDERS: Record<ProviderName, ProviderFactory> = {
  octomind: createOctomind,
  testifly: createTestifly,
  futureagi: createFutureAgi,
  empirical: createEmpirical
}

export function providerNames(): string[] {
  return Object.keys(PROVIDERS)
}

export function providerFactory(name: string): ProviderFactory {
  const factory = PROVIDERS[name as ProviderName]
  if (!factory) throw new Error(`Unknown provider "${name}"`)
  return factory
}

export interface ProviderSetup {
  log: (line: string) => void
  warn: (line: string) => void
  /** How the vendor client behaves: the step's deadline, or shorter limits for the post step. */
  client: Pick<HttpClientOptions, 'deadline' | 'requestTimeoutMs' | 'retries'>
}

/** The chosen provider, with an HTTP client that knows every secret and sends testgate's user agent. */
export function createProvider(settings: Settings, setup: ProviderSetup): Provider {
  const secrets = secretsOf(settings)
  return providerFactory(settings.provider)({
    settings,
    http: (options) =>
      new HttpClient({
        ...options,
        ...setup.client,
        headers: { 'user-agent': 'testgate', ...options.headers },
        secrets,
        log: setup.log
      }),
    log: setup.log,
    warn: setup.warn
  })
}
