import { empiricalKit } from './empirical.js'
import { futureAgiKit } from './futureagi.js'
import type { VendorKit } from './kit.js'
import { octomindKit } from './octomind.js'
import { testiflyKit } from './testifly.js'

/** Every vendor's test kit, in the registry's order: the one list every test matrix reads. */
export const KITS: readonly VendorKit[] = [octomindKit, testiflyKit, futureAgiKit, empiricalKit]

export function kitOf(provider: string): VendorKit {
  const kit = KITS.find((candidate) => candidate.provider === provider)
  if (!kit) throw new Error(`no test kit for ${provider}: add __tests__/vendors/${provider}.ts`)
  return kit
}
