import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  changelogForRelease,
  changelogSection,
  compareSemver,
  isPrerelease,
  majorTag,
  parseSemver,
  promoteUnreleased,
  releaseTag,
  versionProblem,
  withVersion
} from '../../scripts/release-lib.mjs'
import { ROOT } from '../simulators/runner.js'

const CHANGELOG = `# Changelog

Intro.

## [Unreleased]

### Added

- A new thing.

## [0.2.0] - 2026-12-01

### Fixed

- A bug.

## [0.1.0] - 2026-11-23

### Added

- The first thing.

[Unreleased]: https://github.com/testgate/testgate/compare/v0.2.0...HEAD
[0.2.0]: https://github.com/testgate/testgate/compare/v0.1.0...v0.2.0
[0.1.0]: https://github.com/testgate/testgate/releases/tag/v0.1.0
`

describe('parseSemver', () => {
  it('splits a version into its parts', () => {
    expect(parseSemver('1.22.333')).toEqual({
      major: 1,
      minor: 22,
      patch: 333,
      prerelease: [],
      build: []
    })
    expect(parseSemver('1.0.0-rc.1+sha.abc')).toEqual({
      major: 1,
      minor: 0,
      patch: 0,
      prerelease: ['rc', '1'],
      build: ['sha', 'abc']
    })
  })

  it.each(['1.2', 'v1.2.3', '01.2.3', '1.2.3-', '1.2.3-01', '1.2.3 ', '1.2.3\n', 'x.y.z', ''])(
    'refuses %j',
    (text) => {
      expect(parseSemver(text)).toBeUndefined()
    }
  )
})

describe('compareSemver', () => {
  it('orders by major, minor, patch as numbers', () => {
    expect(compareSemver('0.10.0', '0.9.9')).toBe(1)
    expect(compareSemver('1.0.0', '0.99.99')).toBe(1)
    expect(compareSemver('0.1.2', '0.1.10')).toBe(-1)
    expect(compareSemver('2.3.4', '2.3.4')).toBe(0)
  })

  it('follows semver precedence for pre-releases and ignores build metadata', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0'
    ]
    for (let i = 1; i < ordered.length; i++) {
      expect(compareSemver(ordered[i - 1]!, ordered[i]!)).toBe(-1)
      expect(compareSemver(ordered[i]!, ordered[i - 1]!)).toBe(1)
    }
    expect(compareSemver('1.0.0+a', '1.0.0+b')).toBe(0)
  })

  it('throws on a version that is not one', () => {
    expect(() => compareSemver('1.0', '1.0.0')).toThrow(/not a semantic version/)
  })
})

describe('tags', () => {
  it('names the release tag and the major tag users pin', () => {
    expect(releaseTag('0.2.0')).toBe('v0.2.0')
    expect(majorTag('0.2.0')).toBe('v0')
    expect(majorTag('1.4.2')).toBe('v1')
    expect(majorTag('12.0.0-rc.1')).toBe('v12')
  })

  it('knows a pre-release, which does not move the major tag', () => {
    expect(isPrerelease('1.0.0-rc.1')).toBe(true)
    expect(isPrerelease('1.0.0')).toBe(false)
  })
})

