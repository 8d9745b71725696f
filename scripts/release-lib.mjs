// The pure parts of the release script: versions, tag names, the changelog. No I/O here, so the
// unit tests can import it (types in release-lib.d.mts).

const IDENTIFIER = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)'
const SEMVER = new RegExp(
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)' +
    `(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?` +
    '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$'
)

/** A semantic version (semver.org 2.0.0) split into its parts, or undefined when it is not one. */
export function parseSemver(text) {
  const match = SEMVER.exec(text)
  if (!match) return undefined
  const [, major, minor, patch, prerelease, build] = match
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: prerelease ? prerelease.split('.') : [],
    build: build ? build.split('.') : []
  }
}

function parseOrThrow(text) {
  const version = parseSemver(text)
  if (!version) throw new Error(`"${text}" is not a semantic version (X.Y.Z)`)
  return version
}

function compareNumbers(a, b) {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Precedence of two pre-release identifiers: numbers below words, numbers by value. */
function compareIdentifiers(a, b) {
  const aNumeric = /^\d+$/.test(a)
  const bNumeric = /^\d+$/.test(b)
  if (aNumeric && bNumeric) return compareNumbers(Number(a), Number(b))
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

function comparePrereleases(a, b) {
  // A version without pre-release ranks above any pre-release of it.
  if (a.length === 0 || b.length === 0) return compareNumbers(b.length, a.length)
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareIdentifiers(a[i], b[i])
    if (order !== 0) return order
  }
  return compareNumbers(a.length, b.length)
}

/** -1, 0 or 1 as version a ranks below, with or above b (semver precedence; build is ignored). */
export function compareSemver(a, b) {
  const left = parseOrThrow(a)
  const right = parseOrThrow(b)
  return (
    compareNumbers(left.major, right.major) ||
    compareNumbers(left.minor, right.minor) ||
    compareNumbers(left.patch, right.patch) ||
    comparePrereleases(left.prerelease, right.prerelease)
  )
}

/** The tag of a release: v1.2.3. */
export function releaseTag(version) {
  parseOrThrow(version)
  return `v${version}`
}

/** The major tag users pin (`uses: testgate/testgate@v1`): v1 for 1.2.3, v0 for 0.4.0. */
export function majorTag(version) {
  return `v${parseOrThrow(version).major}`
}

/** Whether a version is a pre-release, which never moves the major tag. */
export function isPrerelease(version) {
  return parseOrThrow(version).prerelease.length > 0
}

/**
 * Why `version` cannot follow `current`, or undefined when it can: it must be a semantic version
 * without build metadata (a tag carries none) and rank above the current one.
 */
export function versionProblem(version, current) {
  const parsed = parseSemver(version)
  if (!parsed) return `"${version}" is not a semantic version (X.Y.Z or X.Y.Z-pre.N)`
  if (parsed.build.length > 0) return `"${version}" has build metadata; a release has none`
  if (compareSemver(version, current) <= 0)
    return `${version} is not greater than package.json's version ${current}`
  return undefined
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** `## [name]`, optionally followed by ` - date`, as a whole line. */
function headingPattern(name) {
  return new RegExp(`^## \\[${escapeRegExp(name)}\\](?:[ \\t]+-[ \\t]+.*)?[ \\t]*$`, 'm')
}

/** Where a section's body ends: the next `## ` heading or the link references at the bottom. */
const SECTION_END = /^(?:## |\[[^\]\n]+\]:[ \t])/m

/** The lines of a section (heading excluded), or undefined when the changelog has none. */
function sectionBounds(changelog, name) {
  const heading = headingPattern(name).exec(changelog)
  if (!heading) return undefined
  const start = heading.index + heading[0].length
  const rest = changelog.slice(start)
  const end = SECTION_END.exec(rest)
  return { headingStart: heading.index, start, end: end ? start + end.index : changelog.length }
}

/**
 * The body of a changelog section, `## [1.2.3] - 2026-11-23` or `## [Unreleased]`, without its
 * heading, trimmed; undefined when there is no such section. These are the release notes.
 */
export function changelogSection(changelog, name) {
  const bounds = sectionBounds(changelog, name)
  if (!bounds) return undefined
  return changelog.slice(bounds.start, bounds.end).trim()
}

/** The base repository URL, from the `[Unreleased]: <repo>/compare/vA...HEAD` link. */
function repositoryUrl(changelog) {
  const match = /^\[Unreleased\]:[ \t]+(\S+)\/compare\/(\S+)\.\.\.HEAD[ \t]*$/m.exec(changelog)
  if (!match) throw new Error('CHANGELOG.md has no "[Unreleased]: <repo>/compare/vX...HEAD" link')
  return { base: match[1], previousTag: match[2], line: match[0] }
}

/**
 * The changelog with the Unreleased entries moved under `## [version] - date`, an empty
 * Unreleased section left on top, and the link references updated: Unreleased compares from the
 * new tag, the new version from the previous one. Throws when there is nothing unreleased.
 */
export function promoteUnreleased(changelog, version, date) {
  if (sectionBounds(changelog, version)) throw new Error(`CHANGELOG.md already has [${version}]`)
  const unreleased = sectionBounds(changelog, 'Unreleased')
  if (!unreleased) throw new Error('CHANGELOG.md has no "## [Unreleased]" section')
  const entries = changelog.slice(unreleased.start, unreleased.end).trim()
  if (entries === '') throw new Error('CHANGELOG.md lists nothing under [Unreleased]')
  const tag = releaseTag(version)
  const link = repositoryUrl(changelog)
  const sections =
    changelog.slice(0, unreleased.headingStart) +
    `## [Unreleased]\n\n## [${version}] - ${date}\n\n${entries}\n\n` +
    changelog.slice(unreleased.end)
  return sections.replace(
    link.line,
    `[Unreleased]: ${link.base}/compare/${tag}...HEAD\n` +
      `[${version}]: ${link.base}/compare/${link.previousTag}...${tag}`
  )
}

/**
 * The release's notes, preparing the changelog if needed: a `## [version]` section written by
 * hand is used as it is; otherwise the Unreleased entries become that section.
 */
export function changelogForRelease(changelog, version, date) {
  const written = changelogSection(changelog, version)
  if (written !== undefined) {
    if (written === '') throw new Error(`CHANGELOG.md's [${version}] section is empty`)
    return { changelog, notes: written, promoted: false }
  }
  const promoted = promoteUnreleased(changelog, version, date)
  return { changelog: promoted, notes: changelogSection(promoted, version), promoted: true }
}

/** package.json or package-lock.json text with the project's own version set (lock: both places). */
export function withVersion(jsonText, version) {
  const data = JSON.parse(jsonText)
  data.version = version
  if (data.packages?.['']) data.packages[''].version = version
  return `${JSON.stringify(data, null, 2)}\n`
}
