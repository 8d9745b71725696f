import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Runs the bundled action the way the GitHub runner does: INPUT_* variables, the event payload in
 * a file, and the summary, output and state files the runner would read afterwards.
 */

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))

export interface ActionRun {
  inputs: Record<string, string>
  eventName: string
  event: Record<string, unknown>
  /** The event file's text as is, instead of `event` (e.g. a file that is not JSON). */
  rawEvent?: string
  githubApiUrl?: string
  env?: Record<string, string>
  /** 'main' (default) or 'post': the one bundle runs as the post step when the state says so. */
  entry?: 'main' | 'post'
  /** State saved by an earlier step (the main step, for a post step). */
  state?: Record<string, string>
  /** Send a signal once stdout shows this text, as the runner does when the job is cancelled. */
  interrupt?: { when: string; signal: NodeJS.Signals }
}

export interface ActionResult {
  exitCode: number
  stdout: string
  stderr: string
  summary: string
  outputs: Record<string, string>
  state: Record<string, string>
  /** Lines the runner turns into annotations: ::error::, ::warning:: */
  errors: string[]
  warnings: string[]
}

export async function runAction(run: ActionRun): Promise<ActionResult> {
  const dir = await mkdtemp(join(tmpdir(), 'testgate-run-'))
  try {
    const paths = {
      event: join(dir, 'event.json'),
      summary: join(dir, 'summary.md'),
      output: join(dir, 'output.txt'),
      state: join(dir, 'state.txt')
    }
    await writeFile(paths.event, run.rawEvent ?? JSON.stringify(run.event))
    await writeFile(paths.summary, '')
    await writeFile(paths.output, '')
    await writeFile(paths.state, '')
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_EVENT_NAME: run.eventName,
      GITHUB_EVENT_PATH: paths.event,
      GITHUB_STEP_SUMMARY: paths.summary,
      GITHUB_OUTPUT: paths.output,
      GITHUB_STATE: paths.state,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SHA: 'f00dfeed00000000000000000000000000000000',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_NUMBER: '17',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'e2e',
      GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/e2e.yml@refs/heads/main',
      GITHUB_JOB: 'e2e-tests',
      RUNNER_TEMP: dir,
      // poll-interval-seconds is at least 1; the harness runs the poll loop 20 times faster
      TESTGATE_POLL_SCALE: '0.05',
      ...(run.githubApiUrl ? { GITHUB_API_URL: run.githubApiUrl } : {}),
      ...Object.fromEntries(
        Object.entries({
          ...run.state,
          // the runner hands the main step's saved state, with its post-step mark, to the post step
          ...(run.entry === 'post' ? { isPost: 'true' } : {})
        }).map(([key, value]) => [`STATE_${key}`, value])
      ),
      ...Object.fromEntries(
        Object.entries(run.inputs).map(([key, value]) => [`INPUT_${key.toUpperCase()}`, value])
      ),
      ...run.env
    }
    const { exitCode, stdout, stderr } = await spawnNode(
      // TESTGATE_E2E_BUNDLE runs another build, e.g. the last release's, to see a test fail on it.
      process.env.TESTGATE_E2E_BUNDLE || join(ROOT, 'dist/index.js'),
      env,
      run.interrupt
    )
    const lines = stdout.split('\n')
    return {
      exitCode,
      stdout,
      stderr,
      summary: await readFile(paths.summary, 'utf8'),
      outputs: parseFileCommands(await readFile(paths.output, 'utf8')),
      state: parseFileCommands(await readFile(paths.state, 'utf8')),
      errors: lines.filter((line) => line.startsWith('::error')),
      warnings: lines.filter((line) => line.startsWith('::warning'))
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function spawnNode(
  script: string,
  env: Record<string, string>,
  interrupt?: ActionRun['interrupt']
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    // TESTGATE_E2E_NODE runs the bundle under another Node, e.g. the node24 the action declares.
    const node = process.env.TESTGATE_E2E_NODE || process.execPath
    const child = spawn(node, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let interrupted = false
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (interrupt && !interrupted && stdout.includes(interrupt.when)) {
        interrupted = true
        child.kill(interrupt.signal)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ exitCode: code ?? 1, stdout, stderr }))
  })
}

/** The runner's file-command format: name<<DELIMITER\nvalue\nDELIMITER */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (match) {
      const [, name = '', delimiter] = match
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      result[name] = value.join('\n')
    } else if (lines[i]?.includes('=')) {
      const [name = '', ...rest] = (lines[i] ?? '').split('=')
      result[name] = rest.join('=')
    }
  }
  return result
}
