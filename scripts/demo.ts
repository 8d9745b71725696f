// Runs the bundled action end to end, the way the GitHub runner does, against the simulated
// vendors' and GitHub's APIs, and prints what a user would see: the log, the outputs, the job
// summary and the PR comment. The first vendor's story runs on one PR: a failing run (with Testmo
// and JUnit), a re-run of only the failed test, the next commit (what changed since), and a pass
// rate that judges a failure. Then the other vendors, one run each.
//   npm run demo [-- --save <dir>]   (--save: each scene's summary and comment as markdown files)
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { GitHubSimulator } from '../__tests__/simulators/github.js'
import type { SimServer } from '../__tests__/simulators/harness.js'
import { runAction, type ActionResult } from '../__tests__/simulators/runner.js'
import { TestmoSimulator } from '../__tests__/simulators/testmo.js'
import { KITS } from '../__tests__/vendors/index.js'
import type { VendorKit } from '../__tests__/vendors/kit.js'

const API_KEY = 'demo-vendor-key'
const API_SECRET = 'demo-vendor-secret'
const TOKEN = 'demo-github-token'
const TESTMO_TOKEN = 'demo-testmo-token'
const PR = 42
const FIRST_COMMIT = 'c0ffee1234567890c0ffee1234567890c0ffee12'
const NEXT_COMMIT = 'beefcafe34567890beefcafe34567890beefcafe'

const { values } = parseArgs({ options: { save: { type: 'string' } } })

const heading = (title: string): void =>
  console.log(`\n\x1b[1m── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}\x1b[0m`)

function printLog(result: ActionResult, note: string): void {
  heading('step log')
  for (const line of result.stdout.split('\n'))
    if (line && !line.startsWith('::add-mask::')) console.log(`  ${line}`)
  console.log(`  (exit code ${result.exitCode}: ${note})`)
}

/** Writes a scene's summary and the PR's comment where --save says, for the screenshots. */
async function save(scene: string, result: ActionResult, comment: string | undefined) {
  if (!values.save) return
  await mkdir(values.save, { recursive: true })
  await writeFile(join(values.save, `${scene}.summary.md`), result.summary)
  if (comment) await writeFile(join(values.save, `${scene}.comment.md`), comment)
}

let failures = 0
function expectThat(ok: boolean, what: string): void {
  if (ok) return
  console.error(`\nThe demo did not behave as scripted: ${what}.`)
  failures++
}

interface Scene {
  name: string
  title: string
  sha: string
  attempt?: number
  inputs?: Record<string, string>
  /** What the step should end with, and why, as the log's last line says. */
  exitCode: number
  note: string
}

async function story(kit: VendorKit): Promise<void> {
  const vendor = kit.demo.simulator(API_KEY, API_SECRET)
  const github = new GitHubSimulator(TOKEN)
  const testmo = new TestmoSimulator(TESTMO_TOKEN, [3])
  await Promise.all([vendor.start(), github.start(), testmo.start()])
  const workDir = await mkdtemp(join(tmpdir(), 'testgate-demo-'))
  const junitPath = join(workDir, 'junit.xml')
  const run = (scene: Scene) =>
    runAction({
      eventName: 'pull_request',
      event: {
        pull_request: {
          number: PR,
          node_id: 'PR_kwDODemo42',
          head: { sha: scene.sha, ref: 'feature/checkout' }
        }
      },
      githubApiUrl: github.url,
      env: { GITHUB_RUN_ATTEMPT: String(scene.attempt ?? 1) },
      inputs: {
        ...kit.demo.inputs(vendor.url, API_KEY, API_SECRET),
        'poll-interval-seconds': '10',
        'github-token': TOKEN,
        rerun: 'failed',
        ...scene.inputs
      }
    })
  const scenes: Scene[] = [
    {
      name: '1-failure',
      title: `${kit.demo.title}, with Testmo and JUnit`,
      sha: FIRST_COMMIT,
      inputs: {
        'junit-path': junitPath,
        'testmo-url': testmo.url,
        'testmo-token': TESTMO_TOKEN,
        'testmo-project-id': '3',
        'testmo-tags': 'e2e, preview'
      },
      exitCode: 1,
      note: 'the scripted run has one failing test'
    },
    {
      name: '2-rerun',
      title: 'Re-run failed jobs: attempt 2 runs only the failed test (rerun: failed)',
      sha: FIRST_COMMIT,
      attempt: 2,
      exitCode: 0,
      note: 'the failed test passes now; the others passed in attempt 1'
    },
    {
      name: '3-next-commit',
      title: 'The next commit: another test breaks; the comment says what changed',
      sha: NEXT_COMMIT,
      exitCode: 1,
      note: 'one new failure'
    },
    {
      name: '4-pass-rate',
      title: 'The same commit with min-pass-rate: 80 (fail-on left unset)',
      sha: NEXT_COMMIT,
      inputs: { 'min-pass-rate': '80' },
      exitCode: 0,
      note: '5 of 6 passed, at least 80 %: the rate judges the failed test'
    }
  ]
  try {
    for (const [i, scene] of scenes.entries()) {
      if (i === 1) kit.demo.story?.fix(vendor)
      if (i === 2) kit.demo.story?.breakAnother(vendor)
      heading(`${i + 1}. ${scene.title}`)
      const result = await run(scene)
      printLog(result, scene.note)
      const comment = github.commentsOn(PR)[0]?.body
      if (i === 0) await showFirstRun(result, comment, testmo, junitPath, vendor, kit)
      else {
        heading(`PR #${PR}: the comment, updated`)
        console.log(comment ?? '(none)')
      }
      await save(scene.name, result, comment)
      expectThat(result.exitCode === scene.exitCode, `${scene.name} ended with ${result.exitCode}`)
      expectThat(github.commentsOn(PR).length === 1, `${scene.name} left one comment`)
    }
  } finally {
    await Promise.all([vendor.close(), github.close(), testmo.close()])
    await rm(workDir, { recursive: true, force: true })
  }
}

