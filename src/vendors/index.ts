import { HttpClient, type HttpClientOptions } from '../http.js'
import type { Settings } from '../inputs.js'
import { secretsOf } from '../secrets.js'
import { sharedInputNames, type VendorCatalog } from '../inputs.js'
import { empirical } from './empirical/provider.js'
import { futureAgi } from './futureagi/provider.js'
import { octomind } from './octomind/provider.js'
import { testifly } from './testifly/provider.js'
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

/**
 * The vendors and the inputs each one alone reads, for parsing the inputs. An own input is one
 * vendor's alone: two vendors declaring the same name (or one a shared input's name) would have
 * one vendor's users checked by the other's rules, so that is refused here.
 */
export function vendorCatalog(
  modules: Readonly<Record<string, ProviderModule>> = PROVIDERS
): VendorCatalog {
  const ownInputs = Object.fromEntries(
    Object.entries(modules).map(([name, module]) => [name, module.ownInputs])
  )
  const clash = ownInputClash(ownInputs)
  if (clash) throw new Error(clash)
  const scoring = Object.keys(modules).filter((name) => modules[name]?.scores === true)
  return { names: Object.keys(modules), ownInputs, scoring }
}

/** Why the vendors' own inputs cannot be told apart, if they cannot. */
function ownInputClash(ownInputs: Record<string, ProviderModule['ownInputs']>): string | undefined {
  const owner = new Map<string, string>(sharedInputNames().map((name) => [name, 'every vendor']))
  for (const [vendor, own] of Object.entries(ownInputs)) {
    for (const input of Object.keys(own)) {
      const other = owner.get(input)
      if (other)
        return `Input "${input}" is declared by ${vendor} and by ${other}: an own input belongs to one vendor.`
      owner.set(input, vendor)
    }
  }
  return undefined
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
