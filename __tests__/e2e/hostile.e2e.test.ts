import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GitHubSimulator } from '../simulators/github.js'
import { SimServer } from '../simulators/harness.js'
import { OctomindSimulator, sampleTestCases, scriptedRun } from '../simulators/octomind.js'
import { runAction, type ActionResult, type ActionRun } from '../simulators/runner.js'
import { TestmoSimulator } from '../simulators/testmo.js'
import { KITS } from '../vendors/index.js'

/**
 * The hostile world: vendors, proxies and GitHub that send what they should not. Every outside
 * string that reaches the step log, the outputs or a file is tried with workflow-command payloads;
 * redirects lead elsewhere; secrets are echoed back; a proxy stalls or refuses.
 */

const KEY = 'hostile-vendor-key-123456'
const SECRET = 'hostile-vendor-secret-654321'
const GITHUB_TOKEN = 'ghs_hostile_token_abcdef'
const TESTMO_TOKEN = 'testmo-hostile-token-9999'
const SECRETS = [KEY, SECRET, GITHUB_TOKEN, TESTMO_TOKEN]
const UUID = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const PR_EVENT = {
  pull_request: { number: 5, node_id: 'PR_5', head: { sha: 'ab'.repeat(20), ref: 'feature/x' } }
}

/** Line breaks of every kind, each followed by a workflow command. */
const PAYLOADS = [
  '\n::error::INJECTED-error',
  '\r\n::add-mask::INJECTED-mask',
  '\r::stop-commands::INJECTED-stop',
  '\n::set-output name=status::INJECTED-output',
  '\u2028::warning::INJECTED-warning',
  '\n##[error]INJECTED-legacy'
]
const ALL = PAYLOADS.join('')

let github: GitHubSimulator
const servers: { close: () => Promise<void> }[] = []

beforeEach(async () => {
  github = new GitHubSimulator(GITHUB_TOKEN)
  await github.start()
})

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
  await github.close()
})

async function started<T extends SimServer>(server: T): Promise<T> {
  servers.push(server)
  await server.start()
  return server
}

function run(inputs: Record<string, string>, overrides: Partial<ActionRun> = {}) {
  return runAction({
    eventName: 'pull_request',
    event: PR_EVENT,
    githubApiUrl: github.url,
    ...overrides,
    inputs: {
      'poll-interval-seconds': '1',
      'timeout-minutes': '1',
      'github-token': GITHUB_TOKEN,
      ...inputs
    }
  })
}

/**
 * What the runner would execute: every stdout line that starts a workflow command. Only
 * testgate's own may appear: masks of its secrets, and annotations, whose text the toolkit escapes.
 */
