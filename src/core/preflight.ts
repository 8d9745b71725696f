import { constants } from 'node:fs'
import { access, mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { InputError, type Settings } from './inputs.js'

/**
 * Checks made before anything is sent to a vendor: a report that cannot be written is better
 * known now than after a 30-minute run.
 */
export async function checkWritablePaths(settings: Settings): Promise<void> {
  const paths: [string, string | undefined][] = [
    ['report-path', settings.reportPath],
    ['junit-path', settings.junitPath]
  ]
  const problems: string[] = []
  for (const [input, path] of paths) {
    const reason = path === undefined ? undefined : await whyUnwritable(path)
    if (reason) problems.push(`Input "${input}": cannot write ${path}: ${reason}`)
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'))
}

async function whyUnwritable(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path).catch(() => undefined))?.isDirectory()) return 'it is a directory'
    await mkdir(dirname(path), { recursive: true })
    await access(dirname(path), constants.W_OK)
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return REASONS[code ?? ''] ?? (error as Error).message
  }
}

const REASONS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  // mkdir -p on a path whose directory part is an existing file
  EEXIST: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only'
}
