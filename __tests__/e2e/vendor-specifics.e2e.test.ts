import { describe, expect, it } from 'vitest'
import type { FutureAgiScenario } from '../simulators/futureagi.js'
import { KEY, vendorWorld } from '../simulators/vendor-world.js'
import { FAGI_SECRET, RUN_TEST, SCENARIO, scenarios } from '../vendors/futureagi.js'
import { PROJECT, TESTIFLY_IDS } from '../vendors/testifly.js'

/** What is particular to Testifly, Future AGI and Empirical, end to end through dist/index.js. */

const { world, start, run, testiflySim, futureAgiSim, empiricalSim } = vendorWorld()

describe('Testifly specifics', () => {
  const inputs = (url: string) => ({
    provider: 'testifly',
    'api-key': KEY,
    'api-url': url,
    'target-id': PROJECT
  })

  it('sends one test as testId, several as tests, with the agent, and shows the wait for an agent', async () => {
    const sim = await start(testiflySim('pass'))
    const [first, second, third] = TESTIFLY_IDS
    const one = await run({ ...inputs(sim.url), 'test-ids': third ?? '', agent: 'runner-7' })
    const several = await run({ ...inputs(sim.url), 'test-ids': `${first}, ${second}` })

    const bodies = sim.requestsTo('execute').map((request) => request.body)
    expect(bodies).toEqual([
      { action: 'executeTests', testId: third, agentName: 'runner-7' },
      { action: 'executeTests', tests: [first, second] }
    ])
    expect(one.stdout).toContain('queued (waiting for an agent to connect)')
    expect(one.outputs.total).toBe('1')
    expect(several.exitCode).toBe(0)
    expect(several.outputs.total).toBe('2')
  })

  it('names a test id Testifly does not know, and runs nothing', async () => {
    const sim = await start(testiflySim('pass'))
    const result = await run({ ...inputs(sim.url), 'test-ids': 'no-such-test' })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Unknown test: no-such-test')
    expect(sim.jobs.size).toBe(0)
  })

  it('follows the job already queued on AlreadyExists instead of starting a second one', async () => {
    const sim = await start(testiflySim('pass', { alreadyExists: { jobId: 'job-from-earlier' } }))
    sim.seedJob('job-from-earlier')
    const result = await run({ ...inputs(sim.url), 'feature-id': 'feat-1' })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.stdout).toContain('already queued; following job job-from-earlier')
    expect(result.outputs['run-id']).toBe('job-from-earlier')
    expect(sim.jobs.size).toBe(1)
  })

  it('finds the queued job among the active ones when AlreadyExists names none', async () => {
    const sim = await start(testiflySim('pass', { alreadyExists: {} }))
    sim.seedJob('job-active-1')
    const result = await run({ ...inputs(sim.url), 'feature-id': 'feat-1' })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs['run-id']).toBe('job-active-1')
    expect(sim.requestsTo('jobs')[0]?.body).toEqual({})
  })

  it('also follows the queued job when AlreadyExists comes as a 409', async () => {
    const sim = await start(testiflySim('pass', { alreadyExists: { status: 409 } }))
    sim.seedJob('job-active-2')
    const result = await run({ ...inputs(sim.url), 'feature-id': 'feat-1' })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs['run-id']).toBe('job-active-2')
    expect(sim.requestsTo('execute')).toHaveLength(1)
  })

  it('fails a run whose statuses summary counts a failure its list of tests does not show', async () => {
    const passed = (title: string) => ({ title, status: 'Passed' })
    const tests = [passed('Login'), passed('Search'), passed('Checkout')]
    const summary = [
      { label: 'Passed', count: 3 },
      { label: 'Failed', count: 1 }
    ]
    const sim = await start(
      testiflySim('pass', {
        script: [
          { job: 'InProgress', tests: tests.map((test) => ({ ...test, status: 'Running' })) },
          { job: 'Success', tests, summary }
        ]
      })
    )
    const result = await run({ ...inputs(sim.url), 'feature-id': 'feat-1' })

    expect(result.exitCode, result.stdout).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', total: '4', failed: '1' })
    expect(result.errors.join('\n')).toContain(
      "Testifly's summary of the run counts 1 failed and 0 unfinished tests, more than its list of tests shows"
    )
  })

  it('treats a job listed in missingJobIds as lost', async () => {
    // AlreadyExists names a job Testifly then does not know.
    const sim = await start(testiflySim('pass', { alreadyExists: { jobId: 'job-gone' } }))
    const result = await run({ ...inputs(sim.url), 'feature-id': 'feat-1' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('errored')
    expect(result.errors.join('\n')).toContain(
      'Testifly does not know job job-gone (listed in missingJobIds)'
    )
    expect(sim.requestsTo('jobs')).toHaveLength(1)
  })
})