async function showFirstRun(
  result: ActionResult,
  comment: string | undefined,
  testmo: TestmoSimulator,
  junitPath: string,
  vendor: SimServer,
  kit: VendorKit
): Promise<void> {
  heading('step outputs')
  for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name} = ${value}`)
  heading('job summary ($GITHUB_STEP_SUMMARY)')
  console.log(result.summary)
  heading(`PR #${PR}: the comment by testgate`)
  console.log(comment ?? '(none)')
  heading('Testmo automation run (simulated)')
  const testmoRun = testmo.onlyRun()
  const byStatus = new Map<string, number>()
  for (const test of testmoRun.tests)
    byStatus.set(test.status, (byStatus.get(test.status) ?? 0) + 1)
  console.log(
    `  run ${testmoRun.id} "${String(testmoRun.body.name)}", source ${String(testmoRun.body.source)}, completed: ${testmoRun.completed}`
  )
  console.log(`  tests: ${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}`)
  heading(`JUnit XML (${junitPath})`)
  console.log((await readFile(junitPath, 'utf8')).split('\n').slice(0, 14).join('\n') + '\n  …')
  heading(`what the simulated ${kit.display} received`)
  for (const request of vendor.requests) console.log(`  ${request.method} ${request.path}`)
  expectThat(result.outputs.status === kit.demo.expected, `status ${result.outputs.status}`)
  expectThat(vendor.requestsTo(kit.matrix.triggerRoute).length === 1, 'one trigger')
}

/** Another vendor: the same step with provider: switched, one run. */
async function oneRun(kit: VendorKit): Promise<void> {
  const github = new GitHubSimulator(TOKEN)
  const simulator = kit.demo.simulator(API_KEY, API_SECRET)
  await Promise.all([simulator.start(), github.start()])
  try {
    const result = await runAction({
      eventName: 'pull_request',
      event: { pull_request: { number: PR, head: { sha: FIRST_COMMIT, ref: 'feature/checkout' } } },
      githubApiUrl: github.url,
      inputs: {
        ...kit.demo.inputs(simulator.url, API_KEY, API_SECRET),
        'poll-interval-seconds': '6',
        'github-token': TOKEN
      }
    })
    heading(`${kit.demo.title}: step log`)
    for (const line of result.stdout.split('\n'))
      if (line && !line.startsWith('::add-mask::')) console.log(`  ${line}`)
    heading(`${kit.demo.title}: job summary`)
    console.log(result.summary)
    await save(`vendor-${kit.provider}`, result, github.commentsOn(PR)[0]?.body)
    expectThat(
      result.outputs.status === kit.demo.expected,
      `${kit.provider}: ${result.outputs.status}`
    )
    expectThat(github.commentsOn(PR).length === 1, `${kit.provider}: one comment`)
  } finally {
    await Promise.all([simulator.close(), github.close()])
  }
}

const [first, ...others] = KITS
if (!first) throw new Error('no vendor kits')
await story(first)
for (const kit of others) await oneRun(kit)
if (failures > 0) process.exitCode = 1
