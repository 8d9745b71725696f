import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The end-to-end files mostly wait (on spawned action processes and the poll loop), so more
    // of them run at once than there are cores.
    maxWorkers: 4
  }
})
