// Runs the bundled action end to end, the way the GitHub runner does, against the simulated
// Octomind and GitHub APIs, and prints what a user would see: the log, the outputs, the job
// summary and the PR comment.
import { GitHubSimulator } from '../__tests__/simulators/github.js'
import {
  OctomindSimulator,
  sampleTestCases,
  scriptedRun
} from '../__tests__/simulators/octomind.js'
import { runAction } from '../__tests__/simulators/runner.js'
import { TestmoSimulator } from '../__tests__/simulators/testmo.js'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const API_KEY = 'demo-octomind-key'
const TOKEN = 'demo-github-token'
const TESTMO_TOKEN = 'demo-testmo-token'
const cases = sampleTestCases(6)
const finals = cases.map((testCase, i) =>
  i === 1
    ? {
        testCaseId: testCase.id,
        status: 'FAILED',
        errorMessage: [
          'Error: expect(locator).toBeVisible() failed',
          '',
          "Locator: getByRole('heading', { name: 'Thank you for your order' })",
          'Expected: visible',
          'Timeout: 5000ms',
          'Error: element(s) not found'
        ].join('\n')
      }
    : { testCaseId: testCase.id, status: 'PASSED' }
)

const octomind = new OctomindSimulator({
  apiKey: API_KEY,
  testCases: cases,
  script: scriptedRun(finals, { waitingPolls: 2 }),
  shape: 'v3-case'
})
const github = new GitHubSimulator(TOKEN)
const testmo = new TestmoSimulator(TESTMO_TOKEN, [3])
await octomind.start()
await github.start()
await testmo.start()
const workDir = await mkdtemp(join(tmpdir(), 'testgate-demo-'))
const junitPath = join(workDir, 'junit.xml')
// A flaky moment while polling, to show it is survived.
octomind.inject('report', null, {
  kind: 'status',
  status: 503,
  body: { message: 'upstream unavailable' }
})

const heading = (title: string): void =>
  console.log(`\n\x1b[1m── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}\x1b[0m`)

try {
  const result = await runAction({
    eventName: 'pull_request',
    event: {
      pull_request: {
        number: 42,
        node_id: 'PR_kwDODemo42',
        head: { sha: 'c0ffee1234567890c0ffee1234567890c0ffee12', ref: 'feature/checkout' }
      }
    },
    githubApiUrl: github.url,
    inputs: {
      provider: 'octomind',
      'api-key': API_KEY,
      'api-url': octomind.url,
      'target-id': '3435918b-3d29-4ebd-8c68-9a540532f45a',
      url: 'https://shop-git-feature-checkout.vercel.app',
      tags: 'smoke, checkout',
      'poll-interval-seconds': '0.5',
      'github-token': TOKEN,
      'junit-path': junitPath,
      'testmo-url': testmo.url,
      'testmo-token': TESTMO_TOKEN,
      'testmo-project-id': '3',
      'testmo-tags': 'e2e, preview'
    }
  })

  heading('step log')
  for (const line of result.stdout.split('\n')) {
    if (line && !line.startsWith('::add-mask::') && !line.startsWith('::set-output'))
      console.log(`  ${line}`)
  }
  console.log(`  (exit code ${result.exitCode}: the scripted run has one failing test)`)

  heading('step outputs')
  for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name} = ${value}`)

  heading('job summary ($GITHUB_STEP_SUMMARY)')
  console.log(result.summary)

  const comments = github.commentsOn(42)
  heading(`PR #42: ${comments.length} comment(s) by testgate`)
  console.log(comments[0]?.body ?? '(none)')

  heading('Testmo automation run (simulated)')
  const testmoRun = testmo.onlyRun()
  const byStatus = new Map<string, number>()
  for (const test of testmoRun.tests)
    byStatus.set(test.status, (byStatus.get(test.status) ?? 0) + 1)
  console.log(
    `  run ${testmoRun.id} "${String(testmoRun.body.name)}", source ${String(testmoRun.body.source)}, completed: ${testmoRun.completed}`
  )
  console.log(`  tests: ${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}`)
  console.log(
    `  requests: ${testmo.requests.map((request) => `${request.method} ${request.path}`).join('\n            ')}`
  )

  heading(`JUnit XML (${junitPath})`)
  console.log((await readFile(junitPath, 'utf8')).split('\n').slice(0, 14).join('\n') + '\n  …')

  heading('what the simulated Octomind received')
  const requests = octomind.requests.map((request) => `${request.method} ${request.path}`)
  for (const request of requests) console.log(`  ${request}`)

  const asScripted =
    result.exitCode === 1 &&
    result.outputs.status === 'failed' &&
    comments.length === 1 &&
    octomind.requestsTo('execute').length === 1
  if (!asScripted) {
    console.error('\nThe demo run did not behave as scripted.')
    process.exitCode = 1
  }
} finally {
  await octomind.close()
  await github.close()
  await testmo.close()
  await rm(workDir, { recursive: true, force: true })
}
