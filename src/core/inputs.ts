import { z } from 'zod'
import {
  apiUrl,
  booleanText,
  choice,
  decimal,
  FAIL_CLASSES,
  failOn,
  optionalDecimal,
  optionalText,
  passRate,
  projectId,
  requiredText,
  runName,
  tags,
  testmoSource,
  testmoTags,
  testmoUrl,
  urlUnderTest,
  variables,
  type FAIL_ON,
  type FailOnItem
} from './input-fields.js'

// The inputs' one surface: the field schemas and parsers beside it are used through it too.
export {
  FAIL_CLASSES,
  FAIL_ON,
  FAIL_ON_ITEMS,
  isAllowedApiUrl,
  optionalChoice,
  optionalText,
  parseList,
  parseVariables,
  type FailClass,
  type FailOnItem
} from './input-fields.js'

/** A problem with what the workflow passed in; its message names the input. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

export const COMMENT_MODES = ['auto', 'always', 'off'] as const
/** When the PR comment is written: every run, failing runs (and the green run after), or changes. */
export const COMMENT_ON = ['always', 'failure', 'change'] as const
/** What a re-run of the workflow runs: every test, or the tests that failed in the last attempt. */
export const RERUN_MODES = ['all', 'failed'] as const

export interface Settings {
  provider: string
  /** What tells this run apart from the other legs of its job (a matrix value), when given. */
  name?: string
  apiKey: string
  apiSecret?: string
  apiUrl?: string
  targetId?: string
  url?: string
  environment?: string
  /** Variable overrides; a repeated key collects several values. */
  variables: Record<string, string[]>
  tags: string[]
  testIds: string[]
  excludeTestIds: string[]
  /**
   * The chosen vendor's own inputs (those only it reads, declared in its provider file), as the
   * workflow wrote them; the provider reads them through its own schemas with `ownInputs()`.
   */
  own: Record<string, string>
  wait: boolean
  timeoutMinutes: number
  pollIntervalSeconds: number
  /**
   * The run statuses that fail the step (`fail-on`, with `failure`, `never` and `new-failures`
   * resolved); `new-failures` in place of `failed`: failed tests judged against the base branch.
   */
  failOn: FailOnItem[]
  /** A finished run in which no test ran passes the step instead of failing it. */
  allowNoTests: boolean
  /** Percent of executed tests that must pass (`min-pass-rate`). */
  minPassRate?: number
  /** min-pass-rate is set and fail-on is not: failed tests are judged by the rate. */
  failedJudgedByRate?: boolean
  /** The lowest score a scored test may have (`min-score`). */
  minScore?: number
  /** The lowest mean score over the scored tests (`min-average-score`). */
  minAverageScore?: number
  comment: (typeof COMMENT_MODES)[number]
  commentOn: (typeof COMMENT_ON)[number]
  rerun: (typeof RERUN_MODES)[number]
  /** One combined PR comment for the legs that name this group, each leg owning its section. */
  commentGroup?: string
  summary: boolean
  /** Record every finished run as a check run on its commit (`check-run`). */
  checkRun: boolean
  githubToken?: string
  reportPath?: string
  junitPath?: string
  /** The inputs the workflow set (not left to their default), to warn about ones a provider ignores. */
  given: string[]
  /** Set when testmo-url, testmo-token and testmo-project-id are all given. */
  testmo?: TestmoSettings
}

export interface TestmoSettings {
  /** The instance origin, e.g. https://acme.testmo.net */
  url: string
  token: string
  projectId: number
  runName?: string
  source?: string
  tags: string[]
}

/** Inputs that only some providers read; setting one the chosen provider ignores gets a warning. */
export const PROVIDER_SPECIFIC_INPUTS = [
  'api-secret',
  'target-id',
  'url',
  'environment',
  'variables',
  'tags',
  'test-ids',
  'exclude-test-ids'
] as const
export type ProviderSpecificInput = (typeof PROVIDER_SPECIFIC_INPUTS)[number]

/** Inputs whose values are secrets: masked at once, never echoed in an error. */
export const SECRET_INPUTS = ['api-key', 'api-secret', 'github-token', 'testmo-token'] as const

/** Defaults, the same as action.yml's, for runs that do not go through action.yml (tests, demo). */
export const INPUT_DEFAULTS: Record<string, string> = {
  wait: 'true',
  'timeout-minutes': '30',
  'poll-interval-seconds': '2',
  'fail-on': 'failure',
  'allow-no-tests': 'false',
  comment: 'auto',
  'comment-on': 'always',
  rerun: 'all',
  summary: 'true',
  'check-run': 'true'
}

