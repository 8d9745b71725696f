/** What a failed GitHub API call means. */

/** The HTTP status of an Octokit error, if it has one. */
export function githubStatus(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number') {
    return error.status
  }
  return undefined
}
