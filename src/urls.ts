/**
 * The URL as given when it is an absolute http(s) URL without line breaks or spaces (a URL
 * parser would silently drop or encode those); else undefined.
 */
export function httpUrl(value: string | null | undefined): string | undefined {
  if (!value || /\s/.test(value)) return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined
  } catch {
    return undefined
  }
}
