import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isMap, isSeq, parse, parseDocument, type Node } from 'yaml'
import { ROOT } from '../simulators/runner.js'

// Every YAML block of the README is meant to be pasted into a workflow: it must parse, and every
// testgate step in it must use only the inputs and outputs action.yml declares.

interface ActionMetadata {
  inputs: Record<string, { required?: boolean }>
  outputs: Record<string, unknown>
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

interface YamlBlock {
  /** Line of the block's first YAML line in its file (1-based). */
  line: number
  text: string
}

/** Every ```yaml (or ```yml) fenced block, indented ones (in list items) included. */
function yamlBlocks(markdown: string): YamlBlock[] {
  const blocks: YamlBlock[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*ya?ml\b.*$/.exec(lines[i]!)
    if (!open) continue
    const indent = open[1]!.length
    const fence = open[2]!
    const close = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`)
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const line = lines[j]!
      if (close.test(line)) break
      // Indented fences (in list items) indent their content as much as the fence.
      body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)))
    }
    blocks.push({ line: i + 2, text: body.join('\n') })
    i = j
  }
  return blocks
}

function isTestgateStep(step: Record<string, unknown>): boolean {
  const uses = step.uses
  return (
    typeof uses === 'string' && (uses.startsWith('testgate/testgate@') || uses.startsWith('./'))
  )
}

/** Every mapping in the parsed YAML, wherever it is (a whole workflow, a job, a step list, a step). */
function mappings(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(mappings)
  if (value !== null && typeof value === 'object') {
    const map = value as Record<string, unknown>
    return [map, ...Object.values(map).flatMap(mappings)]
  }
  return []
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

/** The README line of a node of the block, for messages. */
function lineOf(block: YamlBlock, node: Node): number {
  const offset = node.range?.[0] ?? 0
  return block.line + block.text.slice(0, offset).split('\n').length - 1
}

// Text a script must not have pasted into it: step outputs and event text (titles, branch names)
// can hold shell syntax. GitHub substitutes ${{ }} before the shell runs.
const PASTED_INTO_SCRIPT = /\$\{\{\s*(steps|needs|github\.event|github\.head_ref)\b[^}]*\}\}/

// steps.<id>.outputs.<name>, or steps.<id>.outputs['<name>']
const OUTPUT_REFERENCE = /\bsteps\.([\w-]+)\.outputs(?:\.([\w-]+)|\[['"]([\w-]+)['"]\])/g

/** What is wrong with a block, each problem with its line in the README; empty when it is fine. */
function problemsOf(block: YamlBlock, metadata: ActionMetadata = action): string[] {
  const document = parseDocument(block.text, { prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    return document.errors.map((error) => {
      const [first = { line: 1, col: 1 }] = error.linePos ?? []
      const message = (error.message.split('\n')[0] ?? '').replace(
        / at line \d+, column \d+:?$/,
        ''
      )
      return `line ${block.line + first.line - 1}, column ${first.col}: not valid YAML: ${message}`
    })
  }
  const problems: string[] = []
  const inputs = Object.keys(metadata.inputs)
  const required = inputs.filter((name) => metadata.inputs[name]?.required === true)
  const outputs = Object.keys(metadata.outputs)
  const stepIds = new Set<string>()

  // Steps, with the YAML node of each for its line.
  const stepNodes: { step: Record<string, unknown>; node: Node }[] = []
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const step = node.toJSON() as Record<string, unknown>
      if ('uses' in step || 'run' in step) stepNodes.push({ step, node })
      for (const pair of node.items) visit(pair.value)
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item)
    }
  }
  visit(document.contents)

  for (const { step, node } of stepNodes) {
    const at = `line ${lineOf(block, node)}`
    if (isTestgateStep(step)) {
      if (typeof step.id === 'string') stepIds.add(step.id)
      const withValue = step.with ?? {}
      if (typeof withValue !== 'object' || withValue === null || Array.isArray(withValue)) {
        problems.push(`${at}: \`with:\` of ${String(step.uses)} is not a mapping`)
        continue
      }
      for (const name of Object.keys(withValue)) {
        if (!inputs.includes(name)) problems.push(`${at}: unknown input "${name}"`)
      }
      for (const name of required) {
        if (!(name in withValue)) problems.push(`${at}: required input "${name}" is missing`)
      }
    }
    const pasted = typeof step.run === 'string' ? PASTED_INTO_SCRIPT.exec(step.run) : null
    if (pasted) {
      problems.push(`${at}: \`run:\` pastes ${pasted[0]} into the script; pass it through \`env:\``)
    }
  }

  const data: unknown = document.toJS()
  for (const text of strings(data)) {
    for (const expression of text.match(/\$\{\{[^}]*\}\}/g) ?? []) {
      for (const [, id = '', dotted, indexed] of expression.matchAll(OUTPUT_REFERENCE)) {
        const name = dotted ?? indexed ?? ''
        if (!stepIds.has(id))
          problems.push(
            `block at line ${block.line}: steps.${id} is not a testgate step of this block`
          )
        else if (!outputs.includes(name))
          problems.push(`block at line ${block.line}: unknown output "${name}" of steps.${id}`)
      }
    }
  }
  return problems
}

