import { afterEach, beforeEach } from 'vitest'
import { GitHubSimulator } from './github.js'
import type { SimServer } from './harness.js'

/**
 * What most end-to-end tests run against: a fresh GitHub simulator and at most one vendor
 * simulator per test, both closed after it. Starting a second vendor closes the first.
 */
export interface World {
  readonly github: GitHubSimulator
  start<T extends SimServer>(simulator: T): Promise<T>
}

export function worldPerTest(githubToken: string): World {
  let github: GitHubSimulator | undefined
  let vendor: SimServer | undefined
  beforeEach(async () => {
    github = new GitHubSimulator(githubToken)
    await github.start()
  })
  afterEach(async () => {
    await vendor?.close()
    vendor = undefined
    await github?.close()
  })
  return {
    get github() {
      if (!github) throw new Error('the GitHub simulator starts before each test')
      return github
    },
    async start(simulator) {
      await vendor?.close()
      vendor = simulator
      await simulator.start()
      return simulator
    }
  }
}
