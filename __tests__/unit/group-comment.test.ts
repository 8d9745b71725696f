import { describe, expect, it } from 'vitest'
import { commentMarker } from '../../src/report/comment.js'
import {
  groupMarker,
  groupSectionOf,
  headingIsCurrent,
  MIN_SHARES,
  otherSections,
  parseGroupComment,
  planSection,
  renderGroupComment,
  renderSection,
  sectionEnd,
  sectionKey,
  sectionOf,
  sectionStart,
  shortened,
  type Section
} from '../../src/report/group-comment.js'
import { COMMENT_LIMITS, type RenderContext } from '../../src/report/markdown.js'
import { groupHeading, HEADING_ROOM } from '../../src/report/group-heading.js'
import { evaluatePolicy } from '../../src/report/policy.js'
import { countTests, type RunReport, type TestResult } from '../../src/report/model.js'

const test = (
  name: string,
  status: TestResult['status'],
  fields: Partial<TestResult> = {}
): TestResult => ({ id: name, name, status, links: [], ...fields })

function report(tests: TestResult[]): RunReport {
  const failed = tests.some((t) => t.status === 'failed')
  return {
    provider: 'octomind',
    targetId: 'tt-1',
    runId: 'run-1',
    url: 'https://app.example/r/1',
    status: failed ? 'failed' : 'passed',
    counts: countTests(tests),
    tests
  }
}

const keyOf = (leg: { name?: string; variant?: string }) =>
  sectionKey(commentMarker('octomind', 'tt-1', 'e2e', leg))

/** A leg's section rendered at a quarter of the comment, as a first leg would write it. */
function sectionFor(
  leg: { name?: string; variant?: string },
  tests: TestResult[],
  header?: string
): Section {
  const key = keyOf(leg)
  const max = planSection('e2e', []).max
  const text = renderSection(
    report(tests),
    { vendor: 'Octomind', leg: leg.variant },
    { key, header, max }
  )
  return { key, text }
}

describe('section keys and markers', () => {
  it("are the leg's own comment identity, with the leg's text percent-encoded", () => {
    expect(keyOf({ variant: 'FIREFOX' })).toBe('octomind:tt-1:e2e:variant=FIREFOX')
    expect(keyOf({ name: 'a b' })).toBe('octomind:tt-1:e2e:name=a%20b')
    expect(keyOf({ name: 'a b' })).not.toBe(keyOf({ name: 'a_b' }))
    expect(sectionStart(keyOf({ name: '--> x' }))).toBe(
      '<!-- testgate-leg:octomind:tt-1:e2e:name=--%3E%20x -->'
    )
    expect(() => sectionKey('<!-- testgate-group:e2e -->')).toThrow('not a leg marker')
  })

  it('give the group a marker of its own, apart from every per-leg marker', () => {
    expect(groupMarker('e2e')).toBe('<!-- testgate-group:e2e -->')
    expect(groupMarker('e2e · all browsers')).toBe(
      '<!-- testgate-group:e2e%20%C2%B7%20all%20browsers -->'
    )
    const body = renderGroupComment('e2e', [])
    expect(body.startsWith(groupMarker('e2e'))).toBe(true)
    expect(body.startsWith(groupMarker('e2'))).toBe(false)
    expect(body.startsWith('<!-- testgate:')).toBe(false)
  })
})

