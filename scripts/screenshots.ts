// Makes the README's pictures from the demo: runs `npm run demo -- --save`, renders a scene's job
// summary and PR comment as GitHub renders markdown (cmark-gfm with GitHub's extensions, GitHub's
// markdown CSS) in Chromium, and saves screenshots under docs/images/.
//   npm run screenshots    (needs Debian's chromium and cmark-gfm: apt install chromium cmark-gfm)
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const OUT = 'docs/images'
// The scene that shows the most at once: a failure, what changed since the last run, the policy.
const SHOTS = [
  { scene: '3-next-commit.comment', file: 'comment.png', title: 'PR comment' },
  { scene: '1-failure.summary', file: 'summary.png', title: 'Job summary' }
]

const css = await readFile(
  createRequire(import.meta.url).resolve('github-markdown-css/github-markdown-light.css'),
  'utf8'
)

/** GitHub's markdown: cmark-gfm with the extensions github.com enables, unsafe HTML filtered. */
function render(markdown: string): string {
  const extensions = ['table', 'strikethrough', 'autolink', 'tagfilter', 'tasklist']
  return execFileSync('cmark-gfm', [...extensions.flatMap((e) => ['-e', e]), '--unsafe'], {
    input: markdown,
    encoding: 'utf8'
  })
}

function page(title: string, html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>${css}
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; width: 880px; padding: 24px 32px; font-size: 14px; }
</style></head><body><article class="markdown-body">${html}</article></body></html>`
}

const dir = await mkdtemp(join(tmpdir(), 'testgate-shots-'))
try {
  execFileSync('npx', ['tsx', 'scripts/demo.ts', '--save', dir], { stdio: 'ignore' })
  await mkdir(OUT, { recursive: true })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run']
  })
  try {
    const tab = await browser.newPage({
      viewport: { width: 880, height: 600 },
      deviceScaleFactor: 2
    })
    for (const shot of SHOTS) {
      const markdown = await readFile(join(dir, `${shot.scene}.md`), 'utf8')
      // Folded parts render closed, as a reader first sees them.
      await tab.setContent(page(shot.title, render(markdown)))
      const body = tab.locator('article')
      await body.screenshot({ path: join(OUT, shot.file) })
      console.log(`${join(OUT, shot.file)}: ${shot.title} (${shot.scene})`)
    }
  } finally {
    await browser.close()
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
