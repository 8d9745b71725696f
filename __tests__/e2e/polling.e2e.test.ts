import { describe, expect, it } from 'vitest'
import { OctomindSimulator, octomindInputs, sampleTestCases } from '../simulators/octomind.js'
import { runAction } from '../simulators/runner.js'
import { worldPerTest } from '../simulators/world.js'

const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const IDS = { apiKey: 'om-key', targetId: TARGET, githubToken: 'ghs_token' }
const CASES = sampleTestCases(2)
const waiting = {
  status: 'WAITING',
  results: CASES.map((c) => ({ testCaseId: c.id, status: 'WAITING' }))
}
const passed = {
  status: 'PASSED',
  results: CASES.map((c) => ({ testCaseId: c.id, status: 'PASSED' }))
}

const world = worldPerTest(IDS.githubToken)

async function octomindWith(script: (typeof waiting)[], history = {}) {
  return world.start(
    new OctomindSimulator({ apiKey: IDS.apiKey, testCases: CASES, script, ...history })
  )
}

/** The step on a push, its vendor the given simulator; it passes. */
async function runStep(octomind: OctomindSimulator) {
  const result = await runAction({
    eventName: 'push',
    event: {},
    githubApiUrl: world.github.url,
    inputs: octomindInputs(octomind, IDS)
  })
  expect(result.exitCode).toBe(0)
  return result
}

describe('polling against the Octomind simulator', () => {
  it('a run over at the first look takes that one look, and no history read', async () => {
    const octomind = await octomindWith([waiting, passed], {
      history: [{ durationMs: 60_000, tests: 2 }]
    })
    await runStep(octomind)
    expect(octomind.requestsTo('report')).toHaveLength(1)
    expect(octomind.requestsTo('test-reports')).toHaveLength(0)
  })

  it('reads the history once, after the first look, leaving out runs of another browser or test count', async () => {
    const octomind = await octomindWith([waiting, waiting, waiting, passed], {
      history: [
        { durationMs: 60_000, browser: 'CHROMIUM', breakpoint: 'DESKTOP', tests: 2 },
        { durationMs: 90_000, browser: 'FIREFOX', breakpoint: 'DESKTOP', tests: 2 },
        { durationMs: 20_000, browser: 'CHROMIUM', breakpoint: 'DESKTOP', tests: 1 }
      ]
    })
    const result = await runStep(octomind)
    expect(octomind.requestsTo('test-reports')).toHaveLength(1)
    const order = octomind.requests.map((request) => request.route)
    expect(order.slice(0, 3)).toEqual(['execute', 'report', 'test-reports'])
    expect(result.stdout).toContain(
      "History: 1 recent Octomind run like this one to predict its end (2 left out: they ran otherwise); weighed low, as Octomind's list does not say their environment."
    )
  })
})