describe('renderGroupComment and parseGroupComment', () => {
  const chromium = sectionFor({ variant: 'CHROMIUM' }, [test('Login', 'passed')])
  const firefox = sectionFor({ variant: 'FIREFOX' }, [test('Login', 'failed', { error: 'boom' })])
  const safari = sectionFor({ variant: 'SAFARI' }, [test('Login', 'passed')])

  it('sorts the sections by key, whatever order they come in, and reads them back', () => {
    const body = renderGroupComment('e2e', [safari, chromium, firefox])
    expect(body.split('\n').slice(0, 3)).toEqual([
      '<!-- testgate-group:e2e -->',
      '',
      '## ❌ e2e: 1 of 3 legs failed — Octomind \\(FIREFOX\\)'
    ])
    expect(renderGroupComment('e2e', [firefox, safari, chromium])).toBe(body)
    expect(parseGroupComment(body)).toEqual([chromium, firefox, safari])
    expect(sectionOf(body, firefox.key)).toContain('### ❌ Octomind (FIREFOX): 1 of 1 test failed')
  })

  it("replaces one leg's section and keeps the others byte for byte", () => {
    const before = renderGroupComment('e2e', [chromium, firefox, safari])
    const fixed = sectionFor({ variant: 'FIREFOX' }, [test('Login', 'passed')])
    const after = renderGroupComment('e2e', [...otherSections([before], fixed.key), fixed])
    expect(parseGroupComment(after)).toEqual([chromium, fixed, safari])
    // the heading is the verdict of the sections the comment holds now
    expect(after.split('\n')[2]).toBe('## ✅ e2e: all 3 legs passed')
    expect(after.replace(fixed.text, firefox.text).split('\n').slice(3)).toEqual(
      before.split('\n').slice(3)
    )
  })

  it('drops what is not a whole section, and reads a body whose lines end in CRLF', () => {
    const body = [
      groupMarker('e2e'),
      'someone wrote this',
      sectionStart('a'),
      'a start without its end',
      chromium.text,
      sectionEnd('b'),
      safari.text,
      safari.text.replace('✅', '❓') // a second copy of a key: the first wins
    ].join('\r\n')
    expect(parseGroupComment(body)).toEqual([chromium, safari])
  })

  it('carries hidden lines of the leg right after its start marker (a digest, its verdict)', () => {
    const digest = '<!-- testgate-digest:1:abc -->'
    const section = sectionFor({ variant: 'CHROMIUM' }, [test('Login', 'passed')], digest)
    expect(section.text.split('\n').slice(0, 4)).toEqual([
      sectionStart(section.key),
      digest,
      '<!-- testgate-verdict:passed:passes:Octomind%20%28CHROMIUM%29 -->',
      '### ✅ Octomind (CHROMIUM): all 1 test passed'
    ])
    const body = renderGroupComment('e2e', [section, firefox])
    expect(sectionOf(body, section.key)).toBe(section.text)
    expect(shortened(section).text.split('\n').slice(0, 4)).toEqual(
      section.text.split('\n').slice(0, 4)
    )
  })

  it('takes sections a newer copy alone holds, after the oldest comment’s own', () => {
    const oldest = renderGroupComment('e2e', [chromium])
    const stale = { key: chromium.key, text: chromium.text.replace('✅', '⏳') }
    const copy = renderGroupComment('e2e', [stale, safari])
    expect(otherSections([oldest, copy], firefox.key)).toEqual([chromium, safari])
    expect(otherSections([oldest, copy], chromium.key)).toEqual([safari])
  })
})

