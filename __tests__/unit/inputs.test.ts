import { vendorCatalog, VENDORS } from '../../src/vendors/index.js'
import { describe, expect, it } from 'vitest'
import {
  InputError,
  isAllowedApiUrl,
  optionalText,
  parseInputs,
  parseList,
  parseVariables
} from '../../src/core/inputs.js'

const base: Record<string, string> = {
  provider: 'octomind',
  'api-key': 'k-123',
  'target-id': 't-1'
}

function parse(inputs: Record<string, string>) {
  const all = { ...base, ...inputs }
  return parseInputs((name) => all[name] ?? '', vendorCatalog())
}

function errorOf(inputs: Record<string, string>): string {
  try {
    parse(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('parseInputs', () => {
  it('takes plain decimals only, and a poll interval of at least a second', () => {
    const parse = (inputs: Record<string, string>) => () =>
      parseInputs(
        (name) => ({ provider: 'octomind', 'api-key': 'k', ...inputs })[name] ?? '',
        vendorCatalog()
      )
    expect(parse({ 'timeout-minutes': '0x10' })).toThrow(
      'Input "timeout-minutes": expected a plain number of minutes, e.g. 5 or 1.5 (got "0x10")'
    )
    expect(parse({ 'timeout-minutes': '1e3' })).toThrow('expected a plain number of minutes')
    expect(parse({ 'poll-interval-seconds': '0.5' })).toThrow(
      'Input "poll-interval-seconds": expected at least 1 seconds (got "0.5")'
    )
    expect(parse({ 'timeout-minutes': '0' })).toThrow('expected greater than 0 minutes')
    expect(parse({ 'timeout-minutes': '2.5', 'poll-interval-seconds': '1' })().timeoutMinutes).toBe(
      2.5
    )
  })

  it('reads fail-on: new-failures as failure with failed tests judged against the base branch', () => {
    expect(parse({ 'fail-on': 'New-Failures' }).failOn).toEqual([
      'new-failures',
      'errored',
      'timed-out',
      'cancelled',
      'no-tests'
    ])
    expect(parse({ 'fail-on': 'new-failures', 'allow-no-tests': 'true' }).failOn).not.toContain(
      'no-tests'
    )
    expect(parse({ 'fail-on': 'new-failures, timed-out' }).failOn).toEqual([
      'new-failures',
      'timed-out'
    ])
    expect(errorOf({ 'fail-on': 'failed, new-failures' })).toContain(
      'Input "fail-on": lists both failed and new-failures'
    )
    // min-pass-rate judges failed tests only when fail-on is left unset
    expect(parse({ 'fail-on': 'new-failures', 'min-pass-rate': '90' })).toMatchObject({
      failedJudgedByRate: false,
      failOn: expect.arrayContaining(['new-failures']) as unknown
    })
  })

  it('writes a check run unless check-run is false', () => {
    expect(parse({}).checkRun).toBe(true)
    expect(parse({ 'check-run': 'false' }).checkRun).toBe(false)
    expect(errorOf({ 'check-run': 'sometimes' })).toContain(
      'Input "check-run": expected true or false'
    )
  })

  it('reads fail-on as failure, never or a list of statuses, each one checked', () => {
    const all = ['failed', 'errored', 'timed-out', 'cancelled', 'no-tests']
    expect(parse({ 'fail-on': 'Failure' }).failOn).toEqual(all)
    expect(parse({ 'fail-on': 'failure', 'allow-no-tests': 'true' }).failOn).toEqual(
      all.slice(0, 4)
    )
    expect(parse({ 'fail-on': 'never' }).failOn).toEqual([])
    expect(parse({ 'fail-on': 'errored, timed-out\nno-tests' }).failOn).toEqual([
      'errored',
      'timed-out',
      'no-tests'
    ])
    expect(errorOf({ 'fail-on': 'failed, flaky' })).toBe(
      'Input "fail-on": unknown "flaky"; expected failure, never, new-failures, or a list of failed, errored, timed-out, cancelled, no-tests, new-failures (got "failed, flaky")'
    )
    expect(errorOf({ 'fail-on': 'failure, never' })).toContain('unknown "failure", "never"')
    expect(errorOf({ 'fail-on': ',' })).toContain('Input "fail-on": expected failure, never')
    expect(errorOf({ 'fail-on': 'failed, no-tests', 'allow-no-tests': 'true' })).toBe(
      'Input "fail-on" lists no-tests while "allow-no-tests" is true: drop one of them.'
    )
  })

  it('reads the thresholds as plain decimals, naming the input of a bad one', () => {
    const settings = parse({
      provider: 'futureagi',
      'min-pass-rate': '90',
      'min-score': ' 7.5 ',
      'min-average-score': '8'
    })
    expect(settings).toMatchObject({ minPassRate: 90, minScore: 7.5, minAverageScore: 8 })
    expect(parse({ 'min-pass-rate': '0' }).minPassRate).toBe(0)
    expect(errorOf({ 'min-pass-rate': '101' })).toBe(
      'Input "min-pass-rate": expected at most 100 percent (got "101")'
    )
    expect(errorOf({ 'min-pass-rate': '90%' })).toContain(
      'Input "min-pass-rate": expected a plain number of percent'
    )
    expect(errorOf({ 'min-score': '-1' })).toContain('Input "min-score": expected a plain number')
    expect(errorOf({ 'min-average-score': 'high' })).toContain('Input "min-average-score"')
  })

  it('refuses a pass rate written as a fraction, with the percent it meant', () => {
    expect(errorOf({ 'min-pass-rate': '0.9' })).toBe(
      'Input "min-pass-rate": expected a percent from 0 to 100: 0.9 would be 0.9 %; for 90 % write 90 (got "0.9")'
    )
    expect(parse({ 'min-pass-rate': '1' }).minPassRate).toBe(1)
  })

  it('lets min-pass-rate judge failed tests when fail-on is left unset', () => {
    expect(parse({ 'min-pass-rate': '90' })).toMatchObject({
      failOn: ['errored', 'timed-out', 'cancelled', 'no-tests'],
      failedJudgedByRate: true
    })
    expect(parse({ 'min-pass-rate': '90', 'fail-on': 'failure' })).toMatchObject({
      failOn: ['failed', 'errored', 'timed-out', 'cancelled', 'no-tests'],
      failedJudgedByRate: false
    })
  })

  it('refuses a score threshold for a vendor that scores no test', () => {
    expect(errorOf({ 'min-score': '7' })).toBe(
      'Input "min-score": octomind gives its tests no score, so no run could meet it (only futureagi scores its tests). Remove it, or judge by min-pass-rate.'
    )
    expect(errorOf({ provider: 'testifly', 'min-average-score': '7' })).toContain(
      'Input "min-average-score": testifly gives its tests no score'
    )
  })

  it('applies the defaults of action.yml to unset inputs', () => {
    expect(parse({})).toMatchObject({
      provider: 'octomind',
      apiKey: 'k-123',
      targetId: 't-1',
      wait: true,
      timeoutMinutes: 30,
      pollIntervalSeconds: 2,
      failOn: ['failed', 'errored', 'timed-out', 'cancelled', 'no-tests'],
      allowNoTests: false,
      minPassRate: undefined,
      minScore: undefined,
      minAverageScore: undefined,
      comment: 'auto',
      summary: true,
      variables: {},
      tags: []
    })
  })

  it('accepts enum values in any case and YAML booleans', () => {
    const settings = parse({
      provider: 'OctoMind',
      browser: 'firefox',
      breakpoint: 'Mobile',
      wait: 'False',
      summary: 'TRUE'
    })
    expect(settings).toMatchObject({ provider: 'octomind', wait: false, summary: true })
    expect(settings.own).toEqual({ browser: 'firefox', breakpoint: 'Mobile' })
  })

  it("checks a vendor's own inputs, declared in its provider file, with the others", () => {
    const message = errorOf({ browser: 'netscape', wait: 'yes' })
    expect(message).toContain(
      'Input "browser": expected one of CHROMIUM, FIREFOX, SAFARI (got "netscape")'
    )
    expect(message).toContain('Input "wait": expected true or false')
    // another vendor's own input is read (to warn that it does not apply), never handed over
    expect(parse({ 'feature-id': 'f1' }).own).toEqual({ browser: '', breakpoint: '' })
  })

  it('names every bad input and what it accepts, all at once', () => {
    const message = errorOf({
      provider: 'cypress',
      'timeout-minutes': '-3',
      wait: 'yes',
      comment: 'sometimes'
    })
    expect(message).toContain(
      `Input "provider": expected one of ${VENDORS.map((vendor) => vendor.name).join(', ')} (got "cypress")`
    )
    expect(message).toContain(
      'Input "timeout-minutes": expected a plain number of minutes, e.g. 5 or 1.5 (got "-3")'
    )
    expect(message).toContain('Input "wait": expected true or false (got "yes")')
    expect(message).toContain('Input "comment": expected one of auto, always, off')
  })

  it('requires an api key and never echoes secret values', () => {
    expect(errorOf({ 'api-key': '  ' })).toContain('Input "api-key": is required')
    const message = errorOf({ 'api-key': 'super-secret', 'poll-interval-seconds': 'x' })
    expect(message).not.toContain('super-secret')
  })

  it('takes https API URLs, and http only on loopback', () => {
    expect(parse({ 'api-url': 'https://preview.octomind.dev' }).apiUrl).toBe(
      'https://preview.octomind.dev'
    )
    expect(parse({ 'api-url': 'http://127.0.0.1:8080' }).apiUrl).toBe('http://127.0.0.1:8080')
    expect(errorOf({ 'api-url': 'http://api.example.com' })).toContain(
      'Input "api-url": expected an https URL'
    )
    expect(isAllowedApiUrl('http://localhost:3000/api')).toBe(true)
    expect(isAllowedApiUrl('http://[::1]:3000')).toBe(true)
    expect(isAllowedApiUrl('https://user:pass@example.com')).toBe(false)
    expect(isAllowedApiUrl('ftp://example.com')).toBe(false)
  })

  it('takes a printable name of a matrix leg, up to 100 characters', () => {
    expect(parse({ name: ' FIREFOX · mobile ' }).name).toBe('FIREFOX · mobile')
    expect(parse({}).name).toBeUndefined()
    expect(parse({ name: 'é'.repeat(100) }).name).toHaveLength(100)
    expect(errorOf({ name: 'x'.repeat(101) })).toContain(
      'Input "name": expected at most 100 characters'
    )
    expect(errorOf({ name: 'chrome\nfirefox' })).toContain('Input "name": expected printable text')
    expect(errorOf({ name: 'a\u0007b' })).toContain('Input "name": expected printable text')
    expect(errorOf({ name: 'a\u202eb' })).toContain('Input "name": expected printable text')
  })

  it('takes a printable comment-group of up to 100 characters; unset, a comment per leg', () => {
    expect(parse({}).commentGroup).toBeUndefined()
    expect(parse({ 'comment-group': '  ' }).commentGroup).toBeUndefined()
    expect(parse({ 'comment-group': ' e2e · browsers ' }).commentGroup).toBe('e2e · browsers')
    expect(errorOf({ 'comment-group': 'x'.repeat(101) })).toContain(
      'Input "comment-group": expected at most 100 characters'
    )
    expect(errorOf({ 'comment-group': 'e2e\n<!-- x -->' })).toContain(
      'Input "comment-group": expected printable text on one line'
    )
    expect(errorOf({ 'comment-group': 'a\u200bb' })).toContain(
      'Input "comment-group": expected printable text'
    )
  })

  it('checks the URL under test is http(s)', () => {
    expect(errorOf({ url: 'javascript:alert(1)' })).toContain(
      'Input "url": expected an http(s) URL'
    )
  })
})

describe('parseVariables', () => {
  it('reads KEY=value and KEY: value lines, collecting repeated keys', () => {
    expect(
      parseVariables(
        'USER=alice\nBASE_URL: https://x.example/a=b\n\n# a comment\nSPACE_ID=1\nSPACE_ID = 2\n'
      )
    ).toEqual({ USER: ['alice'], BASE_URL: ['https://x.example/a=b'], SPACE_ID: ['1', '2'] })
  })

  it('splits on the first separator, keeping the rest of the value', () => {
    expect(parseVariables('A:b=c\nD=e:f')).toEqual({ A: ['b=c'], D: ['e:f'] })
  })

  it('reads a JSON object with scalar or list values', () => {
    expect(parseVariables('{"A": "x", "B": ["1", 2], "C": true}')).toEqual({
      A: ['x'],
      B: ['1', '2'],
      C: ['true']
    })
  })

  it('names the line that does not parse', () => {
    expect(() => parseVariables('A=1\njust words')).toThrow(
      'line 2: expected KEY=value or KEY: value'
    )
    expect(() => parseVariables('{"A": {"nested": 1}}')).toThrow(
      'expected a JSON object whose values'
    )
    expect(() => parseVariables('{not json')).toThrow('does not parse')
  })

  it('surfaces through parseInputs under the input name', () => {
    expect(errorOf({ variables: '=oops' })).toContain(
      'Input "variables": line 1: expected KEY=value'
    )
  })
})

describe('parseList', () => {
  it('splits on commas and newlines, trims, drops blanks and repeats', () => {
    expect(parseList('smoke, checkout\nsmoke\n\n , login')).toEqual(['smoke', 'checkout', 'login'])
  })
})

describe('vendorCatalog', () => {
  const module = (ownInputs: Record<string, typeof optionalText>) => ({
    create: () => {
      throw new Error('not created here')
    },
    ownInputs
  })

  it("refuses two vendors that declare the same own input: one vendor's users would get the other's rules", () => {
    const region = { region: optionalText }
    expect(() => vendorCatalog({ a: module(region), b: module(region) })).toThrow(
      'Input "region" is declared by b and by a: an own input belongs to one vendor.'
    )
  })

  it('refuses an own input named like a shared one', () => {
    expect(() => vendorCatalog({ a: module({ tags: optionalText }) })).toThrow(
      'Input "tags" is declared by a and by every vendor'
    )
  })

  it("takes the registry's vendors, whose own inputs are all distinct", () => {
    const catalog = vendorCatalog()
    const own = Object.values(catalog.ownInputs).flatMap((inputs) => Object.keys(inputs))
    expect(new Set(own).size).toBe(own.length)
    expect(catalog.names).toEqual(VENDORS.map((vendor) => vendor.name))
  })
})
