import { describe, expect, it } from 'vitest'
import { parseInputs } from '../../src/core/inputs.js'
import { planRerun } from '../../src/run/rerun.js'
import { createProvider, vendorCatalog, VENDORS } from '../../src/vendors/index.js'
import { defineVendor, type VendorOperations } from '../../src/vendors/provider.js'
import { countTests } from '../../src/report/model.js'
import { digestOf } from '../../src/report/digest.js'

/**
 * Each vendor module describes itself; what it declares must be what its provider does, and what
 * it leaves undeclared is taken as absent (the truthful default).
 */

const setup = { log: () => {}, warn: () => {}, client: {} }
const settingsFor = (provider: string) =>
  parseInputs(
    (name) =>
      ({ provider, 'api-key': 'k-123', 'api-secret': 's-456', 'target-id': 't-1' })[name] ?? '',
    vendorCatalog()
  )

describe.each(VENDORS.map((vendor) => ({ vendor, name: vendor.name })))('$name', ({ vendor }) => {
  it('declares what its provider does: cancel and history present exactly when declared', () => {
    expect(() => createProvider(settingsFor(vendor.name), setup)).not.toThrow()
  })

  it('takes a target exactly when it reads target-id, and tests a URL exactly when it reads url', () => {
    expect(vendor.facts.target !== undefined).toBe(vendor.inputs.includes('target-id'))
    expect(vendor.capabilities.testsUrl).toBe(vendor.inputs.includes('url'))
  })

  it('says where its key is found, what it is sent, and what a re-run sends', () => {
    const { key, sends, rerunSends, firstRun } = vendor.facts
    // What a re-run sends is said exactly when the vendor re-runs a selection.
    expect(rerunSends === undefined).toBe(vendor.capabilities.rerun === 'none')
    for (const fact of [key.from, sends, rerunSends ?? '', firstRun].filter(Boolean))
      expect(fact.length).toBeGreaterThan(10)
    expect(vendor.facts.apiUrl).toMatch(/^https:\/\//)
    expect(vendor.facts.key.secrets.length).toBeGreaterThan(0)
  })
})

describe('a vendor module that declares nothing', () => {
  const bare: VendorOperations = {
    validate: () => {},
    trigger: () => Promise.reject(new Error('not here')),
    observe: () => Promise.reject(new Error('not here'))
  }
  const module = defineVendor({
    name: 'bare',
    displayName: 'Bare',
    inputs: [],
    ownInputs: {},
    facts: {
      apiUrl: 'https://bare.example',
      credentials: '',
      key: { from: '', secrets: [] },
      firstRun: '',
      sends: '',
      sources: ''
    },
    create: () => bare
  })
  const provider = createProvider(settingsFor('octomind'), setup, module)

  it('can do nothing it did not declare: no re-run of a selection, no cancel, history, scores or URL', () => {
    expect(module.capabilities).toEqual({
      rerun: 'none',
      cancel: false,
      history: false,
      scores: false,
      testsUrl: false
    })
    expect(provider.variant(settingsFor('octomind'))).toBeUndefined()
  })

  it('runs every test on a re-run of failed tests, and says why, instead of claiming a selection', () => {
    const tests = [
      { id: 'a', name: 'a', status: 'failed' as const, links: [] },
      { id: 'b', name: 'b', status: 'passed' as const, links: [] }
    ]
    const report = {
      provider: 'bare',
      runId: 'r1',
      status: 'failed' as const,
      counts: countTests(tests),
      tests
    }
    const digest = digestOf(
      {
        report,
        verdict: { fails: true, decidedBy: 'fail-on' },
        config: 'c',
        sha: 's',
        workflowRunId: '1',
        attempt: 1
      },
      'key'
    )
    const context = {
      eventName: 'pull_request',
      owner: 'o',
      repo: 'r',
      sha: 's',
      ref: 'f',
      serverUrl: 'https://github.com',
      workflowRunId: '1',
      runAttempt: 2
    }
    const plan = planRerun(context, { digest }, (selection) => provider.rerunProblem(selection))
    expect(plan.selection).toBeUndefined()
    expect(plan.explanation).toBe(
      'rerun: failed, but running every test: Bare cannot re-run only some of its tests.'
    )
  })

  it('reports no history and refuses to cancel, naming itself', async () => {
    await expect(provider.cancel({ runId: 'r', status: 'running' })).rejects.toThrow(
      'Bare has no call to stop a run'
    )
  })

  it('is refused when it declares a capability its provider lacks', () => {
    const lying = defineVendor({ ...module, capabilities: { cancel: true } })
    expect(() => createProvider(settingsFor('octomind'), setup, lying)).toThrow(
      'Bare: capabilities.cancel says true, but cancel() is not there'
    )
  })
})