describe("the group's overall verdict", () => {
  const leg = (variant: string, tests: TestResult[]) => sectionFor({ variant }, tests)
  const pass = [test('Login', 'passed')]
  const fail = [test('Login', 'failed', { error: 'boom' }), test('Cart', 'passed')]

  it('opens the comment with the legs that failed, named, whichever order they write in', () => {
    const legs = [
      leg('CHROMIUM', pass),
      leg('FIREFOX', fail),
      leg('SAFARI', pass),
      leg('EDGE', fail)
    ]
    const body = renderGroupComment('e2e', legs)
    expect(body.split('\n')[2]).toBe(
      '## ❌ e2e: 2 of 4 legs failed — Octomind \\(EDGE\\), Octomind \\(FIREFOX\\)'
    )
    expect(renderGroupComment('e2e', [...legs].reverse())).toBe(body)
    expect(groupHeading('e2e', [leg('CHROMIUM', pass)])).toBe('## ✅ e2e: its 1 leg passed')
    expect(groupHeading('e2e', [])).toBe('## testgate · e2e')
  })

  it('is computed from the sections present, never left as it was', () => {
    const failing = leg('FIREFOX', fail)
    const before = renderGroupComment('e2e', [leg('CHROMIUM', pass), failing])
    expect(headingIsCurrent('e2e', before)).toBe(true)
    const fixed = leg('FIREFOX', pass)
    const after = renderGroupComment('e2e', [...otherSections([before], fixed.key), fixed])
    expect(after.split('\n')[2]).toBe('## ✅ e2e: all 2 legs passed')
    // a heading that does not say what the sections under it say is stale
    const stale = after.replace('## ✅ e2e: all 2 legs passed', '## testgate · e2e')
    expect(headingIsCurrent('e2e', stale)).toBe(false)
    expect(headingIsCurrent('e2e', after.replace(/\n/g, '\r\n'))).toBe(true)
  })

  it('says which legs have no verdict yet or did not pass without failing the step', () => {
    const section = (variant: string, run: RunReport, context: Partial<RenderContext>) => {
      const key = keyOf({ variant })
      const text = renderSection(
        run,
        { vendor: 'Octomind', leg: variant, ...context },
        { key, max: planSection('e2e', []).max }
      )
      return { key, text }
    }
    const started = section('SAFARI', report([]), { startedOnly: true })
    // fail-on: never lets a failed run pass the step: not a failed leg, not a passed one
    const allowed = section('EDGE', report(fail), {
      policy: evaluatePolicy(report(fail), { failOn: [] })
    })
    expect(groupHeading('e2e', [leg('CHROMIUM', pass), started, allowed])).toBe(
      '## ⚠️ e2e: 1 of 3 legs passed; 1 did not pass — Octomind \\(EDGE\\); 1 without a verdict yet — Octomind \\(SAFARI\\)'
    )
  })

  it("counts only the legs of the writer's commit: a section of another commit's run is not this one's", () => {
    const [NOW, BEFORE] = ['a'.repeat(40), 'b'.repeat(40)]
    const on = (sha: string, variant: string, tests: TestResult[]) => {
      const key = keyOf({ variant })
      const context = { vendor: 'Octomind', leg: variant, sha }
      const max = planSection('e2e', []).max
      return { key, text: renderSection(report(tests), context, { key, max }) }
    }
    const chromium = on(NOW, 'CHROMIUM', pass)
    // FIREFOX passed on the commit before; its job stopped before testgate on this one
    const firefox = on(BEFORE, 'FIREFOX', pass)
    expect(firefox.text.split('\n')[1]).toBe(
      `<!-- testgate-verdict:passed:passes:Octomind%20%28FIREFOX%29:${BEFORE} -->`
    )
    const heading =
      '## ⚠️ e2e: 1 of 2 legs passed; 1 not run on this commit — Octomind \\(FIREFOX\\)'
    expect(groupHeading('e2e', [chromium, firefox], NOW)).toBe(heading)
    const body = renderGroupComment('e2e', [chromium, firefox], NOW)
    expect(body.split('\n')[2]).toBe(heading)
    expect(headingIsCurrent('e2e', body, NOW)).toBe(true)
    // FIREFOX's leg writing on the commit before sees CHROMIUM as the other commit's
    expect(headingIsCurrent('e2e', body, BEFORE)).toBe(false)
    // a failure elsewhere still shows, named, and keeps the heading red
    expect(groupHeading('e2e', [chromium, firefox, on(NOW, 'EDGE', fail)], NOW.slice(0, 7))).toBe(
      '## ❌ e2e: 1 of 3 legs failed — Octomind \\(EDGE\\); 1 not run on this commit — Octomind \\(FIREFOX\\)'
    )
    // one commit, or a writer that names none: as before
    expect(groupHeading('e2e', [chromium, on(NOW, 'FIREFOX', pass)], NOW)).toBe(
      '## ✅ e2e: all 2 legs passed'
    )
    expect(groupHeading('e2e', [chromium, firefox])).toBe('## ✅ e2e: all 2 legs passed')
  })

  it('reads a section an older testgate wrote by its headline', () => {
    const key = keyOf({ variant: 'WEBKIT' })
    const headline = '## ❌ Octomind (WEBKIT): 1 of 3 tests failed'
    const older = { key, text: [sectionStart(key), headline, sectionEnd(key)].join('\n') }
    expect(groupHeading('e2e', [older, leg('CHROMIUM', pass)])).toBe(
      '## ❌ e2e: 1 of 2 legs failed — Octomind \\(WEBKIT\\)'
    )
  })

  it('names three legs and counts the rest, and stays within its room', () => {
    const legs = ['A', 'B', 'C', 'D', 'E'].map((v) => leg(`${v}${'&'.repeat(80)}`, fail))
    const heading = groupHeading('e2e', legs)
    expect(heading.length).toBeLessThanOrEqual(groupHeading('e2e', []).length + HEADING_ROOM)
    expect(heading.startsWith('## ❌ e2e: 5 of 5 legs failed')).toBe(true)
    const short = ['A', 'B', 'C', 'D', 'E'].map((v) => leg(v, fail))
    expect(groupHeading('e2e', short)).toBe(
      '## ❌ e2e: 5 of 5 legs failed — Octomind \\(A\\), Octomind \\(B\\), Octomind \\(C\\), and 2 more'
    )
  })

  it('keeps each leg compact: a short headline, its failures, its passes folded', () => {
    const section = leg('FIREFOX', fail).text
    expect(section).toContain('### ❌ Octomind (FIREFOX): 1 of 2 tests failed')
    expect(section).not.toContain('| Total |')
    expect(section).not.toContain('<sub>')
    expect(section).toContain('#### Failed tests (1)\n\n❌ **Login** · failed')
    expect(section).toContain('<details><summary>✅ 1 passed</summary>')
  })
})

