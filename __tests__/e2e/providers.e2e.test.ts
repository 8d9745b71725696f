import { describe, expect, it } from 'vitest'
import { vendorModule } from '../../src/vendors/index.js'
import { KEY, vendorWorld } from '../simulators/vendor-world.js'
import { KITS } from '../vendors/index.js'

/**
 * The same end-to-end matrix for every vendor, from its test kit (__tests__/vendors/): pass,
 * fail, input errors, a fault survived with one trigger, an auth failure, an input that does not
 * apply; and each kit's self-test run. What is particular to a vendor is in
 * vendor-specifics.e2e.test.ts (Octomind's in its own file), the verdict policy in
 * policy.e2e.test.ts.
 */

const { world, start, run } = vendorWorld()
const VENDORS = KITS.map((kit) => ({ provider: kit.provider, display: kit.display, ...kit.matrix }))

describe.each(VENDORS)('$display, end to end through dist/index.js', (vendorCase) => {
  const simulator = (outcome: 'pass' | 'fail') => vendorCase.simulator(outcome, KEY)
  const inputsAt = (url: string) => vendorCase.inputs(url, KEY)
  it('passes: outputs, job summary and PR comment from its report', async () => {
    const sim = await start(simulator('pass'))
    const result = await run(inputsAt(sim.url))

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs).toMatchObject({
      status: 'passed',
      total: String(vendorCase.total),
      failed: '0'
    })
    expect(result.summary).toContain(
      `✅ ${vendorCase.display}: all ${vendorCase.total} tests passed`
    )
    const comment = world.github.commentsOn(21)
    expect(comment).toHaveLength(1)
    expect(comment[0]?.body).toMatch(new RegExp(`^<!-- testgate:${vendorCase.provider}:`))
    expect(sim.requestsTo(vendorCase.triggerRoute)).toHaveLength(1)
  })

  it('fails the step and puts the failing test first in the comment', async () => {
    const sim = await start(simulator('fail'))
    const result = await run(inputsAt(sim.url))

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', failed: '1' })
    expect(result.errors.join('\n')).toContain(
      `${vendorCase.display}: 1 of ${vendorCase.total} tests failed`
    )
    const body = world.github.commentsOn(21)[0]?.body ?? ''
    // named as it is, or linked to its page where the vendor has one (Octomind's result)
    const entry = [`❌ **${vendorCase.failingTest}**`, `❌ **[${vendorCase.failingTest}](`]
    expect(entry.some((text) => body.includes(text))).toBe(true)
    expect(body).toContain(vendorCase.failingError)
    expect(body.indexOf(vendorCase.failingTest)).toBeLessThan(body.indexOf('passed</summary>'))
  })

  it('rejects a bad input before calling the vendor', async () => {
    const sim = await start(simulator('pass'))
    const result = await run({ ...inputsAt(sim.url), ...vendorCase.badInput.inputs })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain(vendorCase.badInput.message)
    expect(sim.requests).toHaveLength(0)
  })

  it('survives a 500 and a 429 while polling, with one trigger', async () => {
    const sim = await start(simulator('pass'))
    sim.inject(
      vendorCase.pollRoute,
      { kind: 'status', status: 500, body: { message: 'internal error' } },
      {
        kind: 'status',
        status: 429,
        body: { message: 'slow down' },
        headers: { 'retry-after': '1' }
      },
      { kind: 'bad-json' }
    )
    const result = await run(inputsAt(sim.url))

    expect(result.exitCode, result.stdout).toBe(0)
    expect(sim.requestsTo(vendorCase.triggerRoute)).toHaveLength(1)
    expect(result.stdout).toContain('HTTP 429')
  })

  it('reports an auth failure with the status and the vendor message, never the key', async () => {
    const sim = await start(simulator('pass'))
    const result = await run({ ...inputsAt(sim.url), 'api-key': 'wrong-key-42' })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toMatch(
      new RegExp(
        `Could not start the ${vendorCase.display} run\\. ${vendorCase.display}: (POST|PUT) \\S+ failed with HTTP 401`
      )
    )
    const printed = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
    expect(printed.join('\n') + result.stderr).not.toContain('wrong-key-42')
  })

  it('warns about an input that does not apply to it', async () => {
    const sim = await start(simulator('pass'))
    const result = await run({ ...inputsAt(sim.url), ...vendorCase.ignoredInput })

    const [name] = Object.keys(vendorCase.ignoredInput)
    expect(result.exitCode).toBe(0)
    expect(result.warnings.join('\n')).toContain(
      `Input "${name}" does not apply to ${vendorCase.display}; it is ignored.`
    )
  })
})

describe.each(KITS)("$display: the self-test workflow's run", (kit) => {
  it('passes with its 5 tests, as .github/workflows/self-test.yml expects', async () => {
    const sim = await start(kit.selfTest.simulator('sim-key', 'sim-secret'))
    const result = await run({
      provider: kit.provider,
      'api-key': 'sim-key',
      // A vendor that reads a second credential gets it, as the self-test workflow passes it.
      'api-secret': vendorModule(kit.provider).inputs.includes('api-secret') ? 'sim-secret' : '',
      'api-url': sim.url,
      ...kit.selfTest.inputs,
      comment: 'off'
    })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'passed', total: '5' })
  })
})
