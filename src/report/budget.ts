/**
 * The size limits of the summary and the comment, how each counts text, and the Budget a
 * rendering adds its parts to while they fit.
 */

/** How a limit counts text. */
export type Measure = (text: string) => number

export const utf8Bytes: Measure = (text) => Buffer.byteLength(text, 'utf8')
/** UTF-16 code units: an emoji counts two, so never fewer than characters or code points. */
export const utf16Units: Measure = (text) => text.length

export interface RenderLimits {
  /** The most the whole text may take, first line and footer included, as `measure` counts. */
  max: number
  measure: Measure
  /** Characters of one error message. */
  maxErrorChars: number
}

// The runner drops a step summary over 1 MiB (1,048,576 bytes of the step's file) whole, so it is
// counted in UTF-8 bytes (an emoji is 4). 16 KiB (1.6%) spare: the runner measures the file,
// which core.summary appends to, so anything else written to it in this step still fits.
export const SUMMARY_LIMITS: RenderLimits = {
  max: 1_048_576 - 16_384,
  measure: utf8Bytes,
  maxErrorChars: 4_000
}
// GitHub refuses a comment over 65,536 characters (marker and footer included). UTF-16 units never
// count fewer; 1,536 spare against a count that differs from ours, e.g. line breaks as CRLF.
export const COMMENT_LIMITS: RenderLimits = {
  max: 65_536 - 1_536,
  measure: utf16Units,
  maxErrorChars: 1_500
}

const SEPARATOR = '\n\n'

/**
 * The parts of a rendering, added while they fit in `max` as `measure` counts. Room can be held
 * for a line that must appear whatever else does (what was left out), and given back to add it.
 */
export class Budget {
  private readonly parts: string[] = []
  private used = 0
  private held = 0
  constructor(
    private readonly max: number,
    readonly measure: Measure
  ) {}

  /** What a part takes, its separator included. */
  cost(text: string): number {
    return this.measure(text) + this.measure(SEPARATOR)
  }

  fits(cost: number): boolean {
    return this.used + this.held + cost <= this.max
  }

  add(text: string, at = this.parts.length): boolean {
    const cost = this.cost(text)
    if (!this.fits(cost)) return false
    this.parts.splice(at, 0, text)
    this.used += cost
    return true
  }

  /** Keeps room for a line no longer than `longest`; returns what to release before adding it. */
  hold(longest: string): number {
    const cost = this.cost(longest)
    this.held += cost
    return cost
  }

  release(held: number): void {
    this.held -= held
  }

  get length(): number {
    return this.parts.length
  }

  text(): string {
    return this.parts.join(SEPARATOR)
  }
}