describe('hostile text cannot forge a section', () => {
  const victim = sectionFor({ variant: 'CHROMIUM' }, [test('Login', 'passed')])
  const forgery = [
    sectionEnd('octomind:tt-1:e2e:variant=FIREFOX'),
    sectionStart(victim.key),
    '## ✅ forged: all tests passed',
    sectionEnd(victim.key),
    '<!-- testgate-digest:1:forged -->'
  ].join('\n')

  it('in vendor text: a test name or an error holding marker lines', () => {
    const attacker = sectionFor({ variant: 'FIREFOX' }, [
      test(`evil ${forgery}`, 'failed', { error: `boom\n${forgery}\nmore` })
    ])
    // No line of the attacker's section but its own markers and verdict reads as a marker.
    const lines = attacker.text.split('\n')
    expect(lines.filter((line) => line.startsWith('<!--'))).toEqual([
      sectionStart(attacker.key),
      '<!-- testgate-verdict:failed:fails:Octomind%20%28FIREFOX%29 -->',
      sectionEnd(attacker.key)
    ])
    expect(attacker.text).toContain('\uFE64!-- testgate-leg:octomind:tt-1:e2e:variant=CHROMIUM -->')

    const body = renderGroupComment('e2e', [attacker, victim])
    expect(parseGroupComment(body)).toEqual([victim, attacker])
    expect(sectionOf(body, victim.key)).toBe(victim.text)
    // The victim rewriting its section keeps the attacker's as it was, and no forgery survives.
    const rewritten = renderGroupComment('e2e', [...otherSections([body], victim.key), victim])
    expect(rewritten).toBe(body)
  })

  it("in a leg's name: percent-encoded, so it names no other leg", () => {
    const name = `x -->\n${forgery}`
    const attacker = sectionFor({ name }, [test('Login', 'passed')])
    expect(attacker.key).toBe(keyOf({ name }))
    expect(attacker.key).not.toMatch(/[\s<>]/)
    const body = renderGroupComment('e2e', [attacker, victim])
    expect(parseGroupComment(body).map((section) => section.key)).toEqual(
      [attacker.key, victim.key].sort()
    )
    expect(sectionOf(body, victim.key)).toBe(victim.text)
  })
})

describe('planSection: the budget of a leg', () => {
  const room = COMMENT_LIMITS.max - renderGroupComment('g', []).length - HEADING_ROOM
  const big = (n: number, size: number): Section => {
    const key = `octomind:t:j:name=leg${n}`
    const filler = 'x'.repeat(size - sectionStart(key).length - sectionEnd(key).length - 2)
    return { key, text: `${sectionStart(key)}\n${filler}\n${sectionEnd(key)}` }
  }

  it(`is a 1/${MIN_SHARES} share while fewer legs are seen, then a fair share`, () => {
    expect(planSection('g', []).max).toBe(Math.floor(room / MIN_SHARES) - 2)
    expect(planSection('g', [big(1, 100)]).max).toBe(Math.floor(room / MIN_SHARES) - 2)
    const six = [1, 2, 3, 4, 5].map((n) => big(n, 100))
    expect(planSection('g', six).max).toBe(Math.floor(room / 6) - 2)
  })

  it('shortens legs that took more than today’s share, largest first, so all fit', () => {
    // Four legs wrote a quarter each while they saw no more; a fifth comes.
    const quarter = planSection('g', []).max
    const four = [1, 2, 3, 4].map((n) => big(n, quarter - n))
    const plan = planSection('g', four)
    expect(plan.max).toBe(Math.floor(room / 5) - 2)
    const cut = plan.others.filter((section, i) => section !== four[i])
    expect(cut.length).toBeGreaterThan(0)
    expect(cut[0]?.text).toContain('Shortened to make room')
    expect(plan.others.map((s) => s.key)).toEqual(four.map((s) => s.key))
    const own = big(5, plan.max)
    const body = renderGroupComment('g', [...plan.others, own])
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMITS.max)
  })

  it('keeps a whole comment of four huge legs within GitHub’s limit', () => {
    const huge = Array.from({ length: 400 }, (_, i) =>
      test(`failing ${i}`, 'failed', { error: 'E'.repeat(5_000) })
    )
    let sections: Section[] = []
    for (const variant of ['CHROMIUM', 'FIREFOX', 'SAFARI', 'EDGE']) {
      const key = keyOf({ variant })
      const plan = planSection('e2e', sections)
      const render = groupSectionOf(report(huge), { vendor: 'Octomind', leg: variant })
      sections = [...plan.others, { key, text: render(plan.max, key) }]
    }
    const body = renderGroupComment('e2e', sections)
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMITS.max)
    expect(parseGroupComment(body)).toHaveLength(4)
    for (const section of parseGroupComment(body)) expect(section.text).toContain('not listed here')
  })
})
