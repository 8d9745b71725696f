import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { vendorModule, VENDORS } from '../../src/vendors/index.js'
import { ROOT } from '../simulators/runner.js'
import { KITS } from '../vendors/index.js'

/** Every vendor has its test kit, and the self-test workflow runs every kit's self-test case. */

interface SelfTestWorkflow {
  jobs: {
    'self-test': {
      strategy: { matrix: { include: Record<string, string>[] } }
      steps: { uses?: string; with?: Record<string, string> }[]
    }
  }
}

describe('test kits', () => {
  it('cover every vendor of the registry, in its order', () => {
    expect(KITS.map((kit) => kit.provider)).toEqual(VENDORS.map((vendor) => vendor.name))
    expect(KITS.map((kit) => kit.display)).toEqual(VENDORS.map((vendor) => vendor.displayName))
  })

  it("are what the self-test workflow runs: each kit's self-test inputs in its matrix", () => {
    const workflow = parse(
      readFileSync(join(ROOT, '.github/workflows/self-test.yml'), 'utf8')
    ) as SelfTestWorkflow
    const job = workflow.jobs['self-test']
    const include = job.strategy.matrix.include
    expect(include.map((leg) => leg.vendor)).toEqual(KITS.map((kit) => kit.provider))
    const step = job.steps.find((candidate) => candidate.uses === './')
    for (const kit of KITS) {
      const leg = include.find((candidate) => candidate.vendor === kit.provider) ?? {}
      // A vendor that takes a second credential gets the simulator's secret from its leg.
      const secret = vendorModule(kit.provider).inputs.includes('api-secret')
        ? 'sim-secret'
        : undefined
      expect(leg['api-secret'], `${kit.provider}: api-secret`).toBe(secret)
      for (const [input, value] of Object.entries(kit.selfTest.inputs)) {
        // The step passes the input on from the matrix, and the matrix holds the kit's value.
        expect(step?.with?.[input], `${kit.provider}: ${input}`).toBe(`\${{ matrix.${input} }}`)
        expect(leg[input], `${kit.provider}: ${input}`).toBe(value)
      }
    }
  })
})
