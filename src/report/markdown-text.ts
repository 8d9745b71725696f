/** Markdown for text testgate does not control: escaped, fenced, or linked only as http(s). */

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Inline text that renders as itself: no markdown, no HTML, no mentions, on one line. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL_CHARS, '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()#!~|$]/g, '\\$&')
    .replace(/@/g, '@\u200b')
}

/** A fenced block that no backtick run in the text can close early. */
export function codeBlock(text: string): string {
  const clean = text.replace(CONTROL_CHARS, '').replace(/\r\n?/g, '\n')
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}text\n${clean}\n${fence}`
}

/** The URL when it is http(s), made safe to sit inside a markdown link; else undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined
  return parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29')
}

export function link(label: string, url: string | undefined): string | undefined {
  const safe = safeUrl(url)
  return safe ? `[${escapeMarkdown(label)}](${safe})` : undefined
}

/**
 * A rendering that no HTML comment can start in. Vendor text is escaped by renderReport, except
 * inside code blocks (an error message), where it is shown as written: there "<!--" could start a
 * line that reads as a marker, or as a record of testgate's. "<" becomes "﹤" (U+FE64, as wide in
 * UTF-16 units), which a reader hardly tells apart and no parser takes for a comment. testgate's
 * own text has no "<!--" but the hidden lines it puts above a rendering.
 */
export function neutralizeComments(rendering: string): string {
  return rendering.replace(/<!--/g, '\uFE64!--')
}
