import { describe, expect, it } from 'vitest'
import { publishAll } from '../../src/sinks/index.js'
import type { Sink, SinkInput } from '../../src/sinks/sink.js'
import { countTests } from '../../src/report/model.js'

const input = {
  report: { provider: 'x', runId: 'r', status: 'passed', counts: countTests([]), tests: [] },
  render: { vendor: 'X' },
  vendor: { name: 'x', displayName: 'X' },
  deadline: 0,
  reportPath: '/tmp/r.json'
} as unknown as Omit<SinkInput, 'earlier'>

describe('publishAll', () => {
  it('runs every sink in order; a failing one is recorded and the next still runs', async () => {
    const seen: string[][] = []
    const sink = (name: string, fail = false): Sink => ({
      name,
      async write({ earlier }) {
        seen.push(earlier.map((result) => result.sink))
        if (fail) throw new Error(`${name} broke`)
        return { paths: [], links: [{ label: name, url: `https://x.example/${name}` }] }
      }
    })
    const results = await publishAll(input, [sink('a'), sink('b', true), sink('c')])

    expect(results.map((result) => [result.sink, result.error])).toEqual([
      ['a', undefined],
      ['b', 'b broke'],
      ['c', undefined]
    ])
    expect(seen).toEqual([[], ['a'], ['a', 'b']])
    expect(results[2]?.links).toEqual([{ label: 'c', url: 'https://x.example/c' }])
  })
})
