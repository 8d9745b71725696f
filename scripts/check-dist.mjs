// Fails when dist/ is not what `npm run bundle` makes of the current sources: the action users run
// would not be the code under test.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const fresh = mkdtempSync(join(tmpdir(), 'testgate-dist-'))
const ncc = join(root, 'node_modules', '.bin', 'ncc')

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
}

try {
  const quiet = { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }
  execFileSync(ncc, ['build', 'src/index.ts', '-o', fresh, '--license', 'licenses.txt'], quiet)
  const expected = listFiles(fresh)
  const actual = listFiles(join(root, 'dist'))
  const stale = [...new Set([...expected, ...actual])].filter((file) => {
    if (!expected.includes(file) || !actual.includes(file)) return true
    return !readFileSync(join(fresh, file)).equals(readFileSync(join(root, 'dist', file)))
  })
  if (stale.length > 0) {
    console.error(`dist/ is stale (${stale.join(', ')}): run \`npm run bundle\` and commit dist/.`)
    process.exit(1)
  }
  console.log('dist/ matches a fresh bundle of src/.')
} finally {
  rmSync(fresh, { recursive: true, force: true })
}
