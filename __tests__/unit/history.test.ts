import { afterEach, describe, expect, it } from 'vitest'
import type { RunContext } from '../../src/github-context.js'
import { parseInputs } from '../../src/inputs.js'
import { createProvider, vendorCatalog } from '../../src/providers/index.js'
import { reportDurations } from '../../src/providers/octomind.js'
import { historyLine, readHistory } from '../../src/wait.js'
import type { Provider } from '../../src/providers/provider.js'
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

  it('Octomind: finished reports give updatedAt − createdAt; a waiting one gives nothing', () => {
    expect(reportDurations(testReportList.data)).toEqual([285_678, 312_000])
  })
})

describe('history()', () => {
  it('Octomind lists the target’s reports', async () => {
    const sim = new OctomindSimulator({
      apiKey: 'k',
      testCases: sampleTestCases(1),
      script: [],
      history: [60_000, 65_000]
    })
    const { provider, request } = await providerFor(sim, {
      provider: 'octomind',
      'target-id': TARGET,
      url: 'https://x.example'
    })
    expect(await provider.history!(request)).toEqual([60_000, 65_000])
    expect(sim.requestsTo('test-reports')[0]?.query.toString()).toBe('')
  })

  it('Empirical lists ended runs of the same environment', async () => {
    const sim = new EmpiricalSimulator({
      apiKey: 'k',
      environments: ['staging'],
      projectSlug: 'shop',
      states: ['queued'],
      tests: [],
      history: [120_000, 130_000]
    })
    const { provider, request } = await providerFor(sim, {
      provider: 'empirical',
      environment: 'staging'
    })
    expect(await provider.history!(request)).toEqual([120_000, 130_000])
    expect(sim.requestsTo('list')[0]?.query.get('state')).toBe('ended')
  })

  it('Future AGI lists completed executions; an agent run test’s summed call times are left out', async () => {
    const options = {
      apiKey: 'k',
      apiSecret: 's',
      runTestId: RUN_TEST,
      scenarios: [],
      steps: [],
      history: [141, 150]
    }
    const prompt = await providerFor(new FutureAgiSimulator(options), {
      provider: 'futureagi',
      'api-secret': 's',
      'target-id': RUN_TEST
    })
    expect(await prompt.provider.history!(prompt.request)).toEqual([141_000, 150_000])
    const agent = await providerFor(
      new FutureAgiSimulator({ ...options, sourceType: 'agent_definition' }),
      { provider: 'futureagi', 'api-secret': 's', 'target-id': RUN_TEST }
    )
    expect(await agent.provider.history!(agent.request)).toEqual([])
  })
})

describe('readHistory', () => {
  const request = { settings: {}, context } as never
  const provider = (history?: Provider['history']) =>
    ({ displayName: 'V', history }) as unknown as Provider

  it('is empty for a vendor that lists no runs', async () => {
    expect(await readHistory(provider(), request, 100)).toEqual([])
  })

  it('turns an error or a slow answer into no history, never a failure', async () => {
    const failing = provider(() => Promise.reject(new Error('HTTP 500')))
    const slow = provider(() => new Promise(() => {}))
    expect(await readHistory(failing, request, 100)).toEqual([])
    expect(await readHistory(slow, request, 10)).toEqual([])
  })

  it('says in the log what it found, and says an empty list is no history', () => {
    expect(historyLine('Octomind', [60_000, 70_000])).toBe(
      "History: 2 recent Octomind runs to predict this one's end."
    )
    expect(historyLine('Octomind', [])).toBe(
      'No history: Octomind lists no finished run of this target yet.'
    )
    expect(historyLine('Octomind', 'timeout')).toBe(
      'No history: Octomind took too long to list recent runs.'
    )
  })
})
