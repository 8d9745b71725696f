import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../simulators/runner.js'

/**
 * The house rules of src/: folders named for what they do, whose imports never go round in a
 * loop (a folder may use the ones below it, never one that uses it), vendors that know nothing of
 * each other, and no file over 400 lines.
 */

const SRC = join(ROOT, 'src')
const MAX_LINES = 400

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : []
  })
}

/** The relative imports of a file (type-only ones too), as paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)]
  return specs.map((match) => resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts')))
}

/**
 * The unit a file belongs to: its top folder under src/ ("." for the entry). Under vendors/, each
 * vendor's folder is a unit of its own, above the interface beside it, and the registry
 * (vendors/index.ts) one above them all.
 */
function unitOf(file: string): string {
  const parts = relative(SRC, file).split('/')
  if (parts.length === 1) return '.'
  if (parts[0] === 'vendors' && parts.length > 2) return `vendors/${parts[1]}`
  if (parts[0] === 'vendors' && parts[1] === 'index.ts') return 'vendors/index'
  return parts[0] ?? '.'
}

function unitGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file)
    const edges = graph.get(from) ?? new Set<string>()
    for (const target of importsOf(file)) {
      const to = unitOf(target)
      if (to !== from) edges.add(to)
    }
    graph.set(from, edges)
  }
  return graph
}

/** A loop of units, if there is one. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (unit: string): string[] | undefined => {
    if (state.get(unit) === 'done') return undefined
    if (state.get(unit) === 'open') return [...path.slice(path.indexOf(unit)), unit]
    state.set(unit, 'open')
    path.push(unit)
    for (const next of graph.get(unit) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(unit, 'done')
    return undefined
  }
  for (const unit of graph.keys()) {
    const cycle = visit(unit)
    if (cycle) return cycle
  }
  return undefined
}

describe('src/ layout', () => {
  it('has no loop between its folders', () => {
    expect(findCycle(unitGraph())).toBeUndefined()
  })

  it('keeps each vendor to itself: no vendor imports another', () => {
    const graph = unitGraph()
    for (const [unit, edges] of graph) {
      if (!unit.startsWith('vendors/') || unit === 'vendors/index') continue
      expect([...edges].filter((to) => to.startsWith('vendors/'))).toEqual([])
    }
  })

  it('has no file over 400 lines', () => {
    const long = sourceFiles(SRC)
      .map((file) => ({
        file: relative(ROOT, file),
        lines: readFileSync(file, 'utf8').split('\n').length - 1
      }))
      .filter(({ lines }) => lines > MAX_LINES)
    expect(long).toEqual([])
  })

  it('keeps the small core free of everything else', () => {
    const core = unitGraph().get('core') ?? new Set()
    expect([...core]).toEqual([])
  })
})
