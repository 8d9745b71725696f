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
import { TestiflySimulator } from '../__tests__/simulators/testifly.js'
import { FutureAgiSimulator } from '../__tests__/simulators/futureagi.js'
import { EmpiricalSimulator } from '../__tests__/simulators/empirical.js'
import type { SimServer } from '../__tests__/simulators/harness.js'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const API_KEY = 'demo-octomind-key'
const TOKEN = 'demo-github-token'
const TESTMO_TOKEN = 'demo-testmo-token'
const FAGI_SECRET = 'demo-futureagi-secret'
const FAGI_RUN_TEST = '0b5a4d0e-1111-4222-8333-444455556666'
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
  // current v3 reports: results name only their test-case version
  script: scriptedRun(finals, { waitingPolls: 2 })
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
      'poll-interval-seconds': '10',
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

// The same step, with provider: switched, against the other three vendors' simulators.
interface OtherVendor {
  title: string
  simulator: SimServer
  inputs: (url: string) => Record<string, string>
  expected: string
}

const others: OtherVendor[] = [
  {
    title: 'Testifly (an agent connects late; one test fails)',
    simulator: new TestiflySimulator({
      apiKey: API_KEY,
      projectId: 'proj-demo',
      script: [
        { job: 'Pending' },
        { job: 'PendingAgentConnection' },
        { job: 'PendingAgentConnection' },
        {
          job: 'InProgress',
          tests: [
            { title: 'Login works', status: 'Passed' },
            { title: 'Export CSV', status: 'Running' }
          ]
        },
        {
          job: 'Failed',
          tests: [
            { title: 'Login works', status: 'Passed' },
            {
              title: 'Export CSV',
              status: 'Failed',
              error: 'Download never started',
              timeline: [{ title: 'Click Export', status: 'failed' }]
            }
          ]
        }
      ]
    }),
    inputs: (url) => ({
      provider: 'testifly',
      'api-key': API_KEY,
      'api-url': url,
      'target-id': 'proj-demo',
      'feature-id': 'feature-reports',
      agent: 'ci-agent'
    }),
    expected: 'failed'
  },
  {
    title: 'Future AGI (agent simulation with the key pair: 3 calls, one fails its eval)',
    simulator: new FutureAgiSimulator({
      apiKey: API_KEY,
      apiSecret: FAGI_SECRET,
      runTestId: FAGI_RUN_TEST,
      scenarios: [
        {
          id: 'a1a1a1a1-0000-4000-8000-000000000001',
          name: 'Refund request',
          calls: 2,
          outcome: {
            status: 'completed',
            overall_score: 0.94,
            evals: [{ name: 'Task completion', type: 'Pass/Fail', value: 'Passed' }]
          }
        },
        {
          id: 'a1a1a1a1-0000-4000-8000-000000000002',
          name: 'Angry customer',
          calls: 1,
          outcome: {
            status: 'completed',
            overall_score: 0.41,
            evals: [
              {
                name: 'Policy adherence',
                type: 'Pass/Fail',
                value: 'Failed',
                reason: 'The agent promised a refund it may not give.'
              },
              { name: 'Tone', type: 'score', value: 7 }
            ]
          }
        }
      ],
      steps: [
        { status: 'running', calls: 'ongoing' },
        { status: 'evaluating', calls: 'ongoing' },
        { status: 'completed', calls: 'final' }
      ]
    }),
    inputs: (url) => ({
      provider: 'futureagi',
      'api-key': API_KEY,
      'api-secret': FAGI_SECRET,
      'api-url': url,
      'target-id': FAGI_RUN_TEST
    }),
    expected: 'failed'
  },
  {
    title: 'Empirical (one flaky test)',
    simulator: new EmpiricalSimulator({
      apiKey: API_KEY,
      environments: ['staging'],
      projectSlug: 'acme-shop',
      states: ['queued', 'started', 'ended'],
      tests: [
        { name: 'home page renders', status: 'passed' },
        { name: 'checkout completes', status: 'flaky' },
        { name: 'search returns products', status: 'passed' }
      ]
    }),
    inputs: (url) => ({
      provider: 'empirical',
      'api-key': API_KEY,
      'api-url': url,
      environment: 'staging',
      url: 'https://staging.shop.example'
    }),
    expected: 'passed'
  }
]

for (const other of others) {
  const gh = new GitHubSimulator(TOKEN)
  await Promise.all([other.simulator.start(), gh.start()])
  try {
    const result = await runAction({
      eventName: 'pull_request',
      event: {
        pull_request: {
          number: 42,
          head: { sha: 'c0ffee1234567890c0ffee1234567890c0ffee12', ref: 'feature/checkout' }
        }
      },
      githubApiUrl: gh.url,
      inputs: {
        ...other.inputs(other.simulator.url),
        'poll-interval-seconds': '6',
        'github-token': TOKEN
      }
    })
    heading(`${other.title}: step log`)
    for (const line of result.stdout.split('\n'))
      if (line && !line.startsWith('::add-mask::')) console.log(`  ${line}`)
    heading(`${other.title}: job summary`)
    console.log(result.summary)
    if (result.outputs.status !== other.expected || gh.commentsOn(42).length !== 1) {
      console.error(`\nThe ${other.title} demo run did not behave as scripted.`)
      process.exitCode = 1
    }
  } finally {
    await Promise.all([other.simulator.close(), gh.close()])
  }
}
