import { HttpClient, type HttpClientOptions } from '../http.js'
import type { Settings } from '../inputs.js'
import { secretsOf } from '../secrets.js'
import type { VendorCatalog } from '../inputs.js'
import { empirical } from './empirical.js'
import { futureAgi } from './futureagi.js'
import { octomind } from './octomind.js'
import { testifly } from './testifly.js'
import type { Provider, ProviderFactory, ProviderModule } from './provider.js'

/** Every provider testgate can drive, by the name users write in `provider:`. */
export const PROVIDERS = {
  octomind,
  testifly,
  futureagi: futureAgi,
  empirical
} as const satisfies Record<string, ProviderModule>

/** The names users write in `provider:`, taken from the registry: the one list of vendors. */
export type ProviderName = keyof typeof PROVIDERS

export function providerNames(): string[] {
  return Object.keys(PROVIDERS)
}

/** The vendors and the inputs each one alone reads, for parsing the inputs. */
export function vendorCatalog(): VendorCatalog {
  const ownInputs = Object.fromEntries(
    Object.entries(PROVIDERS).map(([name, module]) => [name, module.ownInputs])
  )
  const scoring = providerNames().filter((name) => PROVIDERS[name as ProviderName].scores === true)
  return { names: providerNames(), ownInputs, scoring }
}

export function providerFactory(name: string): ProviderFactory {
  if (!Object.hasOwn(PROVIDERS, name)) throw new Error(`Unknown provider "${name}"`)
  return PROVIDERS[name as ProviderName].create
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
