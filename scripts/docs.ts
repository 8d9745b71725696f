import { readFileSync, writeFileSync } from 'node:fs'
import { format, resolveConfig } from 'prettier'
import { DOC_FILES, withVendorRegions } from './docs-lib.js'

// npm run docs: writes the vendor tables of README.md and SECURITY.md from the vendor modules.
for (const file of DOC_FILES) {
  const text = readFileSync(file, 'utf8')
  const options = await resolveConfig(file)
  const made = await format(withVendorRegions(text), { ...options, filepath: file })
  if (made !== text) writeFileSync(file, made)
  console.log(`${file}: ${made === text ? 'up to date' : 'written'}`)
}