describe('Future AGI specifics', () => {
  const inputs = (url: string) => ({
    provider: 'futureagi',
    'api-key': KEY,
    'api-secret': FAGI_SECRET,
    'api-url': url,
    'target-id': RUN_TEST
  })
  const threeScenarios = (): FutureAgiScenario[] => [
    ...scenarios('pass'),
    { id: SCENARIO.billing, name: 'Billing question', calls: 1, outcome: { status: 'completed' } }
  ]

  it('sends the key pair and a snake_case body the server accepts', async () => {
    const sim = await start(futureAgiSim('pass'))
    const only = await run({
      ...inputs(sim.url),
      'test-ids': SCENARIO.refund,
      'simulator-id': 'b2b2b2b2-0000-4000-8000-000000000001'
    })

    expect(only.exitCode, only.stdout).toBe(0)
    expect(only.outputs.total).toBe('2')
    expect(sim.requestsTo('execute').map((request) => request.body)).toEqual([
      { scenario_ids: [SCENARIO.refund], simulator_id: 'b2b2b2b2-0000-4000-8000-000000000001' }
    ])
    const headers = sim.requestsTo('execute')[0]?.headers
    expect(headers?.['x-api-key']).toBe(KEY)
    expect(headers?.['x-secret-key']).toBe(FAGI_SECRET)
    expect(headers?.authorization).toBeUndefined()
  })

  it('excludes scenarios by sending the complement: the server runs exactly scenario_ids', async () => {
    const sim = await start(futureAgiSim('pass', { scenarios: threeScenarios() }))
    const result = await run({ ...inputs(sim.url), 'exclude-test-ids': SCENARIO.refund })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(sim.requestsTo('scenarios')).toHaveLength(1)
    expect(sim.requestsTo('execute')[0]?.body).toEqual({
      scenario_ids: [SCENARIO.angry, SCENARIO.billing]
    })
    expect(result.outputs.total).toBe('2')
    expect(result.summary).not.toContain('Refund request')
  })

  it('names an excluded or selected id that is not a scenario of the run test, and runs nothing', async () => {
    const sim = await start(futureAgiSim('pass'))
    const stranger = 'c3c3c3c3-0000-4000-8000-000000000099'
    const excluded = await run({ ...inputs(sim.url), 'exclude-test-ids': stranger })
    const selected = await run({
      ...inputs(sim.url),
      'test-ids': `${SCENARIO.refund}, ${stranger}`
    })

    for (const result of [excluded, selected]) expect(result.exitCode).toBe(1)
    expect(excluded.errors.join('\n')).toContain(
      `Input "exclude-test-ids": not scenarios of run test ${RUN_TEST}: ${stranger}`
    )
    expect(selected.errors.join('\n')).toContain(
      `Input "test-ids": not scenarios of run test ${RUN_TEST}: ${stranger}`
    )
    expect(sim.requestsTo('execute')).toHaveLength(0)
  })

  it('requires api-secret, saying why, before calling Future AGI', async () => {
    const sim = await start(futureAgiSim('pass'))
    const result = await run({ ...inputs(sim.url), 'api-secret': '' })

    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('Input "api-secret" is required for Future AGI')
    expect(result.errors.join('\n')).toContain('a key alone is read as a login token')
    expect(sim.requests).toHaveLength(0)
  })

  it('fails the step when a call fails, whatever the execution status says', async () => {
    const failing = scenarios('pass')
    failing[1] = { ...failing[1]!, outcome: { status: 'failed', ended_reason: 'pipeline-error' } }
    const sim = await start(futureAgiSim('pass', { scenarios: failing }))
    const result = await run(inputs(sim.url))

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', total: '3', failed: '1' })
    expect(result.summary).toContain('The call failed: pipeline-error')
  })

  it('names calls by scenario and dataset row, and shows failed evals, transcript and recording', async () => {
    const sim = await start(futureAgiSim('fail'))
    const result = await run(inputs(sim.url))

    expect(result.summary).toContain('Refund request \\(Parcel arrived damaged\\)')
    expect(result.summary).toContain('Refund request \\(Charged twice for one order\\)')
    expect(result.summary).toContain('✗ Task completion: Failed · Agent never offered the refund')
    expect(result.summary).toContain('· Tone: 8')
    expect(result.summary).toContain('user: I want my money back!')
    expect(result.summary).toContain('[recording](https://recordings.futureagi.example/call-3.wav)')
    expect(result.summary).toContain('| Test | Duration | Score | Links |')
    expect(result.summary).toContain('| ✅ Refund request \\(Parcel arrived damaged\\) | 42s | 9 |')
    expect(result.summary).toContain('❌ **Angry customer** · failed · 42s · score 3')
  })

  it('reads every page of calls', async () => {
    const many: FutureAgiScenario[] = [
      {
        id: 'a1a1a1a1-0000-4000-8000-000000000009',
        name: 'Load',
        calls: 230,
        outcome: { status: 'completed' }
      }
    ]
    const sim = await start(futureAgiSim('pass', { scenarios: many }))
    const result = await run(inputs(sim.url))

    expect(result.outputs.total).toBe('230')
    expect(sim.requestsTo('execution').some((request) => request.query.get('page') === '3')).toBe(
      true
    )
  })

  it('reports a failed execution without failed calls as errored', async () => {
    const sim = await start(
      futureAgiSim('pass', {
        steps: [
          { status: 'running', calls: 'pending' },
          { status: 'failed', calls: 'pending' }
        ]
      })
    )
    const result = await run(inputs(sim.url))

    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('errored')
    expect(result.errors.join('\n')).toContain('Future AGI reports the execution failed')
  })

  it('never cancels a finished execution: the server would overwrite its verdict', async () => {
    const sim = await start(futureAgiSim('fail'))
    const finished = await run(inputs(sim.url))
    // the post step of a job cancelled after the verdict was seen, but before it was saved
    const post = await run(
      { ...inputs(sim.url) },
      { entry: 'post', state: { handle: finished.state.handle ?? '' } }
    )

    expect(finished.outputs.status).toBe('failed')
    expect(post.stdout).toContain(
      `Future AGI run ${finished.outputs['run-id']} had already finished; there was nothing to cancel.`
    )
    expect(sim.requestsTo('cancel')).toHaveLength(0)
  })

  it('cancels an unfinished execution from the post step', async () => {
    const sim = await start(futureAgiSim('pass'))
    const started = await run({ ...inputs(sim.url), wait: 'false' })
    const handle = started.state.handle ?? ''
    const post = await run({ ...inputs(sim.url) }, { entry: 'post', state: { handle } })

    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain(
      `Asked Future AGI to stop run ${started.outputs['run-id']}: it is being cancelled.`
    )
    expect(sim.requestsTo('cancel')).toHaveLength(1)
  })
})