function expectNoInjectedCommand(result: ActionResult): void {
  for (const line of result.stdout.split(/\r\n|\r|\n/)) {
    if (!/^\s*(::|##\[)/.test(line)) continue
    const own =
      /^::(error|warning)::/.test(line) ||
      SECRETS.some((secret) => line === `::add-mask::${secret}`)
    expect(own, `a command line testgate did not write: ${JSON.stringify(line)}`).toBe(true)
    expect(line).not.toMatch(/^::(error|warning)::INJECTED/)
  }
}

// ---- Hostile vendors: every field that reaches the log carries every payload ----------------

const HOSTILE_VENDORS = KITS.map((kit) => ({
  provider: kit.provider,
  server: () => kit.hostile.server(ALL),
  inputs: kit.hostile.inputs(SECRET)
}))

describe.each(HOSTILE_VENDORS)('a hostile $provider', (vendor) => {
  it('never gets a workflow command into the step log, an output or a line of its own', async () => {
    const server = await started(vendor.server())
    const dir = await mkdtemp(join(tmpdir(), 'testgate-hostile-'))
    const result = await run({
      provider: vendor.provider,
      'api-key': KEY,
      'api-url': server.url,
      'junit-path': join(dir, 'junit.xml'),
      ...vendor.inputs
    })

    expect(result.exitCode).toBe(1)
    expectNoInjectedCommand(result)
    expect(result.outputs.status).toMatch(/^(failed|errored)$/)
    // outputs are pasted into scripts: one line each, and nothing the vendor chose as a status
    for (const [name, value] of Object.entries(result.outputs))
      expect(value, `output ${name}`).not.toMatch(/[\r\n\u2028\u0085]/)
    if (result.outputs['report-url'] !== undefined)
      expect(result.outputs['report-url']).toMatch(/^https?:\/\/\S+$/)
    // the vendor's text still reaches the reader, in the summary, which the runner never executes
    expect(result.summary).toContain('INJECTED-error')
  })
})

describe.each(HOSTILE_VENDORS)('a re-run after a hostile $provider', (vendor) => {
  it("reads the vendor's payloads back from the comment's digest without a command reaching the log", async () => {
    const server = await started(vendor.server())
    const inputs = {
      provider: vendor.provider,
      'api-key': KEY,
      'api-url': server.url,
      rerun: 'failed',
      ...vendor.inputs
    }
    const first = await run(inputs)
    expect(first.exitCode).toBe(1)
    // the digest went into the comment as one hidden line, whatever the ids and URLs held
    const comment = github.commentsOn(5)[0]?.body ?? ''
    expect(comment.split('\n')[1]).toMatch(/^<!-- testgate-digest:2:[\w-]+\.[\w-]{22} -->$/)
    // and into the check run, where no vendor text starts an HTML comment of its own
    const summary = github.checks.runs[0]?.output.summary ?? ''
    expect(summary.split('\n')[1]).toMatch(/^<!-- testgate-digest:2:[\w-]+\.[\w-]{22} -->$/)
    expect(summary.split('\n').slice(2).join('\n')).not.toContain('<!--')

    const second = await run(inputs, { env: { GITHUB_RUN_ATTEMPT: '2' } })
    expectNoInjectedCommand(second)
    expect(second.stdout).toMatch(/Re-running the|rerun: failed, but running every test/)
    for (const [name, value] of Object.entries(second.outputs))
      expect(value, `output ${name}`).not.toMatch(/[\r\n\u2028\u0085]/)
  })
})

// ---- Redirects --------------------------------------------------------------------------------

describe('redirects', () => {
  it('never follows a vendor redirect to another origin, and names the host it refused', async () => {
    const elsewhere = await started(
      new SimServer().route('any', 'POST', '/.*', () => ({ status: 200 }))
    )
    const vendor = await started(
      new SimServer().route('execute', 'POST', '/simulate/run-tests/:id/execute/', () => ({
        status: 307,
        headers: { location: `${elsewhere.url}/steal` }
      }))
    )
    const result = await run({
      provider: 'futureagi',
      'api-key': KEY,
      'api-secret': SECRET,
      'api-url': vendor.url,
      'target-id': UUID
    })

    expect(result.exitCode).toBe(1)
    expect(elsewhere.requests).toHaveLength(0)
    expect(result.errors.join('\n')).toContain(
      `was redirected (HTTP 307) to another host, ${new URL(elsewhere.url).host}`
    )
  })

  it('follows a redirect within the vendor origin', async () => {
    const octomind = await started(
      new OctomindSimulator({
        apiKey: KEY,
        testCases: sampleTestCases(1),
        script: scriptedRun([{ testCaseId: sampleTestCases(1)[0]!.id, status: 'PASSED' }])
      })
    )
    octomind.inject('execute', {
      kind: 'status',
      status: 308,
      headers: { location: `${octomind.url}/api/apiKey/v3/execute` }
    })
    const result = await run({
      provider: 'octomind',
      'api-key': KEY,
      'api-url': octomind.url,
      'target-id': UUID,
      url: 'https://a.example'
    })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(octomind.requestsTo('execute')).toHaveLength(2)
  })

  it('never sends the Testmo token to another origin', async () => {
    const elsewhere = await started(
      new SimServer().route('any', 'POST', '/.*', () => ({ status: 200 }))
    )
    const testmo = await started(new TestmoSimulator(TESTMO_TOKEN))
    testmo.inject('create-run', {
      kind: 'status',
      status: 302,
      headers: { location: `${elsewhere.url}/api/v1/projects/1/automation/runs` }
    })
    const octomind = await started(
      new OctomindSimulator({
        apiKey: KEY,
        testCases: sampleTestCases(1),
        script: scriptedRun([{ testCaseId: sampleTestCases(1)[0]!.id, status: 'PASSED' }])
      })
    )
    const result = await run({
      provider: 'octomind',
      'api-key': KEY,
      'api-url': octomind.url,
      'target-id': UUID,
      url: 'https://a.example',
      'testmo-url': testmo.url,
      'testmo-token': TESTMO_TOKEN,
      'testmo-project-id': '1'
    })

    expect(elsewhere.requests).toHaveLength(0)
    expect(result.errors.join('\n')).toContain('to another host')
  })
})

// ---- Secrets echoed back ----------------------------------------------------------------------

/**
 * Everything a user sees, by place: the log but the runner's own masks, summary, comment, check
 * run, outputs.
 */
function seenByUser(result: ActionResult): [string, string][] {
  const comments = github.commentsOn(5).map((comment) => comment.body)
  return [
    ['log', result.stdout.replace(/^::add-mask::.*$/gm, '') + result.stderr],
    ['summary', result.summary],
    ['comment', comments.join('\n')],
    ['check run', JSON.stringify(github.checks.runs)],
    ['outputs', JSON.stringify(result.outputs)]
  ]
}

/** An Octomind run that fails one test, echoing what it is given in its link, the test and its error. */
function echoingOctomind(echo: { reportUrl: string; testId: string; error: string }): SimServer {
  return new SimServer()
    .route('execute', 'POST', '/api/apiKey/v3/execute', () => ({
      status: 200,
      body: { testReportUrl: echo.reportUrl, testReport: { id: 'rep-1', status: 'WAITING' } }
    }))
    .route('report', 'GET', '/api/apiKey/v3/test-targets/:t/test-reports/:r', () => ({
      status: 200,
      body: {
        id: 'rep-1',
        status: 'FAILED',
        testResults: [
          { id: 'r1', testCaseVersionId: echo.testId, status: 'FAILED', errorMessage: echo.error }
        ]
      }
    }))
}

/** A run of that vendor published to every sink, and every place a user then sees. */
async function runEverywhere(
  vendor: SimServer,
  inputs: { 'api-key': string; url: string }
): Promise<{ result: ActionResult; places: [string, string][] }> {
  const testmo = await started(new TestmoSimulator(TESTMO_TOKEN))
  const dir = await mkdtemp(join(tmpdir(), 'testgate-secrets-'))
  const result = await run({
    provider: 'octomind',
    'api-url': (await started(vendor)).url,
    'target-id': UUID,
    'report-path': join(dir, 'report.json'),
    'junit-path': join(dir, 'junit.xml'),
    'testmo-url': testmo.url,
    'testmo-token': TESTMO_TOKEN,
    'testmo-project-id': '1',
    ...inputs
  })
  expect(github.commentsOn(5)).toHaveLength(1)
  const places: [string, string][] = [
    ...seenByUser(result),
    ['report JSON', await readFile(join(dir, 'report.json'), 'utf8')],
    ['JUnit', await readFile(join(dir, 'junit.xml'), 'utf8')],
    ['Testmo', JSON.stringify(testmo.requests.map((request) => request.body))]
  ]
  return { result, places }
}

// A webhook-shaped key, whose secret is its path, and a URL under test with a password in it.
const HOOK_PATH = '/services/T0AB12CD/B0XY98ZW/AbCdEf123456'
const HOOK_KEY = `https://hooks.example.com${HOOK_PATH}`
const STAGING = 'https://deploy:Tr0ub4dor-and-3@staging.example.com/'

/** Neither secret's tail is anywhere, whichever way it was echoed. */
function expectNoHookOrPassword(places: [string, string][]): void {
  for (const [place, text] of places)
    for (const tail of ['AbCdEf123456', 'Tr0ub4dor'])
      expect(text, `${place} holds ${tail}`).not.toContain(tail)
}

describe('secrets echoed by a vendor', () => {
  it('are in no sink: summary, comment, outputs, report JSON, JUnit, Testmo, log', async () => {
    const vendor = echoingOctomind({
      reportUrl: `https://app.example/r?key=${KEY}`,
      testId: `v-${KEY}`,
      error: `${KEY} ${encodeURIComponent(GITHUB_TOKEN)} ${TESTMO_TOKEN}`
    })
    const { result, places } = await runEverywhere(vendor, {
      'api-key': KEY,
      url: 'https://a.example'
    })

    for (const [place, text] of places)
      for (const secret of SECRETS) {
        expect(text, `${place} holds a secret`).not.toContain(secret)
        expect(text, `${place} holds an encoded secret`).not.toContain(encodeURIComponent(secret))
      }
    expect(result.summary).toContain('***')
  })

  it('are in no sink when echoed in part: a key URL by its path, a password of the URL under test', async () => {
    const vendor = echoingOctomind({
      reportUrl: `https://app.example${HOOK_PATH}`,
      testId: 'v-1',
      error: [
        `no hook at ${HOOK_PATH}`,
        `upstream said {"hook":"${HOOK_KEY.replace(/\//g, '\\/')}"}`,
        `retry ${encodeURIComponent(HOOK_PATH)}`,
        'login deploy:Tr0ub4dor-and-3 refused'
      ].join('; ')
    })
    const { result, places } = await runEverywhere(vendor, { 'api-key': HOOK_KEY, url: STAGING })

    expect(result.summary).toContain('https://***@staging.example.com/')
    expectNoHookOrPassword(places)
  })

  it('is in no step error when a vendor echoes a key URL JSON-escaped', async () => {
    const escaped = JSON.stringify({ hook: HOOK_KEY }).replace(/\//g, '\\/')
    const vendor = await started(
      new SimServer().route('execute', 'POST', '/api/apiKey/v3/execute', () => ({
        status: 404,
        body: { message: `no such hook; upstream answered ${escaped}` }
      }))
    )
    const result = await run({
      provider: 'octomind',
      'api-key': HOOK_KEY,
      'api-url': vendor.url,
      'target-id': UUID,
      url: 'https://a.example'
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('upstream answered {"hook":"***"}')
    expect(github.commentsOn(5)).toHaveLength(1)
    expectNoHookOrPassword(seenByUser(result))
  })
})

// ---- Proxies that stall or refuse ------------------------------------------------------------

async function proxyServer(onConnect: (socket: Socket) => void): Promise<Server> {
  const proxy = createServer((_req, res) => res.writeHead(405).end())
  const sockets: Socket[] = []
  proxy.on('connect', (_req, socket: Socket) => {
    sockets.push(socket)
    onConnect(socket)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  servers.push({
    close: async () => {
      for (const socket of sockets) socket.destroy()
      proxy.closeAllConnections()
      await new Promise((resolve) => proxy.close(resolve))
    }
  })
  return proxy
}

function proxyEnv(proxy: Server): Record<string, string> {
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  return { HTTPS_PROXY: url, HTTP_PROXY: url, NO_PROXY: '127.0.0.1' }
}

describe('proxies', () => {
  it('ends with the deadline when the proxy never answers the CONNECT', async () => {
    const proxy = await proxyServer(() => {
      // accepts the connection, never answers
    })
    const result = await run(
      {
        provider: 'octomind',
        'api-key': KEY,
        'api-url': 'https://vendor.invalid',
        'target-id': UUID,
        url: 'https://a.example',
        'timeout-minutes': '0.1'
      },
      { env: proxyEnv(proxy) }
    )

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('got no answer within')
  }, 60_000)

  it('says the proxy refused the credentials on a 407', async () => {
    const proxy = await proxyServer((socket) =>
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n')
    )
    const result = await run(
      {
        provider: 'octomind',
        'api-key': KEY,
        'api-url': 'https://vendor.invalid',
        'target-id': UUID,
        url: 'https://a.example'
      },
      { env: proxyEnv(proxy) }
    )

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('the proxy refused the credentials (HTTP 407)')
    expect(result.errors.join('\n')).not.toContain('UND_ERR')
  })
})

// ---- Errors found before anything is sent -----------------------------------------------------

describe('errors before anything is sent', () => {
  let octomind: OctomindSimulator
  beforeEach(async () => {
    octomind = await started(
      new OctomindSimulator({ apiKey: KEY, testCases: [], script: scriptedRun([]) })
    )
  })
  const octomindInputs = () => ({
    provider: 'octomind',
    'api-key': KEY,
    'api-url': octomind.url,
    'target-id': UUID,
    url: 'https://a.example'
  })

  it('names a junit-path or report-path that cannot be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testgate-paths-'))
    await writeFile(join(dir, 'a-file'), '')
    const result = await run({
      ...octomindInputs(),
      'junit-path': join(dir, 'a-file', 'junit.xml'),
      'report-path': dir
    })

    expect(result.exitCode).toBe(1)
    const errors = result.errors.join('\n')
    expect(errors).toContain(
      `Input "junit-path": cannot write ${join(dir, 'a-file', 'junit.xml')}: a part of the path is a file, not a directory`
    )
    expect(errors).toContain(`Input "report-path": cannot write ${dir}: it is a directory`)
    expect(octomind.requests).toHaveLength(0)
  })

  it('gives a clean error for an event file that is not JSON', async () => {
    const result = await run(octomindInputs(), { rawEvent: 'not json' })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Cannot read the GitHub event at GITHUB_EVENT_PATH')
    expect(result.stdout + result.stderr).not.toMatch(/SyntaxError|\n\s+at /)
    expect(octomind.requests).toHaveLength(0)
  })

  it('takes plain decimals only, and a poll interval of at least a second', async () => {
    const result = await run({
      ...octomindInputs(),
      'timeout-minutes': '0x10',
      'poll-interval-seconds': '0.2'
    })

    const errors = result.errors.join('\n')
    expect(errors).toContain('Input "timeout-minutes": expected a plain number of minutes')
    expect(errors).toContain('Input "poll-interval-seconds": expected at least 1 seconds')
    expect(octomind.requests).toHaveLength(0)
  })

  it('never echoes an api-url with credentials in it', async () => {
    const result = await run({ ...octomindInputs(), 'api-url': 'http://user:hunter2@example.com' })

    expect(result.errors.join('\n')).toContain('Input "api-url"')
    expect(result.stdout + result.stderr).not.toContain('hunter2')
  })

  it('sends a deployment URL to the vendor only when it is http(s)', async () => {
    const result = await run(
      { ...octomindInputs(), url: '' },
      {
        eventName: 'deployment_status',
        event: {
          deployment: { sha: 'ab'.repeat(20), ref: 'main' },
          deployment_status: { state: 'success', environment_url: 'javascript:alert(1)' }
        }
      }
    )

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Input "url" is required for Octomind')
    expect(octomind.requests).toHaveLength(0)
  })
})

// ---- Fork and Dependabot pull requests ----------------------------------------------------------

describe('pull requests GitHub gives no secrets', () => {
  const forkEvent = {
    pull_request: {
      number: 9,
      head: { sha: 'cd'.repeat(20), ref: 'patch-1', repo: { full_name: 'stranger/shop' } },
      base: { repo: { full_name: 'acme/shop' } }
    }
  }

  it('names a fork PR as the reason api-key is empty, and points to the README', async () => {
    const result = await run({ provider: 'octomind', 'api-key': '' }, { event: forkEvent })

    expect(result.exitCode).toBe(1)
    const errors = result.errors.join('\n')
    expect(errors).toContain('a pull request from the fork stranger/shop')
    expect(errors).toContain('Fork and Dependabot pull requests')
  })

  it.each(['pull_request_review', 'pull_request_review_comment'])(
    'names the fork on a %s event too',
    async (eventName) => {
      const result = await run(
        { provider: 'octomind', 'api-key': '' },
        { eventName, event: forkEvent }
      )

      expect(result.errors.join('\n')).toContain('a pull request from the fork stranger/shop')
    }
  )

  it('names a fork deleted since the PR was opened', async () => {
    const gone = {
      pull_request: {
        ...forkEvent.pull_request,
        head: { ...forkEvent.pull_request.head, repo: null }
      }
    }
    const result = await run({ provider: 'octomind', 'api-key': '' }, { event: gone })

    expect(result.errors.join('\n')).toContain(
      'a pull request from a fork that has since been deleted'
    )
    // The summary says it; the fork's read-only token is not asked to write a comment.
    expect(result.summary).toContain("this commit's run did not start")
    expect(github.requestsTo('create-comment')).toHaveLength(0)
  })

  it('names Dependabot as the reason', async () => {
    const result = await run(
      { provider: 'octomind', 'api-key': '' },
      { env: { GITHUB_ACTOR: 'dependabot[bot]' } }
    )

    expect(result.errors.join('\n')).toContain('a pull request opened by Dependabot')
  })
})
