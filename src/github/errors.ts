/** What a failed GitHub API call means, told the way a user can act on. */

/** The HTTP status of an Octokit error, if it has one. */
export function githubStatus(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number') {
    return error.status
  }
  return undefined
}

/** GitHub rejected the github-token: nothing more can be done with it in this step. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError'
}

/**
 * GitHub's 401: the token itself is wrong (mistyped, revoked, expired), whatever the call. Octokit
 * says only "Bad credentials"; this says which input and what it was for, never the token.
 */
export function tokenRejected(purpose: string): Error {
  return new TokenRejectedError(
    `GitHub rejected the github-token (HTTP 401: invalid or expired) while ${purpose}. ` +
      "Check the github-token input; left unset, it is the job's own token."
  )
}

/**
 * GitHub refused the call for a rate limit, not for the token's permissions: a 429, or a 403 that
 * says so (no requests left, a retry-after, or "rate limit" in the message). Octokit's throttling
 * plugin has already waited once when that was short; this is what is left when it was not.
 */
export function isRateLimited(error: unknown): boolean {
  const status = githubStatus(error)
  if (status === 429) return true
  if (status !== 403) return false
  const headers = responseHeaders(error)
  return (
    headers['x-ratelimit-remaining'] === '0' ||
    headers['retry-after'] !== undefined ||
    (error instanceof Error && /\brate limit\b/i.test(error.message))
  )
}

function responseHeaders(error: unknown): Record<string, unknown> {
  if (!error || typeof error !== 'object' || !('response' in error)) return {}
  const { response } = error
  if (!response || typeof response !== 'object' || !('headers' in response)) return {}
  const { headers } = response
  return headers && typeof headers === 'object' ? (headers as Record<string, unknown>) : {}
}
