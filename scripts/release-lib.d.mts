export interface Semver {
  major: number
  minor: number
  patch: number
  prerelease: string[]
  build: string[]
}

export function parseSemver(text: string): Semver | undefined
export function compareSemver(a: string, b: string): -1 | 0 | 1
export function releaseTag(version: string): string
export function majorTag(version: string): string
export function isPrerelease(version: string): boolean
export function versionProblem(version: string, current: string): string | undefined
export function changelogSection(changelog: string, name: string): string | undefined
export function promoteUnreleased(changelog: string, version: string, date: string): string
export function changelogForRelease(
  changelog: string,
  version: string,
  date: string
): { changelog: string; notes: string; promoted: boolean }
export function withVersion(jsonText: string, version: string): string
