import { basename } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'
import { defineConfig } from 'vitest/config'

// The end-to-end files that take longest, longest first (measured in CI). A file's tests run one
// after another, so a long file that starts last is the whole suite's tail; without a cache of
// earlier runs (a clean clone in CI), vitest starts files by size, which says little of their time.
// A file not listed starts after these.
const SLOW_FIRST = [
  'providers',
  'base-branch',
  'vendor-specifics',
  'octomind',
  'combined-comment',
  'hostile',
  'memory',
  'github-api',
  'changes',
  'rerun',
  'rerun-checks',
  'policy'
]

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const at = SLOW_FIRST.indexOf(basename(file.moduleId).replace(/\.e2e\.test\.ts$/, ''))
      return at === -1 ? SLOW_FIRST.length : at
    }
    // Each project's files stay together, in the order the base sequencer gave the projects.
    const byProject = new Map<string, TestSpecification[]>()
    for (const file of await super.sort(files))
      byProject.set(file.project.name, [...(byProject.get(file.project.name) ?? []), file])
    return [...byProject.values()].flatMap((group) => group.sort((a, b) => rank(a) - rank(b)))
  }
}

// Two projects: `unit` (the sources, in process: fast feedback, `npm test`) and `e2e` (the bundle
// dist/index.js, spawned as the runner spawns it: `npm run test:e2e`, run by .ci/run under the
// action's own Node).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: { sequencer: SlowFirst },
    projects: [
      { extends: true, test: { name: 'unit', include: ['__tests__/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/**/*.test.ts'],
          // The end-to-end files mostly wait (on spawned action processes and the poll loop), so
          // more of them run at once than there are cores.
          maxWorkers: 6
        }
      }
    ]
  }
})
