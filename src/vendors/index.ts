import { HttpClient, type HttpClientOptions } from '../core/http.js'
import type { Settings } from '../core/inputs.js'
import { secretsOf } from '../core/secrets.js'
import { sharedInputNames, type VendorCatalog } from '../core/inputs.js'
import { empirical } from './empirical/index.js'
import { futureAgi } from './futureagi/index.js'
import { octomind } from './octomind/index.js'
import { testifly } from './testifly/index.js'
import { NO_HISTORY } from './history.js'
import type { Provider, VendorModule, VendorOperations } from './provider.js'

/** Every vendor testgate can drive, in the order the docs list them: the one list of vendors. */
export const VENDORS: readonly VendorModule[] = [octomind, testifly, futureAgi, empirical]

/** The vendors by the name users write in `provider:`. */
export const PROVIDERS: Readonly<Record<string, VendorModule>> = Object.fromEntries(
  VENDORS.map((vendor) => [vendor.name, vendor])
)

export function providerNames(): string[] {
  return Object.keys(PROVIDERS)
}

/**
 * The vendors and the inputs each one alone reads, for parsing the inputs. An own input is one
 * vendor's alone: two vendors declaring the same name (or one a shared input's name) would have
 * one vendor's users checked by the other's rules, so that is refused here.
 */
export function vendorCatalog(
  modules: Readonly<
    Record<string, Pick<VendorModule, 'ownInputs'> & Partial<VendorModule>>
  > = PROVIDERS
): VendorCatalog {
  const ownInputs = Object.fromEntries(
    Object.entries(modules).map(([name, module]) => [name, module.ownInputs])
  )
  const clash = ownInputClash(ownInputs)
  if (clash) throw new Error(clash)
  const scoring = Object.keys(modules).filter((name) => modules[name]?.capabilities?.scores)
  return { names: Object.keys(modules), ownInputs, scoring }
}

/** Why the vendors' own inputs cannot be told apart, if they cannot. */
function ownInputClash(ownInputs: Record<string, VendorModule['ownInputs']>): string | undefined {
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

export function vendorModule(name: string): VendorModule {
  const vendor = Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined
  if (!vendor) throw new Error(`Unknown provider "${name}"`)
  return vendor
}

export interface ProviderSetup {
  log: (line: string) => void
  warn: (line: string) => void
  /** How the vendor client behaves: the step's deadline, or shorter limits for the post step. */
  client: Pick<HttpClientOptions, 'deadline' | 'requestTimeoutMs' | 'retries'>
}

/**
 * The chosen vendor's provider, with an HTTP client that knows every secret and sends testgate's
 * user agent, and who the vendor is and what it can do, as its module declares.
 */
export function createProvider(
  settings: Settings,
  setup: ProviderSetup,
  vendor: VendorModule = vendorModule(settings.provider)
): Provider {
  const operations = operationsOf(vendor, settings, setup)
  const { name, displayName, inputs, capabilities, facts } = vendor
  // A new object over the operations, which stay as the module made them.
  return Object.assign(Object.create(operations) as VendorOperations, {
    name,
    displayName,
    inputs,
    capabilities,
    facts,
    ...truthfulDefaults(vendor, operations)
  })
}

/**
 * The operations a vendor's provider leaves out, as what they truthfully are: no variant, no
 * history, no cancel call, and no re-run of a selection unless the module declares one. A
 * capability declared without its operation (or the reverse) is a mistake in the module.
 */
function truthfulDefaults(
  vendor: VendorModule,
  operations: VendorOperations
): Pick<Required<VendorOperations>, 'variant' | 'history' | 'cancel' | 'rerunProblem'> {
  const { capabilities, displayName } = vendor
  if (capabilities.cancel !== (operations.cancel !== undefined))
    throw new Error(
      `${displayName}: capabilities.cancel says ${capabilities.cancel}, but cancel() is ${operations.cancel ? '' : 'not '}there`
    )
  if (capabilities.history !== (operations.history !== undefined))
    throw new Error(
      `${displayName}: capabilities.history says ${capabilities.history}, but history() is ${operations.history ? '' : 'not '}there`
    )
  const cannotRerun = `${displayName} cannot re-run only some of its tests`
  return {
    variant: operations.variant?.bind(operations) ?? (() => undefined),
    history: operations.history?.bind(operations) ?? (() => Promise.resolve(NO_HISTORY)),
    cancel:
      operations.cancel?.bind(operations) ??
      (() => Promise.reject(new Error(`${displayName} has no call to stop a run`))),
    rerunProblem:
      capabilities.rerun === 'none'
        ? () => cannotRerun
        : (operations.rerunProblem?.bind(operations) ?? (() => undefined))
  }
}

function operationsOf(vendor: VendorModule, settings: Settings, setup: ProviderSetup) {
  const secrets = secretsOf(settings)
  return vendor.create({
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
