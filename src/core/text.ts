/**
 * Text, time and URL helpers that several modules use: durations as people read them, text
 * shortened around its middle, URL checks.
 */

export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`
  return `${seconds}s`
}

/** Keeps the start and the end, where errors say the most. */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text
  return keepEnds(text, max, `\n… ${text.length - max} characters omitted …\n`)
}

/** A test name of at most `max` characters, its start and end kept. */
export function shortenName(name: string, max: number): string {
  return name.length <= max ? name : keepEnds(name, max, ' … ')
}

/** The start and end of `text` around `marker`, `max` characters in all, no emoji cut in two. */
function keepEnds(text: string, max: number, marker: string): string {
  const keep = Math.max(0, max - marker.length)
  const headEnd = outsidePair(text, Math.ceil(keep / 2), -1)
  const tailStart = outsidePair(text, text.length - Math.floor(keep / 2), 1)
  return `${text.slice(0, headEnd)}${marker}${text.slice(tailStart)}`
}

/** `index`, moved by `step` when it falls between the two halves of a surrogate pair. */
function outsidePair(text: string, index: number, step: -1 | 1): number {
  const code = text.charCodeAt(index)
  const lowHalf = code >= 0xdc00 && code <= 0xdfff
  return lowHalf && index > 0 ? index + step : index
}

/** An id from outside (a vendor's, a record's) as a message names it: at most 64 characters. */
export function shortId(id: string): string {
  return shorten(id, 64)
}

/** Text of at most `max` characters, its start and end kept around an ellipsis. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : keepEnds(text, max, '…')
}

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

/** "1 test", "2 tests": a count and its noun, for words whose plural adds an s. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** A note with a sentence added after it, or the sentence alone. */
export function withSentence(note: string | undefined, sentence: string): string {
  return note ? `${note} ${sentence}` : sentence
}
