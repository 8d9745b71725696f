import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { vendorCatalog } from '../../src/vendors/index.js'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'
import { INPUT_DEFAULTS, inputNames } from '../../src/core/inputs.js'
import { ROOT } from '../simulators/runner.js'

const actionSchema = z.object({
  runs: z.object({
    using: z.string(),
    main: z.string(),
    post: z.string().optional(),
    'post-if': z.string().optional()
  }),
  inputs: z.record(
    z.string(),
    z.object({
      description: z.string(),
      required: z.boolean().optional(),
      default: z.string().optional()
    })
  ),
  outputs: z.record(z.string(), z.object({ description: z.string() }))
})

const action = actionSchema.parse(parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')))
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** The names in the first column of the table under a README heading. */
function tableNames(heading: string): string[] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return [...section.matchAll(/^\|\s*`([a-z-]+)`\s*\|/gm)].map((match) => match[1]!)
}

describe('action.yml', () => {
  it('runs the bundle on node24, with a post step', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'always()'
    })
  })

  it('declares exactly the inputs the code reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...inputNames(vendorCatalog())].sort())
  })

  it('has the same defaults as the code uses when an input is unset', () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined || name === 'github-token' ? [] : [[name, input.default]]
      )
    )
    expect(declared).toEqual(INPUT_DEFAULTS)
    expect(action.inputs['github-token']?.default).toBe('${{ github.token }}')
  })
})

describe('README', () => {
  it('documents every input and no other, in the order of action.yml', () => {
    expect(tableNames('Inputs')).toEqual(Object.keys(action.inputs))
  })

  it('documents every output and no other', () => {
    expect(tableNames('Outputs')).toEqual(Object.keys(action.outputs))
  })
})
