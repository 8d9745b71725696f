import type { RenderContext } from '../report/markdown.js'
import type { SinkInput } from './sink.js'

/** The render context with the links the earlier sinks produced (a Testmo run…). */
export function withEarlierLinks(input: SinkInput): RenderContext {
  const links = input.earlier.flatMap((result) => result.links)
  return links.length > 0 ? { ...input.render, published: links } : input.render
}
