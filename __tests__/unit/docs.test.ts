import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { DOC_FILES, regionsIn, withVendorRegions } from '../../scripts/docs-lib.js'
import { VENDORS } from '../../src/vendors/index.js'
import { ROOT } from '../simulators/runner.js'

/**
 * What the docs say of each vendor comes from its module: the README's and SECURITY.md's vendor
 * tables are made by `npm run docs`, and action.yml names each vendor's own inputs as its own.
 */

describe.each(DOC_FILES.map((file) => ({ file })))('$file', ({ file }) => {
  const path = join(ROOT, file)
  const text = readFileSync(path, 'utf8')

  it('holds the vendor tables as the vendor modules make them (run npm run docs)', async () => {
    const options = await resolveConfig(path)
    expect(await format(withVendorRegions(text), { ...options, filepath: path })).toBe(text)
  })

  it('names every vendor in each of its tables', () => {
    expect(regionsIn(text).length).toBeGreaterThan(0)
    for (const region of regionsIn(text)) {
      const start = text.indexOf(`<!-- vendors:${region} -->`)
      const body = text.slice(start, text.indexOf(`<!-- /vendors:${region} -->`))
      for (const vendor of VENDORS)
        expect(body).toMatch(new RegExp(`${vendor.displayName}|\`${vendor.name}\``))
    }
  })
})

describe('the lists of vendors written by hand', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string }>
  }
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const readmeRow = (input: string) =>
    readme.split('\n').find((line) => line.startsWith(`| \`${input}\` `)) ?? ''

  it('name every vendor in the provider input', () => {
    for (const vendor of VENDORS) {
      expect(action.inputs.provider?.description).toContain(vendor.name)
      expect(readmeRow('provider')).toContain(`\`${vendor.name}\``)
    }
  })

  it('name every vendor that takes a target in the target-id input', () => {
    for (const vendor of VENDORS.filter((candidate) => candidate.facts.target)) {
      expect(action.inputs['target-id']?.description).toContain(vendor.displayName)
      expect(readmeRow('target-id')).toContain(vendor.displayName)
    }
  })
})

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string }>
  }

  it.each(VENDORS.map((vendor) => ({ vendor, name: vendor.name })))(
    "lists $name's own inputs, each described as that vendor's",
    ({ vendor }) => {
      for (const input of Object.keys(vendor.ownInputs))
        expect(action.inputs[input]?.description, input).toMatch(
          new RegExp(`^${vendor.displayName}:`)
        )
    }
  )
})
