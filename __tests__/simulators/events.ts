import type { ActionRun } from './runner.js'

/**
 * The event a workflow step sees, as the runner hands it over (`GITHUB_EVENT_NAME`, the event file,
 * `GITHUB_SHA`, `GITHUB_REF`): only the parts of GitHub's webhook payloads testgate reads.
 */
type Event = Pick<ActionRun, 'eventName' | 'event' | 'env'>

/** A push to a branch (main by default): the commit is the one pushed. */
export function pushToMain(sha: string, branch = 'main'): Event {
  return {
    eventName: 'push',
    event: { after: sha, ref: `refs/heads/${branch}` },
    env: { GITHUB_SHA: sha, GITHUB_REF: `refs/heads/${branch}` }
  }
}

/** A pull request: the runner checks out its merge commit, the head is the PR's own commit. */
export function pullRequest(pr: {
  number: number
  head: string
  branch: string
  base?: string
}): Event {
  const base = pr.base === undefined ? {} : { base: { ref: pr.base } }
  return {
    eventName: 'pull_request',
    event: {
      pull_request: { number: pr.number, head: { sha: pr.head, ref: pr.branch }, ...base }
    },
    env: { GITHUB_SHA: 'f'.repeat(40), GITHUB_REF: `refs/pull/${pr.number}/merge` }
  }
}
