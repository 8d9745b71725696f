// Figures and ratios for what testgate costs: requests made while waiting and how late the step
// ends after the vendor's verdict, against the fixed 5 s loop of the vendor's own action, on a
// simulated clock (scripts/bench-polling.ts) and in real time (scripts/bench-realtime.ts); what
// rendering a large report takes; how long one real run of dist/index.js takes.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { benchPolling } from './bench-polling.js'
import { afterVerdictMs, benchRealtime } from './bench-realtime.js'
import { commentBody, commentMarker } from '../src/report/comment.js'
import { countTests, type RunReport, type TestResult } from '../src/report/model.js'
import { summaryMarkdown } from '../src/report/summary.js'
import { GitHubSimulator } from '../__tests__/simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun
} from '../__tests__/simulators/octomind.js'
import { ROOT, runAction } from '../__tests__/simulators/runner.js'
import { TestmoSimulator } from '../__tests__/simulators/testmo.js'
import { createTestmoClient, TestmoPublisher } from '../src/sinks/testmo-client.js'
import type { RunContext } from '../src/github/context.js'

function bigReport(count: number): RunReport {
  const tests: TestResult[] = Array.from({ length: count }, (_, i) => ({
    id: `test-${i}`,
    name: `Checkout flow step ${i} keeps the cart | with <html> and @mentions`,
    status: i % 20 === 0 ? 'failed' : 'passed',
    durationMs: 1000 + i,
    error: i % 20 === 0 ? `Error: expected true\n${'  at frame\n'.repeat(200)}` : undefined,
    links: [
      { label: 'result', url: `https://app.example/r/${i}` },
      { label: 'trace', url: `https://traces.example/${i}.zip` }
    ]
  }))
  return {
    provider: 'octomind',
    targetId: 't',
    runId: 'r',
    status: 'failed',
    counts: countTests(tests),
    tests
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

{
  const afterVerdict = await afterVerdictMs()
  console.log('## From the verdict to the exit\n')
  console.log(
    `dist/index.js, PR comment looked up and written, no Testmo: ${afterVerdict.toFixed(0)} ms ` +
      '(median of 5, from the look that saw the verdict to the exit; GitHub simulator on loopback)\n'
  )
  // core.info lines of the poll loop would bury the table: only its own lines reach stdout.
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: []) =>
    typeof chunk === 'string' && /^[|#\n]/.test(chunk)
      ? write(chunk, ...rest)
      : true) as typeof process.stdout.write
  const allAhead = await benchPolling(afterVerdict)
  process.stdout.write = write
  console.log(`\nEvery cell ahead on both: ${allAhead ? 'yes' : 'NO'}`)
  const realAhead = await benchRealtime()
  console.log(`\nEvery real-time case ahead on both: ${realAhead ? 'yes' : 'NO'}`)
}

console.log('\n## Rendering a large report\n')
console.log('| tests | summary bytes | comment chars | render ms (median of 5) | heap delta MB |')
console.log('|---|---|---|---|---|')
for (const count of [100, 1_000, 10_000]) {
  const report = bigReport(count)
  const times: number[] = []
  let summaryLength = 0
  let commentLength = 0
  global.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  for (let i = 0; i < 5; i++) {
    const start = performance.now()
    summaryLength = Buffer.byteLength(summaryMarkdown(report, { vendor: 'Octomind' }))
    commentLength = commentBody(
      report,
      { vendor: 'Octomind' },
      commentMarker('octomind', 't', 'job')
    ).length
    times.push(performance.now() - start)
  }
  const heapDelta = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024
  console.log(
    `| ${count} | ${summaryLength} | ${commentLength} | ${median(times).toFixed(1)} | ${heapDelta.toFixed(1)} |`
  )
}

console.log('\n## Publishing to the Testmo simulator (in process, loopback)\n')
console.log('| tests | requests | appends | seconds (median of 3) | tests in Testmo |')
console.log('|---|---|---|---|---|')
// Octomind's simulator holds target ids to the spec: UUIDs.
const BENCH_TARGET = '3435918b-3d29-4ebd-8c68-9a540532f45a'
const benchContext: RunContext = {
  eventName: 'push',
  owner: 'acme',
  repo: 'shop',
  sha: 'abc',
  ref: 'main',
  serverUrl: 'https://github.com'
}
for (const count of [1_000, 10_000]) {
  const seconds: number[] = []
  let requests = 0
  let appends = 0
  let landed = 0
  for (let i = 0; i < 3; i++) {
    const testmo = new TestmoSimulator('tm')
    await testmo.start()
    const settings = { url: testmo.url, token: 'tm', projectId: 1, tags: [] }
    const client = createTestmoClient(settings, {
      secrets: ['tm'],
      deadline: Date.now() + 600_000,
      log: () => {}
    })
    const start = performance.now()
    await new TestmoPublisher(client, settings, () => {}).publish({
      report: bigReport(count),
      context: benchContext,
      vendor: 'Octomind'
    })
    seconds.push((performance.now() - start) / 1000)
    requests = testmo.requests.length
    appends = testmo.requestsTo('append').length
    landed = testmo.onlyRun().tests.length
    await testmo.close()
  }
  console.log(`| ${count} | ${requests} | ${appends} | ${median(seconds).toFixed(2)} | ${landed} |`)
}

console.log(
  '\n## One run of dist/index.js against the simulators (3 tests, 0.05 s poll interval)\n'
)
const octomind = new OctomindSimulator({
  apiKey: 'k',
  testCases: sampleTestCases(3),
  script: scriptedRun(sampleTestCases(3).map((c) => ({ testCaseId: c.id, status: 'PASSED' }))),
  shape: 'v3-case'
})
const github = new GitHubSimulator('t')
await octomind.start()
await github.start()
const wall: number[] = []
for (let i = 0; i < 5; i++) {
  const start = performance.now()
  const result = await runAction({
    eventName: 'pull_request',
    event: { pull_request: { number: 1, head: { sha: 'abc', ref: 'x' } } },
    githubApiUrl: github.url,
    inputs: {
      provider: 'octomind',
      'api-key': 'k',
      'api-url': octomind.url,
      'target-id': BENCH_TARGET,
      url: 'https://x.example',
      'poll-interval-seconds': '1',
      'github-token': 't'
    }
  })
  wall.push(performance.now() - start)
  if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.stdout}`)
}
await octomind.close()
await github.close()
console.log(
  `median wall time: ${median(wall).toFixed(0)} ms (min ${Math.min(...wall).toFixed(0)}, max ${Math.max(...wall).toFixed(0)})`
)
// One bundle serves the main and the post step; ncc splits lazily loaded modules into chunks.
const bundleFiles = readdirSync(join(ROOT, 'dist')).filter((file) => file.endsWith('.js'))
const bundle = bundleFiles.reduce((sum, file) => sum + statSync(join(ROOT, 'dist', file)).size, 0)
console.log(`bundle: dist/*.js ${(bundle / 1024).toFixed(0)} KiB in ${bundleFiles.length} files`)

console.log(
  '\n## A 10,000-test Octomind run through dist/index.js, published to Testmo and JUnit\n'
)
{
  const cases = sampleTestCases(10_000)
  const bigOctomind = new OctomindSimulator({
    apiKey: 'k',
    testCases: cases,
    script: scriptedRun(
      cases.map((c, i) => ({
        testCaseId: c.id,
        status: i % 50 === 0 ? 'FAILED' : 'PASSED',
        errorMessage: 'boom'
      }))
    ),
    shape: 'v3-case'
  })
  const testmo = new TestmoSimulator('tm')
  const gh = new GitHubSimulator('t')
  await Promise.all([bigOctomind.start(), testmo.start(), gh.start()])
  const start = performance.now()
  const result = await runAction({
    eventName: 'pull_request',
    event: { pull_request: { number: 1, head: { sha: 'abc', ref: 'x' } } },
    githubApiUrl: gh.url,
    inputs: {
      provider: 'octomind',
      'api-key': 'k',
      'api-url': bigOctomind.url,
      'target-id': BENCH_TARGET,
      url: 'https://x.example',
      'poll-interval-seconds': '1',
      'github-token': 't',
      'junit-path': join(ROOT, '.tmp', 'bench-junit.xml'),
      'testmo-url': testmo.url,
      'testmo-token': 'tm',
      'testmo-project-id': '1'
    }
  })
  const wallMs = performance.now() - start
  const landed = testmo.onlyRun().tests.length
  console.log(
    `wall time ${(wallMs / 1000).toFixed(2)} s; exit ${result.exitCode} (200 failures scripted); ` +
      `Testmo: ${testmo.requests.length} requests, ${landed} tests; comment ${gh.commentsOn(1)[0]?.body.length ?? 0} chars; ` +
      `summary ${result.summary.length} chars`
  )
  await Promise.all([bigOctomind.close(), testmo.close(), gh.close()])
}
