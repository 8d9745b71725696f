import type { Settings } from '../core/inputs.js'

/**
 * One leg of a job: the legs of a matrix share the workflow, the job and usually the target, and
 * are told apart by the `name` input and by what the provider says distinguishes a run (Octomind's
 * browser and breakpoint). Nothing vendor-specific lives here.
 */
export interface Leg {
  /** The `name` input, as the workflow wrote it. */
  name?: string
  /** The provider's own distinction, e.g. "FIREFOX/MOBILE". */
  variant?: string
}

export function legOf(
  settings: Settings,
  provider: { variant?(settings: Settings): string | undefined }
): Leg {
  return { name: settings.name, variant: provider.variant?.(settings) }
}

/** The leg as readers see it in a heading or run name; undefined for a job without legs. */
export function legLabel(leg: Leg): string | undefined {
  const parts = [leg.name, leg.variant].filter((part): part is string => Boolean(part))
  const distinct = parts.filter(
    (part, index) =>
      parts.findIndex((other) => other.toLowerCase() === part.toLowerCase()) === index
  )
  return distinct.length > 0 ? distinct.join(' · ') : undefined
}