describe('Empirical specifics', () => {
  const inputs = (url: string) => ({ provider: 'empirical', 'api-key': KEY, 'api-url': url })

  it('on deployment_status takes the environment and URL from the deployment and sends the build', async () => {
    const sim = await start(empiricalSim('pass'))
    world.github.commitPulls.set('cafe'.repeat(10), [
      {
        number: 21,
        node_id: 'PR_21',
        state: 'open',
        head: { sha: 'cafe'.repeat(10), ref: 'feature/agents' }
      }
    ])
    const result = await run(
      { ...inputs(sim.url), variables: 'BASE_PATH=/shop\nFEATURE_FLAG: on', tags: '@smoke' },
      {
        eventName: 'deployment_status',
        event: {
          deployment: { sha: 'cafe'.repeat(10), ref: 'feature/agents', environment: 'Preview' },
          deployment_status: { state: 'success', environment_url: 'https://shop-preview.example' }
        }
      }
    )

    expect(result.exitCode, result.stdout).toBe(0)
    expect(sim.requestsTo('trigger')[0]?.body).toEqual({
      environment: 'preview',
      build: {
        branch: 'feature/agents',
        commit: 'cafe'.repeat(10),
        url: 'https://shop-preview.example',
        commit_url: `https://github.com/acme/shop/commit/${'cafe'.repeat(10)}`
      },
      metadata: {
        pr_number: 21,
        run_url: 'https://github.com/acme/shop/actions/runs/4242',
        actor: 'octocat',
        repository: 'acme/shop'
      },
      environment_variables_overrides: [
        { name: 'BASE_PATH', value: '/shop' },
        { name: 'FEATURE_FLAG', value: 'on' }
      ],
      tags: ['@smoke'],
      github_actor: 'octocat'
    })
    expect(result.outputs['report-url']).toBe(`${sim.url}/acme-shop/test-runs/456`)
    expect(world.github.commentsOn(21)).toHaveLength(1)
  })

  it('shows flaky tests as passed after retries, and does not count a snoozed failure', async () => {
    const sim = await start(
      empiricalSim('pass', {
        tests: [
          { name: 'home page renders', status: 'passed' },
          { name: 'checkout completes', status: 'flaky' },
          { name: 'legacy export', status: 'failed', snoozed: true }
        ]
      })
    )
    const result = await run({ ...inputs(sim.url), environment: 'staging' })

    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.summary).toContain(
      '✅ Empirical: 2 of 3 tests passed, 1 only after retries, 1 known failure suppressed'
    )
    expect(result.summary).not.toContain('all 3 tests passed')
    expect(result.summary).toContain('checkout completes ⚠️ flaky: passed after retries')
    expect(result.summary).toContain(
      'legacy export — failed; the failure is snoozed in Empirical, so it does not count'
    )
    expect(result.outputs).toMatchObject({ passed: '2', skipped: '1', failed: '0' })
  })

  it('fails a finished run with an interrupted test, and says so', async () => {
    const sim = await start(
      empiricalSim('pass', {
        tests: [
          { name: 'home page renders', status: 'passed' },
          { name: 'checkout completes', status: 'interrupted' }
        ]
      })
    )
    const result = await run({ ...inputs(sim.url), environment: 'staging' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'failed', passed: '1', failed: '1' })
    // the words name the errored test as the counts table does: Failed 0, Errored 1
    expect(result.summary).toContain('❌ Empirical: 1 of 2 tests errored')
    expect(result.summary).toContain('| 2 | 1 | 0 | 1 | 0 |')
    expect(result.summary).not.toContain('all 2 tests passed')
    expect(result.errors.join('\n')).toContain('Empirical: 1 of 2 tests errored')
  })

  it('fails an ended run with no tests by default', async () => {
    const sim = await start(empiricalSim('pass', { tests: [] }))
    const result = await run({ ...inputs(sim.url), environment: 'staging', tags: '@none' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'no-tests', total: '0' })
    expect(result.errors.join('\n')).toContain(
      'Empirical: no tests ran. Selected: environment staging; tags @none.'
    )
  })

  it('never passes on counts that hide a failure the per-test list leaves out', async () => {
    const sim = await start(
      empiricalSim('pass', {
        tests: [
          { name: 'home page renders', status: 'passed' },
          { name: 'checkout completes', status: 'timedOut' }
        ],
        hideFromDetails: ['checkout completes']
      })
    )
    const result = await run({ ...inputs(sim.url), environment: 'staging' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
  })

  it('never passes an ended run whose total counts a test none of its outcome counts has', async () => {
    const sim = await start(
      empiricalSim('pass', {
        tests: [
          { name: 'home page renders', status: 'passed' },
          { name: 'checkout completes', status: 'passed' }
        ],
        unaccounted: 1
      })
    )
    const result = await run({ ...inputs(sim.url), environment: 'staging' })

    expect(result.exitCode, result.stdout).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'errored', total: '3', passed: '2' })
    expect(result.errors.join('\n')).toContain(
      'Empirical: the run errored. The vendor ended the run with 1 test unfinished.'
    )
  })

  it('reads the state from the run itself when the list leaves it out', async () => {
    const sim = await start(empiricalSim('fail', { omitStateInList: true }))
    const result = await run({ ...inputs(sim.url), environment: 'staging' })

    expect(result.outputs.status).toBe('failed')
    expect(sim.requestsTo('run').length).toBeGreaterThan(1)
  })

  it('reports an error state as errored with its code', async () => {
    const sim = await start(
      empiricalSim('pass', { states: ['queued', 'error'], errorCode: 'merge_reports_failed' })
    )
    const result = await run({ ...inputs(sim.url), environment: 'staging' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('errored')
    expect(result.errors.join('\n')).toContain(
      'Empirical reports the run errored: merge_reports_failed'
    )
  })

  it('shows the vendor message for an unknown environment', async () => {
    const sim = await start(empiricalSim('pass'))
    const result = await run({ ...inputs(sim.url), environment: 'qa' })

    expect(result.errors.join('\n')).toContain(
      'HTTP 400: Unknown environment "qa". Available: staging, preview, production'
    )
  })

  it('on a cancelled job, reports the run cancelled and the post step stops it at Empirical', async () => {
    const sim = await start(empiricalSim('pass', { states: ['queued', 'started'] }))
    const main = await run(
      { ...inputs(sim.url), environment: 'staging', 'poll-interval-seconds': '4' },
      { interrupt: { when: 'running —', signal: 'SIGTERM' } }
    )
    const post = await run(
      { ...inputs(sim.url), environment: 'staging' },
      { entry: 'post', state: main.state }
    )

    expect(main.outputs.status).toBe('cancelled')
    expect(main.summary).toContain('the post step asks Empirical to stop the run')
    expect(post.stdout).toContain('Asked Empirical to stop run 456: it is being cancelled.')
    expect(sim.requestsTo('cancel')).toHaveLength(1)
  })

  it('cancels an unfinished run from the post step, and takes a 412 as already finished', async () => {
    const sim = await start(empiricalSim('pass', { states: ['queued', 'started'] }))
    const started = await run({ ...inputs(sim.url), environment: 'staging', wait: 'false' })
    const handle = started.state.handle ?? ''
    const post = await run(
      { ...inputs(sim.url), environment: 'staging' },
      { entry: 'post', state: { handle } }
    )
    const again = await run(
      { ...inputs(sim.url), environment: 'staging' },
      { entry: 'post', state: { handle } }
    )

    expect(post.stdout).toContain('Asked Empirical to stop run 456: it is being cancelled.')
    expect(again.stdout).toContain(
      'Empirical run 456 had already finished; there was nothing to cancel.'
    )
    expect(again.stdout).not.toContain('being cancelled')
    expect(again.exitCode).toBe(0)
    expect(again.warnings).toEqual([])
    expect(sim.requestsTo('cancel')).toHaveLength(2)
  })
})