function inputSchema(providers: readonly string[]) {
  return z.object({
    provider: choice(providers as [string, ...string[]], (s) => s.toLowerCase()),
    name: runName,
    'api-key': requiredText('the vendor API key, e.g. ${{ secrets.VENDOR_API_KEY }}'),
    'api-secret': optionalText,
    'api-url': apiUrl,
    'target-id': optionalText,
    url: urlUnderTest,
    environment: optionalText,
    variables,
    tags,
    'test-ids': tags,
    'exclude-test-ids': tags,
    wait: booleanText,
    'timeout-minutes': decimal('minutes', { value: 0, inclusive: false }, 360),
    // Below a second a poller only adds load on the vendor.
    'poll-interval-seconds': decimal('seconds', { value: 1, inclusive: true }, 600),
    'fail-on': failOn,
    'allow-no-tests': booleanText,
    'min-pass-rate': passRate,
    'min-score': optionalDecimal('score points', 100),
    'min-average-score': optionalDecimal('score points', 100),
    comment: choice(COMMENT_MODES, (s) => s.toLowerCase()),
    'comment-on': choice(COMMENT_ON, (s) => s.toLowerCase()),
    rerun: choice(RERUN_MODES, (s) => s.toLowerCase()),
    // Shown in the combined comment's heading and its marker: the same rules as a leg's name.
    'comment-group': runName,
    summary: booleanText,
    'check-run': booleanText,
    'github-token': optionalText,
    'report-path': optionalText,
    'junit-path': optionalText,
    'testmo-url': testmoUrl,
    'testmo-token': optionalText,
    'testmo-project-id': projectId,
    'testmo-run-name': optionalText,
    'testmo-source': testmoSource,
    'testmo-tags': testmoTags
  })
}

export type InputName = keyof z.infer<ReturnType<typeof inputSchema>>

/** Schemas of one vendor's own inputs, each reading the raw string the workflow wrote. */
export type OwnInputs = Readonly<Record<string, z.ZodType<unknown, string>>>

/** The vendors testgate knows and the inputs each one alone reads. */
export interface VendorCatalog {
  names: readonly string[]
  ownInputs: Readonly<Record<string, OwnInputs>>
  /** The vendors whose tests carry a score. */
  scoring: readonly string[]
}

/** Every vendor's own inputs in one shape: their names are unique across vendors. */
function allOwnInputs(catalog: VendorCatalog): Record<string, z.ZodType<unknown, string>> {
  return Object.assign({}, ...Object.values(catalog.ownInputs)) as Record<
    string,
    z.ZodType<unknown, string>
  >
}

/** The inputs every vendor's step may take (provider, api-key, wait…), by name. */
export function sharedInputNames(): string[] {
  return Object.keys(inputSchema(['x']).shape)
}

/** The names of every input testgate reads: the shared ones, then each vendor's own. */
export function inputNames(catalog: VendorCatalog): string[] {
  return [...sharedInputNames(), ...Object.keys(allOwnInputs(catalog))]
}

/** The own inputs a vendor was given, as written. */
function ownRaw(raw: Record<string, string>, own: OwnInputs): Record<string, string> {
  return Object.fromEntries(Object.keys(own).map((name) => [name, raw[name] ?? '']))
}

/** A provider's typed view of its own inputs (already validated by parseInputs). */
export function ownInputs<T extends OwnInputs>(
  settings: Settings,
  schemas: T
): { [K in keyof T]: z.output<T[K]> } {
  return z.object(schemas).parse(settings.own) as { [K in keyof T]: z.output<T[K]> }
}

/**
 * Parses the raw input strings (as core.getInput returns them, '' when unset) into Settings.
 * Every problem is reported at once, each naming its input.
 */
