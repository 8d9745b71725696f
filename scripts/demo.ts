// Runs the bundled action end to end, the way the GitHub runner does, against the simulated
// vendors' and GitHub's APIs, and prints what a user would see: the log, the outputs, the job
// summary and the PR comment.
import { GitHubSimulator } from '../__tests__/simulators/github.js'
import { runAction } from '../__tests__/simulators/runner.js'
import { TestmoSimulator } from '../__tests__/simulators/testmo.js'
import { KITS } from '../__tests__/vendors/index.js'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const API_KEY = 'demo-vendor-key'
const API_SECRET = 'demo-vendor-secret'
const TOKEN = 'demo-github-token'
const TESTMO_TOKEN = 'demo-testmo-token'

// Each vendor's demo case comes from its test kit; the first is shown in full, with Testmo and
// JUnit, the others by their log and summary.
const [headline, ...others] = KITS
if (!headline) throw new Error('no vendor kits')
const vendor = headline.demo.simulator(API_KEY, API_SECRET)
const github = new GitHubSimulator(TOKEN)
const testmo = new TestmoSimulator(TESTMO_TOKEN, [3])
await vendor.start()
await github.start()
await testmo.start()
const workDir = await mkdtemp(join(tmpdir(), 'testgate-demo-'))
const junitPath = join(workDir, 'junit.xml')

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
      ...headline.demo.inputs(vendor.url, API_KEY, API_SECRET),
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

  heading(`what the simulated ${headline.display} received`)
  const requests = vendor.requests.map((request) => `${request.method} ${request.path}`)
  for (const request of requests) console.log(`  ${request}`)

  const asScripted =
    result.outputs.status === headline.demo.expected &&
    comments.length === 1 &&
    vendor.requestsTo(headline.matrix.triggerRoute).length === 1
  if (!asScripted) {
    console.error('\nThe demo run did not behave as scripted.')
    process.exitCode = 1
  }
} finally {
  await vendor.close()
  await github.close()
  await testmo.close()
  await rm(workDir, { recursive: true, force: true })
}

// The same step, with provider: switched, against the other vendors' simulators.
for (const other of others) {
  const gh = new GitHubSimulator(TOKEN)
  const simulator = other.demo.simulator(API_KEY, API_SECRET)
  await Promise.all([simulator.start(), gh.start()])
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
        ...other.demo.inputs(simulator.url, API_KEY, API_SECRET),
        'poll-interval-seconds': '6',
        'github-token': TOKEN
      }
    })
    heading(`${other.demo.title}: step log`)
    for (const line of result.stdout.split('\n'))
      if (line && !line.startsWith('::add-mask::')) console.log(`  ${line}`)
    heading(`${other.demo.title}: job summary`)
    console.log(result.summary)
    if (result.outputs.status !== other.demo.expected || gh.commentsOn(42).length !== 1) {
      console.error(`\nThe ${other.demo.title} demo run did not behave as scripted.`)
      process.exitCode = 1
    }
  } finally {
    await Promise.all([simulator.close(), gh.close()])
  }
}
