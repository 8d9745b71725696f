import { afterEach, describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github/context.js'
import { parseInputs } from '../../src/core/inputs.js'
import { createProvider, vendorCatalog } from '../../src/vendors/index.js'
import { comparableRuns, NO_HISTORY } from '../../src/vendors/history.js'
import { pastReports } from '../../src/vendors/octomind/mapping.js'
import { historyLine, readHistory } from '../../src/wait/wait.js'
import type { Provider } from '../../src/vendors/provider.js'
import { countTests, type RunReport } from '../../src/report/model.js'
import { listResponseExample, listResponseSchema } from '../contracts/empirical.js'
import { executionsPage, executionsPageSchema } from '../contracts/futureagi.js'
import { testReportList, testReportListSchema } from '../contracts/octomind.js'
import { EmpiricalSimulator } from '../simulators/empirical.js'
import { FutureAgiSimulator } from '../simulators/futureagi.js'
import type { SimServer } from '../simulators/harness.js'
import { OctomindSimulator, sampleTestCases } from '../simulators/octomind.js'

const TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const RUN_TEST = '0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c'
const context: RunContext = {
  eventName: 'push',
  owner: 'acme',
  repo: 'shop',
  sha: 'abc',
  ref: 'refs/heads/main',
  serverUrl: 'https://github.com'
}

const servers: SimServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function providerFor(server: SimServer, inputs: Record<string, string>) {
  servers.push(server)
  const url = await server.start()
  const all: Record<string, string> = { 'api-key': 'k', 'api-url': url, ...inputs }
  const settings = parseInputs((name) => all[name] ?? '', vendorCatalog())
  const quiet = { log: () => {}, warn: () => {}, client: { deadline: Date.now() + 60_000 } }
  return { provider: createProvider(settings, quiet), request: { settings, context } }
}

describe('history contracts', () => {
  it('each list fixture parses with its contract', () => {
    expect(testReportListSchema.safeParse(testReportList).error).toBeUndefined()
    expect(listResponseSchema.safeParse(listResponseExample).error).toBeUndefined()
    expect(executionsPageSchema.safeParse(executionsPage).error).toBeUndefined()
  })

  it('Octomind: finished reports give updatedAt − createdAt and how they ran; a waiting one gives nothing', () => {
    expect(pastReports(testReportList.data)).toEqual([
      { durationMs: 285_678, traits: { browser: 'CHROMIUM', breakpoint: 'DESKTOP', tests: 3 } },
      { durationMs: 312_000, traits: { browser: 'CHROMIUM', breakpoint: 'DESKTOP' } }
    ])
  })
})

/** A run as a first look sees it: `total` tests, none done. */
function runOf(total: number): RunReport {
  const tests = Array.from({ length: total }, (_, i) => ({
    id: String(i),
    name: `t${i}`,
    status: 'running' as const,
    links: []
  }))
  return { provider: 'x', runId: 'r', status: 'running', counts: countTests(tests), tests }
}

describe('comparableRuns', () => {
  const thisRun = { environment: 'staging', tests: 12, browser: undefined }

  it('keeps the runs that agree on everything they state, and counts the others', () => {
    const history = comparableRuns(thisRun, [
      { durationMs: 60_000, traits: { environment: 'staging', tests: 12 } },
      { durationMs: 30_000, traits: { environment: 'production', tests: 12 } },
      { durationMs: 20_000, traits: { environment: 'staging', tests: 4 } },
      { durationMs: 0, traits: {} }
    ])
    expect(history).toEqual({ durationsMs: [60_000], leftOut: 2, unstated: [] })
  })

  it('keeps a run that does not state a trait, and says which trait went unchecked', () => {
    const history = comparableRuns(thisRun, [
      { durationMs: 60_000, traits: { environment: 'staging', tests: 12 } },
      { durationMs: 62_000, traits: { tests: 12 } }
    ])
    expect(history).toEqual({
      durationsMs: [60_000, 62_000],
      leftOut: 0,
      unstated: ['environment']
    })
  })

  it('compares nothing this run does not know yet', () => {
    const history = comparableRuns({ tests: undefined }, [
      { durationMs: 60_000, traits: { tests: 12 } }
    ])
    expect(history).toEqual({ durationsMs: [60_000], leftOut: 0, unstated: [] })
  })
})

describe('history()', () => {
  it('Octomind keeps reports of this browser, breakpoint and test count; their environment stays unverified', async () => {
    const sim = new OctomindSimulator({
      apiKey: 'k',
      testCases: sampleTestCases(2),
      script: [],
      history: [
        { durationMs: 60_000, browser: 'CHROMIUM', breakpoint: 'DESKTOP', tests: 2 },
        { durationMs: 65_000 },
        { durationMs: 90_000, browser: 'FIREFOX', breakpoint: 'DESKTOP', tests: 2 },
        { durationMs: 95_000, breakpoint: 'MOBILE' },
        { durationMs: 20_000, tests: 1 }
      ]
    })
    const { provider, request } = await providerFor(sim, {
      provider: 'octomind',
      'target-id': TARGET,
      url: 'https://x.example'
    })
    expect(await provider.history!(request, runOf(2))).toEqual({
      durationsMs: [60_000, 65_000],
      leftOut: 3,
      unstated: ['environment', 'browser', 'breakpoint', 'tests']
    })
    expect(sim.requestsTo('test-reports')[0]?.query.toString()).toBe('')
  })

  it('Octomind compares a browser the step asked for', async () => {
    const sim = new OctomindSimulator({
      apiKey: 'k',
      testCases: sampleTestCases(1),
      script: [],
      history: [
        { durationMs: 60_000, browser: 'CHROMIUM' },
        { durationMs: 90_000, browser: 'FIREFOX' }
      ]
    })
    const { provider, request } = await providerFor(sim, {
      provider: 'octomind',
      'target-id': TARGET,
      url: 'https://x.example',
      browser: 'firefox'
    })
    expect((await provider.history!(request, runOf(1))).durationsMs).toEqual([90_000])
  })

  it('Empirical keeps ended runs of this environment and test count', async () => {
    const sim = new EmpiricalSimulator({
      apiKey: 'k',
      environments: ['staging', 'production'],
      projectSlug: 'shop',
      states: ['queued'],
      tests: [],
      history: [
        { duration: 120_000, tests: 5 },
        { duration: 130_000, tests: 5 },
        { duration: 400_000, environment: 'production', tests: 5 },
        { duration: 30_000, tests: 1 }
      ]
    })
    const { provider, request } = await providerFor(sim, {
      provider: 'empirical',
      environment: 'staging'
    })
    expect(await provider.history!(request, runOf(5))).toEqual({
      durationsMs: [120_000, 130_000],
      leftOut: 2,
      unstated: []
    })
    expect(sim.requestsTo('list')[0]?.query.get('state')).toBe('ended')
  })

  it('Future AGI keeps completed executions with as many calls; an agent run test’s summed call times are left out', async () => {
    const options = {
      apiKey: 'k',
      apiSecret: 's',
      runTestId: RUN_TEST,
      scenarios: [],
      steps: [],
      history: [141, 150, { duration: 600, calls: 8 }]
    }
    const prompt = await providerFor(new FutureAgiSimulator(options), {
      provider: 'futureagi',
      'api-secret': 's',
      'target-id': RUN_TEST
    })
    expect(await prompt.provider.history!(prompt.request, runOf(2))).toEqual({
      durationsMs: [141_000, 150_000],
      leftOut: 1,
      unstated: []
    })
    const agent = await providerFor(
      new FutureAgiSimulator({ ...options, sourceType: 'agent_definition' }),
      { provider: 'futureagi', 'api-secret': 's', 'target-id': RUN_TEST }
    )
    expect((await agent.provider.history!(agent.request, runOf(2))).durationsMs).toEqual([])
  })
})

describe('readHistory', () => {
  const request = { settings: {}, context } as never
  const provider = (history?: Provider['history']) =>
    ({
      displayName: 'V',
      history,
      capabilities: { history: history !== undefined }
    }) as unknown as Provider

  it('is empty for a vendor that lists no runs', async () => {
    expect(await readHistory(provider(), request, runOf(1), 100)).toEqual(NO_HISTORY)
  })

  it('turns an error or a slow answer into no history, never a failure', async () => {
    const failing = provider(() => Promise.reject(new Error('HTTP 500')))
    const slow = provider(() => new Promise(() => {}))
    expect(await readHistory(failing, request, runOf(1), 100)).toEqual(NO_HISTORY)
    expect(await readHistory(slow, request, runOf(1), 10)).toEqual(NO_HISTORY)
  })

  it('hands the provider the run as the first look saw it', async () => {
    const seen: number[] = []
    const counting = provider(async (_request, run) => {
      seen.push(run.counts.total)
      return NO_HISTORY
    })
    await readHistory(counting, request, runOf(7), 100)
    expect(seen).toEqual([7])
  })

  it('says in the log what it found, what it left out and what it could not check', () => {
    const found = { durationsMs: [60_000, 70_000], leftOut: 0, unstated: [] }
    expect(historyLine('Octomind', found)).toBe(
      'History: 2 recent Octomind runs like this one to predict its end.'
    )
    expect(historyLine('Octomind', { ...found, leftOut: 3, unstated: ['environment'] })).toBe(
      'History: 2 recent Octomind runs like this one to predict its end (3 left out: they ran otherwise); ' +
        "weighed low, as Octomind's list does not say their environment."
    )
    expect(historyLine('Octomind', NO_HISTORY)).toBe(
      'No history: Octomind lists no finished run like this one yet.'
    )
    expect(historyLine('Octomind', 'timeout')).toBe(
      'No history: Octomind took too long to list recent runs.'
    )
  })
})