describe('README YAML blocks', () => {
  const blocks = yamlBlocks(readme)

  it('finds the blocks, and testgate steps in them', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10)
    const steps = blocks.flatMap((block) =>
      mappings(parseDocument(block.text).toJS() as unknown).filter(isTestgateStep)
    )
    expect(steps.length).toBeGreaterThanOrEqual(blocks.length - 1)
  })

  it.each(blocks.map((block) => [`README.md:${block.line}`, block] as const))(
    'block at %s parses and uses only declared inputs and outputs',
    (_name, block) => {
      expect(problemsOf(block)).toEqual([])
    }
  )
})

describe('the README block checker', () => {
  const check = (text: string): string[] => problemsOf({ line: 10, text })

  it('passes a whole workflow and a single step', () => {
    expect(
      check(
        [
          'on: push',
          'jobs:',
          '  e2e:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - id: t',
          '        uses: testgate/testgate@v0',
          '        with:',
          '          provider: octomind',
          '          api-key: ${{ secrets.KEY }}',
          '      - env:',
          '          STATUS: ${{ steps.t.outputs.status }}',
          '        run: echo "$STATUS"'
        ].join('\n')
      )
    ).toEqual([])
    expect(check('uses: ./\nwith:\n  provider: octomind\n  api-key: x')).toEqual([])
  })

  it('reports invalid YAML with its README line', () => {
    const problems = check('- uses: testgate/testgate@v0\n  run: echo "said $STATUS: $URL"')
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^line 11, column \d+: not valid YAML/)
  })

  it('reports unknown and missing inputs', () => {
    expect(
      check('- uses: testgate/testgate@v0\n  with:\n    provider: octomind\n    api_key: x')
    ).toEqual(['line 10: unknown input "api_key"', 'line 10: required input "api-key" is missing'])
  })

  it('reports outputs action.yml does not declare, and ids of no testgate step', () => {
    const problems = check(
      [
        '- id: t',
        '  uses: testgate/testgate@v0',
        '  with: { provider: octomind, api-key: x }',
        '- env:',
        '    A: ${{ steps.t.outputs.verdict }}',
        '    B: ${{ steps.other.outputs.status }}',
        "    C: ${{ steps.t.outputs['report-url'] }}",
        "    D: ${{ steps.t.outputs['report_url'] }}",
        '  run: echo "$A $B"'
      ].join('\n')
    )
    expect(problems).toEqual([
      'block at line 10: unknown output "verdict" of steps.t',
      'block at line 10: steps.other is not a testgate step of this block',
      'block at line 10: unknown output "report_url" of steps.t'
    ])
  })

  it('reports step outputs and event text pasted into a script', () => {
    const steps = (run: string): string =>
      `- id: t\n  uses: testgate/testgate@v0\n  with: { provider: octomind, api-key: x }\n- run: ${run}`
    expect(check(steps("'echo ${{ steps.t.outputs.status }}'"))).toHaveLength(1)
    expect(check(steps("'echo ${{ github.event.pull_request.title }}'"))).toHaveLength(1)
    expect(check(steps("'git checkout ${{ github.head_ref }}'"))).toHaveLength(1)
    expect(check(steps("'echo ${{ github.sha }}'"))).toEqual([])
  })
})

describe('README for users', () => {
  /** Words of prose: outside code blocks, tables and HTML lines. */
  function proseWords(markdown: string): number {
    let inCode = false
    const prose = markdown.split('\n').filter((line) => {
      if (/^\s*(`{3,}|~{3,})/.test(line)) {
        inCode = !inCode
        return false
      }
      return !inCode && !/^\s*[|<]/.test(line)
    })
    return prose.join('\n').match(/[A-Za-z0-9][\w'’.-]*/g)?.length ?? 0
  }

  it('keeps its prose outside code and tables within 3,500 words', () => {
    expect(proseWords(readme)).toBeLessThanOrEqual(3_500)
  })

  it('shows the summary and the comment near the top, as files in the repository', () => {
    const top = readme.slice(0, readme.indexOf('\n## '))
    for (const image of ['docs/images/comment.png', 'docs/images/summary.png']) {
      expect(top).toContain(`src="${image}"`)
      expect(() => readFileSync(join(ROOT, image))).not.toThrow()
    }
  })

  it('has a table of contents whose links lead to its headings', () => {
    const anchors = new Set(
      [...readme.matchAll(/^#{2,3} (.+)$/gm)].map((match) =>
        (match[1] ?? '')
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .trim()
          .replace(/\s/g, '-')
      )
    )
    const contents = readme.slice(readme.indexOf('## Contents'), readme.indexOf('## Quick start'))
    const links = [...contents.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1])
    expect(links.length).toBeGreaterThan(5)
    for (const link of links) expect(anchors, link).toContain(link)
  })
})
