import { describe, expect, it } from 'vitest'
import { parseInputs } from '../../src/core/inputs.js'
import { legLabel, legOf } from '../../src/report/leg.js'
import { createProvider, vendorCatalog } from '../../src/vendors/index.js'

function settingsOf(inputs: Record<string, string>) {
  const all: Record<string, string> = { 'api-key': 'k', 'target-id': 't', ...inputs }
  return parseInputs((name) => all[name] ?? '', vendorCatalog())
}

function legFor(inputs: Record<string, string>) {
  const settings = settingsOf(inputs)
  const provider = createProvider(settings, { log: () => {}, warn: () => {}, client: {} })
  return legOf(settings, provider)
}

describe('legOf', () => {
  it("takes Octomind's browser and breakpoint as its variant, with or without a name", () => {
    expect(legFor({ provider: 'octomind', browser: 'firefox', breakpoint: 'mobile' })).toEqual({
      name: undefined,
      variant: 'FIREFOX/MOBILE'
    })
    expect(legFor({ provider: 'octomind', browser: 'safari', name: 'smoke' })).toEqual({
      name: 'smoke',
      variant: 'SAFARI'
    })
    expect(legFor({ provider: 'octomind' })).toEqual({ name: undefined, variant: undefined })
  })

  it('has no variant for a provider that declares none', () => {
    expect(legFor({ provider: 'testifly', 'feature-id': 'f', name: 'eu' })).toEqual({
      name: 'eu',
      variant: undefined
    })
  })
})

describe('legLabel', () => {
  it('names the leg once, by its name and variant', () => {
    expect(legLabel({})).toBeUndefined()
    expect(legLabel({ variant: 'FIREFOX' })).toBe('FIREFOX')
    expect(legLabel({ name: 'smoke', variant: 'FIREFOX' })).toBe('smoke · FIREFOX')
    expect(legLabel({ name: 'firefox', variant: 'FIREFOX' })).toBe('firefox')
  })
})
