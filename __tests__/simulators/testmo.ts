import { SimServer, type Reply, type RouteRequest } from './harness.js'

/**
 * Testmo's automation-run API (REST v1) as documented: create run → threads → append tests →
 * complete thread → complete run, and read a run. Bodies are checked like the real API would:
 * required fields, key format, known status aliases, at most 250 tests per append, and completed
 * runs and threads closed to appends. Rejections are 422 with Testmo's {message, errors} body.
 */

export interface StoredTest {
  key: string
  name: string
  folder: string
  status: string
  elapsed?: number
  fields?: { type: number; name: string; value?: string; is_highlight?: boolean }[]
  artifacts?: { name: string; url: string }[]
}

export interface StoredRun {
  id: number
  projectId: number
  body: Record<string, unknown>
  threads: number[]
  tests: StoredTest[]
  completed: boolean
  completeBody?: unknown
}

interface StoredThread {
  id: number
  runId: number
  completed: boolean
  completeBody?: unknown
}

// A default instance's aliases (the CLI sends passed, failure, error, skipped).
const ALIASES = new Set(['passed', 'failed', 'failure', 'error', 'skipped', 'blocked', 'retest'])
const FIELD_TYPES = new Set([1, 2, 3, 4, 5])
const MAX_TESTS_PER_APPEND = 250

export class TestmoSimulator extends SimServer {
  readonly runs = new Map<number, StoredRun>()
  readonly threads = new Map<number, StoredThread>()
  private nextRunId = 500
  private nextThreadId = 9000

  constructor(
    readonly token: string,
    readonly projects: number[] = [1]
  ) {
    super()
    this.route('create-run', 'POST', '/api/v1/projects/:project/automation/runs', (req) =>
      this.guard(req, () => this.createRun(req))
    )
    this.route('get-run', 'GET', '/api/v1/automation/runs/:run', (req) =>
      this.guard(req, () => this.getRun(req))
    )
    this.route('create-thread', 'POST', '/api/v1/automation/runs/:run/threads', (req) =>
      this.guard(req, () => this.createThread(req))
    )
    this.route('append', 'POST', '/api/v1/automation/runs/threads/:thread/append', (req) =>
      this.guard(req, () => this.append(req))
    )
    this.route(
      'complete-thread',
      'POST',
      '/api/v1/automation/runs/threads/:thread/complete',
      (req) => this.guard(req, () => this.completeThread(req))
    )
    this.route('complete-run', 'POST', '/api/v1/automation/runs/:run/complete', (req) =>
      this.guard(req, () => this.completeRun(req))
    )
  }

  onlyRun(): StoredRun {
    const runs = [...this.runs.values()]
    if (runs.length !== 1) throw new Error(`expected one Testmo run, found ${runs.length}`)
    return runs[0]!
  }

  private guard(req: RouteRequest, handle: () => Reply): Reply {
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return { status: 401, body: { message: 'Unauthenticated.' } }
    return handle()
  }

  private createRun(req: RouteRequest): Reply {
    const projectId = Number(req.params.project)
    if (!this.projects.includes(projectId))
      return { status: 404, body: { message: 'Project not found.' } }
    const body = record(req.body)
    const errors: Record<string, string[]> = {}
    if (typeof body.name !== 'string' || body.name === '')
      errors.name = ['The name field is required.']
    if (typeof body.source !== 'string' || !/^[a-zA-Z][a-zA-Z0-9-]+$/.test(body.source))
      errors.source = ['The source field is invalid.']
    if (
      body.tags !== undefined &&
      !(Array.isArray(body.tags) && body.tags.every((tag) => typeof tag === 'string'))
    ) {
      errors.tags = ['The tags must be an array of strings.']
    }
    checkList(body.links, 'links', ['name', 'url'], errors)
    checkFields(body.fields, 'fields', errors)
    if (Object.keys(errors).length > 0) return invalid(errors)
    const id = this.nextRunId++
    this.runs.set(id, { id, projectId, body, threads: [], tests: [], completed: false })
    return { status: 201, body: { id } }
  }

