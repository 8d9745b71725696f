/** What a failed GitHub API call means, told the way a user can act on. */

/** The HTTP status of an Octokit error, if it has one. */
export function githubStatus(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number') {
    return error.status
  }
  return undefined
}

/**
 * GitHub's 401: the token itself is wrong (mistyped, revoked, expired), whatever the call. Octokit
 * says only "Bad credentials"; this says which input and what it was for, never the token.
 */
export function tokenRejected(purpose: string): Error {
  return new Error(
    `GitHub rejected the github-token (HTTP 401: invalid or expired) while ${purpose}. ` +
      "Check the github-token input; left unset, it is the job's own token."
  )
}
