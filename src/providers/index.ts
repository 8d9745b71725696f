import { createEmpirical } from './empirical.js'
import { createFutureAgi } from './futureagi.js'
import { createOctomind } from './octomind.js'
import { createTestifly } from './testifly.js'
import type { ProviderFactory, ProviderName } from './provider.js'

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