describe('versionProblem', () => {
  it('accepts a greater version', () => {
    expect(versionProblem('0.1.1', '0.1.0')).toBeUndefined()
    expect(versionProblem('1.0.0-rc.1', '0.9.0')).toBeUndefined()
    expect(versionProblem('1.0.0', '1.0.0-rc.1')).toBeUndefined()
  })

  it('says why a version cannot be released', () => {
    expect(versionProblem('v0.2.0', '0.1.0')).toMatch(/not a semantic version/)
    expect(versionProblem('0.2.0+build.1', '0.1.0')).toMatch(/build metadata/)
    expect(versionProblem('0.1.0', '0.1.0')).toMatch(/not greater than package.json's version/)
    expect(versionProblem('0.0.9', '0.1.0')).toMatch(/not greater/)
  })
})

describe('changelogSection', () => {
  it('gives a section body without its heading, up to the next section', () => {
    expect(changelogSection(CHANGELOG, '0.2.0')).toBe('### Fixed\n\n- A bug.')
    expect(changelogSection(CHANGELOG, 'Unreleased')).toBe('### Added\n\n- A new thing.')
  })

  it('stops the last section at the link references', () => {
    expect(changelogSection(CHANGELOG, '0.1.0')).toBe('### Added\n\n- The first thing.')
  })

  it('finds no section for another version, a prefix of one, or a regex look-alike', () => {
    expect(changelogSection(CHANGELOG, '0.3.0')).toBeUndefined()
    expect(changelogSection(CHANGELOG, '0.2')).toBeUndefined()
    expect(changelogSection(CHANGELOG, '0x2x0')).toBeUndefined()
  })

  it("reads the project changelog: each release has entries, and package.json's version is the newest", () => {
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    ).version
    expect(changelogSection(changelog, version)).toMatch(/^### Added/)
    expect(changelogSection(changelog, '0.1.0')).toMatch(/^### Added/)
    expect(changelog.indexOf(`## [${version}]`)).toBeLessThan(changelog.indexOf('## [0.1.0]'))
    expect(changelog).toMatch(/^\[Unreleased\]: https:\/\/github\.com\/testgate\/testgate\//m)
  })
})

describe('promoteUnreleased', () => {
  it('moves the Unreleased entries under the version and updates the links', () => {
    const promoted = promoteUnreleased(CHANGELOG, '0.3.0', '2027-01-02')
    expect(changelogSection(promoted, 'Unreleased')).toBe('')
    expect(changelogSection(promoted, '0.3.0')).toBe('### Added\n\n- A new thing.')
    expect(promoted).toContain('## [Unreleased]\n\n## [0.3.0] - 2027-01-02\n\n### Added')
    expect(changelogSection(promoted, '0.2.0')).toBe('### Fixed\n\n- A bug.')
    expect(promoted).toContain(
      '[Unreleased]: https://github.com/testgate/testgate/compare/v0.3.0...HEAD\n' +
        '[0.3.0]: https://github.com/testgate/testgate/compare/v0.2.0...v0.3.0\n' +
        '[0.2.0]: https://github.com/testgate/testgate/compare/v0.1.0...v0.2.0\n'
    )
  })

  it('refuses an empty Unreleased section, a missing link or an existing version', () => {
    const empty = promoteUnreleased(CHANGELOG, '0.3.0', '2027-01-02')
    expect(() => promoteUnreleased(empty, '0.4.0', '2027-01-03')).toThrow(/nothing under/)
    expect(() =>
      promoteUnreleased(CHANGELOG.replace(/^\[Unreleased\]:.*\n/m, ''), '0.3.0', '2027-01-02')
    ).toThrow(/\[Unreleased\]: <repo>/)
    expect(() => promoteUnreleased(CHANGELOG, '0.2.0', '2027-01-02')).toThrow(/already has/)
  })
})

describe('changelogForRelease', () => {
  it('uses a section written by hand as it is', () => {
    const release = changelogForRelease(CHANGELOG, '0.2.0', '2027-01-02')
    expect(release).toEqual({
      changelog: CHANGELOG,
      notes: '### Fixed\n\n- A bug.',
      promoted: false
    })
  })

  it('otherwise promotes Unreleased and gives its entries as the notes', () => {
    const release = changelogForRelease(CHANGELOG, '0.3.0', '2027-01-02')
    expect(release.promoted).toBe(true)
    expect(release.notes).toBe('### Added\n\n- A new thing.')
    expect(release.changelog).toContain('## [0.3.0] - 2027-01-02')
  })
})

describe('withVersion', () => {
  it('sets the version of package.json and both places of package-lock.json, format kept', () => {
    const lock = readFileSync(join(ROOT, 'package-lock.json'), 'utf8')
    const bumped = withVersion(lock, '9.8.7')
    const data = JSON.parse(bumped) as { version: string; packages: Record<string, unknown> }
    expect(data.version).toBe('9.8.7')
    expect(data.packages['']).toMatchObject({ version: '9.8.7' })
    const changed = bumped.split('\n').filter((line, i) => line !== lock.split('\n')[i])
    expect(changed).toEqual(['  "version": "9.8.7",', '      "version": "9.8.7",'])

    const pkg = readFileSync(join(ROOT, 'package.json'), 'utf8')
    expect(JSON.parse(withVersion(pkg, '9.8.7'))).toEqual({ ...JSON.parse(pkg), version: '9.8.7' })
  })
})
