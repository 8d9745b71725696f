import { VENDORS } from '../src/vendors/index.js'
import type { VendorModule } from '../src/vendors/provider.js'

/**
 * The parts of README.md and SECURITY.md that say the same thing of every vendor, made from the
 * vendor modules (src/vendors/<name>/index.ts): a fact is written once, beside its code.
 * `npm run docs` writes them; __tests__/unit/docs.test.ts fails when a file is behind.
 *
 * A region is the text between `<!-- vendors:<name> -->` and `<!-- /vendors:<name> -->`.
 */

export const DOC_FILES = ['README.md', 'SECURITY.md'] as const

type Region = (vendors: readonly VendorModule[]) => string

const REGIONS: Record<string, Region> = {
  /** README "Re-running only the failed tests". */
  rerun: (vendors) =>
    table(
      ['vendor', 'what the re-run sends'],
      vendors.map((vendor) => [vendor.displayName, rerunCell(vendor)])
    ),
  /** README "Pick your vendor": what a first run needs, and where each value is found. */
  pick: (vendors) =>
    table(
      ['vendor', '`provider:`', 'a first run needs', 'the API key', '`target-id`', 'secrets'],
      vendors.map((vendor) => [
        vendor.displayName,
        `\`${vendor.name}\``,
        vendor.facts.firstRun,
        vendor.facts.key.from,
        vendor.facts.target?.from ?? '(none: the key names the project)',
        vendor.facts.key.secrets.map((name) => `\`${name}\``).join(', ')
      ])
    ),
  /** SECURITY.md "The test platform". */
  hosts: (vendors) =>
    table(
      ['provider', 'host (default)', 'credentials'],
      vendors.map((vendor) => [
        `\`${vendor.name}\``,
        `\`${vendor.facts.apiUrl}\``,
        vendor.facts.credentials
      ])
    ),
  /** SECURITY.md: what each vendor is sent. */
  sends: (vendors) =>
    vendors.map((vendor) => `- **${vendor.displayName}**: ${vendor.facts.sends}.`).join('\n')
}

function rerunCell(vendor: VendorModule): string {
  if (vendor.capabilities.rerun === 'none')
    return 'nothing: it cannot re-run only some tests, so every test runs'
  return vendor.facts.rerunSends ?? ''
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

/** The text with every region it holds made anew from the vendors. */
export function withVendorRegions(
  text: string,
  vendors: readonly VendorModule[] = VENDORS
): string {
  return text.replace(
    /(<!-- vendors:([a-z-]+) -->)[\s\S]*?(<!-- \/vendors:\2 -->)/g,
    (whole, start: string, name: string, end: string) => {
      const region = REGIONS[name]
      if (!region) throw new Error(`unknown vendor region "${name}"`)
      return `${start}\n\n${region(vendors)}\n\n${end}`
    }
  )
}

/** The names of the regions a text holds. */
export function regionsIn(text: string): string[] {
  return [...text.matchAll(/<!-- vendors:([a-z-]+) -->/g)].map((match) => match[1] ?? '')
}