  private getRun(req: RouteRequest): Reply {
    const run = this.runs.get(Number(req.params.run))
    if (!run) return { status: 404, body: { message: 'Not found.' } }
    const count = (statuses: string[]) =>
      run.tests.filter((test) => statuses.includes(test.status)).length
    return {
      status: 200,
      body: {
        result: {
          id: run.id,
          project_id: run.projectId,
          name: run.body.name,
          status: run.completed ? (count(['failed', 'failure', 'error']) > 0 ? 3 : 2) : 4,
          is_completed: run.completed,
          success_count: count(['passed']),
          failure_count: count(['failed', 'failure', 'error']),
          completed_count: run.tests.length,
          total_count: run.tests.length,
          thread_count: run.threads.length
        },
        expands: {}
      }
    }
  }

  private createThread(req: RouteRequest): Reply {
    const run = this.runs.get(Number(req.params.run))
    if (!run) return { status: 404, body: { message: 'Not found.' } }
    if (run.completed)
      return invalid({ automation_run_id: ['The automation run is already completed.'] })
    const id = this.nextThreadId++
    this.threads.set(id, { id, runId: run.id, completed: false })
    run.threads.push(id)
    return { status: 201, body: { id } }
  }

  private append(req: RouteRequest): Reply {
    const thread = this.threads.get(Number(req.params.thread))
    if (!thread) return { status: 404, body: { message: 'Not found.' } }
    const run = this.runs.get(thread.runId)!
    if (thread.completed || run.completed)
      return invalid({ automation_run_thread_id: ['The thread is already completed.'] })
    const tests = record(req.body).tests
    if (!Array.isArray(tests)) return invalid({ tests: ['The tests field must be an array.'] })
    if (tests.length > MAX_TESTS_PER_APPEND)
      return invalid({ tests: [`The tests may not have more than ${MAX_TESTS_PER_APPEND} items.`] })
    const errors: Record<string, string[]> = {}
    tests.forEach((raw, i) => {
      const test = record(raw)
      if (typeof test.key !== 'string' || !/^[a-z0-9]{1,64}$/.test(test.key))
        errors[`tests.${i}.key`] = ['The key format is invalid.']
      for (const name of ['name', 'folder'] as const) {
        if (typeof test[name] !== 'string' || test[name] === '')
          errors[`tests.${i}.${name}`] = [`The ${name} field is required.`]
      }
      if (typeof test.status !== 'string' || !ALIASES.has(test.status))
        errors[`tests.${i}.status`] = ['The selected status is invalid.']
      if (
        test.elapsed !== undefined &&
        !(Number.isInteger(test.elapsed) && (test.elapsed as number) >= 0)
      ) {
        errors[`tests.${i}.elapsed`] = ['The elapsed must be a non-negative integer.']
      }
      checkFields(test.fields, `tests.${i}.fields`, errors)
      checkList(test.artifacts, `tests.${i}.artifacts`, ['name', 'url'], errors)
    })
    if (Object.keys(errors).length > 0) return invalid(errors)
    run.tests.push(...(tests as StoredTest[]))
    return { status: 204 }
  }

  private completeThread(req: RouteRequest): Reply {
    const thread = this.threads.get(Number(req.params.thread))
    if (!thread) return { status: 404, body: { message: 'Not found.' } }
    thread.completed = true
    thread.completeBody = req.body
    return { status: 204 }
  }

  private completeRun(req: RouteRequest): Reply {
    const run = this.runs.get(Number(req.params.run))
    if (!run) return { status: 404, body: { message: 'Not found.' } }
    run.completed = true
    run.completeBody = req.body
    for (const id of run.threads) this.threads.get(id)!.completed = true
    return { status: 204 }
  }
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function invalid(errors: Record<string, string[]>): Reply {
  return { status: 422, body: { message: 'The given data was invalid.', errors } }
}

function checkList(
  value: unknown,
  path: string,
  required: string[],
  errors: Record<string, string[]>
): void {
  if (value === undefined) return
  if (!Array.isArray(value)) {
    errors[path] = ['Must be an array.']
    return
  }
  value.forEach((item, i) => {
    for (const name of required) {
      const field = record(item)[name]
      if (typeof field !== 'string' || field === '')
        errors[`${path}.${i}.${name}`] = [`The ${name} field is required.`]
    }
  })
}

function checkFields(value: unknown, path: string, errors: Record<string, string[]>): void {
  checkList(value, path, ['name'], errors)
  if (!Array.isArray(value)) return
  value.forEach((item, i) => {
    if (!FIELD_TYPES.has(record(item).type as number))
      errors[`${path}.${i}.type`] = ['The selected type is invalid.']
  })
}
