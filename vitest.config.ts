import { defineConfig } from 'vitest/config'

// Two projects: `unit` (the sources, in process: fast feedback, `npm test`) and `e2e` (the bundle
// dist/index.js, spawned as the runner spawns it: `npm run test:e2e`, run by .ci/run under the
// action's own Node).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
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
