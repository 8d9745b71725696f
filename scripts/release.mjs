// Cuts a release from main:
//
//   node scripts/release.mjs X.Y.Z [--push]   check, bump, commit, tag vX.Y.Z, move vX (--push: push)
//   node scripts/release.mjs --notes X.Y.Z    print the CHANGELOG section of X.Y.Z (release notes)
//
// Checks first, changes nothing until they all pass: a clean tree on main, a semantic version
// greater than package.json's and not yet tagged, dist/ a fresh bundle of src/
// (scripts/check-dist.mjs). The CHANGELOG: a `## [X.Y.Z]` section written by hand is used as it
// is; otherwise the entries under `## [Unreleased]` become `## [X.Y.Z] - <today>` (an empty
// Unreleased section stays on top) and the link references at the bottom are updated.
// Then package.json and package-lock.json get the version, one commit "Release vX.Y.Z" is made,
// the annotated tag vX.Y.Z is created and the major tag vX is moved to it (not for a pre-release).
// Without --push nothing leaves the machine: look, then `git push origin main vX.Y.Z` and
// `git push --force origin vX`. Pushing vX.Y.Z starts .github/workflows/release.yml.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  changelogForRelease,
  changelogSection,
  isPrerelease,
  majorTag,
  releaseTag,
  versionProblem,
  withVersion
} from './release-lib.mjs'

const root = new URL('..', import.meta.url).pathname
const RELEASE_BRANCH = 'main'
const USAGE = 'usage: node scripts/release.mjs X.Y.Z [--push] | --notes X.Y.Z'

function git(...args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim()
}

function read(file) {
  return readFileSync(join(root, file), 'utf8')
}

function fail(message) {
  console.error(`release: ${message}`)
  process.exit(1)
}

function parseArgs(argv) {
  const flags = argv.filter((arg) => arg.startsWith('--'))
  const values = argv.filter((arg) => !arg.startsWith('--'))
  const unknown = flags.filter((flag) => flag !== '--push' && flag !== '--notes')
  if (unknown.length > 0 || values.length !== 1) fail(USAGE)
  if (flags.includes('--push') && flags.includes('--notes')) fail(USAGE)
  return { version: values[0], push: flags.includes('--push'), notes: flags.includes('--notes') }
}

function printNotes(version) {
  const notes = changelogSection(read('CHANGELOG.md'), version)
  if (!notes) fail(`CHANGELOG.md has no entries under "## [${version}]"`)
  console.log(notes)
}

function checkTree() {
  const dirty = git('status', '--porcelain')
  if (dirty !== '') fail(`the tree is not clean; commit or stash first:\n${dirty}`)
  const branch = git('rev-parse', '--abbrev-ref', 'HEAD')
  if (branch !== RELEASE_BRANCH) fail(`releases are cut from ${RELEASE_BRANCH}, not "${branch}"`)
}

function checkVersion(version, current) {
  const problem = versionProblem(version, current)
  if (problem) fail(problem)
  const tag = releaseTag(version)
  let exists = true
  try {
    git('rev-parse', '--quiet', '--verify', `refs/tags/${tag}`)
  } catch {
    exists = false
  }
  if (exists) fail(`tag ${tag} exists already`)
}

function checkDist() {
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'check-dist.mjs')], {
      cwd: root,
      stdio: 'inherit'
    })
  } catch {
    fail('dist/ is not a fresh bundle of src/')
  }
}

function prepareChangelog(version) {
  const today = new Date().toISOString().slice(0, 10)
  try {
    return changelogForRelease(read('CHANGELOG.md'), version, today)
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
}

function release({ version, push }) {
  const current = JSON.parse(read('package.json')).version
  checkTree()
  checkVersion(version, current)
  const changelog = prepareChangelog(version)
  checkDist()

  const tag = releaseTag(version)
  writeFileSync(join(root, 'CHANGELOG.md'), changelog.changelog)
  for (const file of ['package.json', 'package-lock.json']) {
    writeFileSync(join(root, file), withVersion(read(file), version))
  }
  git('add', '--', 'CHANGELOG.md', 'package.json', 'package-lock.json')
  git('commit', '--quiet', '-m', `Release ${tag}`)
  git('tag', '--annotate', tag, '-m', `testgate ${tag}`)
  const tags = [tag]
  if (!isPrerelease(version)) {
    git('tag', '--force', '--annotate', majorTag(version), '-m', `testgate ${tag}`, 'HEAD')
    tags.push(majorTag(version))
  }
  console.log(
    `Released ${tag} (${current} → ${version}); ` +
      `${changelog.promoted ? 'Unreleased entries moved to' : 'notes from'} CHANGELOG.md [${version}]; ` +
      `tags: ${tags.join(', ')}.`
  )

  if (!push) {
    console.log(
      `Nothing pushed. To publish: git push origin ${RELEASE_BRANCH} ${tag}` +
        (tags.length > 1 ? ` && git push --force origin ${tags[1]}` : '')
    )
    return
  }
  git('push', '--atomic', 'origin', RELEASE_BRANCH, `refs/tags/${tag}`)
  if (tags.length > 1) git('push', '--force', 'origin', `refs/tags/${tags[1]}`)
  console.log(`Pushed ${RELEASE_BRANCH} and ${tags.join(', ')}.`)
}

const args = parseArgs(process.argv.slice(2))
if (args.notes) printNotes(args.version)
else release(args)