export function parseInputs(read: (name: string) => string, catalog: VendorCatalog): Settings {
  const schema = inputSchema(catalog.names)
  const ownSchema = z.object(allOwnInputs(catalog))
  const raw: Record<string, string> = {}
  const given: string[] = []
  for (const name of [...Object.keys(schema.shape), ...Object.keys(ownSchema.shape)]) {
    const value = read(name)
    if (value.trim() !== '') given.push(name)
    raw[name] = value.trim() === '' ? (INPUT_DEFAULTS[name] ?? '') : value
  }
  const parsed = schema.safeParse(raw)
  const issues = [
    ...(parsed.error?.issues ?? []),
    ...(ownSchema.safeParse(raw).error?.issues ?? [])
  ]
  if (!parsed.success || issues.length > 0) {
    const lines = issues.map((issue) => {
      const name = String(issue.path[0])
      const secret = (SECRET_INPUTS as readonly string[]).includes(name) || hasUserInfo(raw[name])
      const got =
        secret || raw[name] === undefined ? '' : ` (got ${JSON.stringify(shortValue(raw[name]))})`
      return `Input "${name}": ${issue.message}${got}`
    })
    throw new InputError(lines.join('\n'))
  }
  const input = parsed.data
  if (!input) throw new InputError('The inputs could not be read.')
  requireScores(input, catalog.scoring)
  return {
    provider: input.provider,
    name: input.name,
    apiKey: input['api-key'],
    apiSecret: input['api-secret'],
    apiUrl: input['api-url'],
    targetId: input['target-id'],
    url: input.url,
    environment: input.environment,
    variables: input.variables,
    tags: input.tags,
    testIds: input['test-ids'],
    excludeTestIds: input['exclude-test-ids'],
    own: ownRaw(raw, catalog.ownInputs[input.provider] ?? {}),
    wait: input.wait,
    timeoutMinutes: input['timeout-minutes'],
    pollIntervalSeconds: input['poll-interval-seconds'],
    failOn: failClasses(
      input['fail-on'],
      input['allow-no-tests'],
      rateJudgesFailures(input, given)
    ),
    failedJudgedByRate: rateJudgesFailures(input, given),
    allowNoTests: input['allow-no-tests'],
    minPassRate: input['min-pass-rate'],
    minScore: input['min-score'],
    minAverageScore: input['min-average-score'],
    comment: input.comment,
    commentOn: input['comment-on'],
    rerun: input.rerun,
    commentGroup: input['comment-group'],
    summary: input.summary,
    checkRun: input['check-run'],
    githubToken: input['github-token'],
    reportPath: input['report-path'],
    junitPath: input['junit-path'],
    testmo: testmoSettings(input),
    given
  }
}

/**
 * A score threshold for a vendor that scores no test could never be met: every run would start,
 * then fail. Said before anything is sent.
 */
function requireScores(input: z.infer<ReturnType<typeof inputSchema>>, scoring: readonly string[]) {
  const rules = (['min-score', 'min-average-score'] as const).filter(
    (name) => input[name] !== undefined
  )
  if (rules.length === 0 || scoring.includes(input.provider)) return
  const only = scoring.length > 0 ? ` (only ${scoring.join(', ')} scores its tests)` : ''
  throw new InputError(
    rules
      .map(
        (name) =>
          `Input "${name}": ${input.provider} gives its tests no score, so no run could meet it${only}. Remove it, or judge by min-pass-rate.`
      )
      .join('\n')
  )
}

/**
 * A team that sets min-pass-rate and leaves fail-on alone means the rate to judge failed tests:
 * "90 % must pass" lets 1 of 10 fail. Runs that errored, timed out or were cancelled still fail.
 */
function rateJudgesFailures(
  input: z.infer<ReturnType<typeof inputSchema>>,
  given: readonly string[]
): boolean {
  return input['min-pass-rate'] !== undefined && !given.includes('fail-on')
}

/**
 * The statuses that fail the step. `failure` is every failing status, a run without tests among
 * them unless allow-no-tests, and failed tests unless min-pass-rate judges them; `new-failures`
 * is the same with failed tests judged against the base branch; `never` is none. A list is taken
 * as written, and a list that fails on no-tests while allow-no-tests is true contradicts itself.
 */
function failClasses(
  value: (typeof FAIL_ON)[number] | FailOnItem[],
  allowNoTests: boolean,
  failedJudgedByRate: boolean
): FailOnItem[] {
  if (value === 'never') return []
  if (value === 'failure' || value === 'new-failures') {
    const failed: FailOnItem = value === 'new-failures' ? 'new-failures' : 'failed'
    return FAIL_CLASSES.filter(
      (item) => !(allowNoTests && item === 'no-tests') && !(failedJudgedByRate && item === 'failed')
    ).map((item) => (item === 'failed' ? failed : item))
  }
  if (allowNoTests && value.includes('no-tests'))
    throw new InputError(
      'Input "fail-on" lists no-tests while "allow-no-tests" is true: drop one of them.'
    )
  return value
}

const TESTMO_REQUIRED = ['testmo-url', 'testmo-token', 'testmo-project-id'] as const

/** All three of url, token and project, or none: a partial set is a mistake worth stopping for. */
function testmoSettings(
  input: z.infer<ReturnType<typeof inputSchema>>
): TestmoSettings | undefined {
  const missing = TESTMO_REQUIRED.filter((name) => input[name] === undefined)
  if (missing.length === TESTMO_REQUIRED.length) return undefined
  if (missing.length > 0) {
    throw new InputError(
      `Publishing to Testmo needs ${TESTMO_REQUIRED.join(', ')}; missing: ${missing.map((name) => `"${name}"`).join(', ')}`
    )
  }
  return {
    url: input['testmo-url'] ?? '',
    token: input['testmo-token'] ?? '',
    projectId: input['testmo-project-id'] ?? 0,
    runName: input['testmo-run-name'],
    source: input['testmo-source'],
    tags: input['testmo-tags']
  }
}

/** A URL with a user or password in it is a secret too: never echoed. */
function hasUserInfo(value: string | undefined): boolean {
  return value !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value.trim())
}

function shortValue(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value
}
