import type { Outcome } from "../strategies"
import type { Resolution } from "./lab-run"

/** A strategy column's one-line verdict and how it is coloured. */
export interface ColumnVerdict {
  text: string
  tone: "good" | "warn" | "bad"
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n == 1 ? "" : "s"}`
}

/**
 * The worst thing that happened to the leaders' edits under one strategy: leaders that differ, then
 * conflicts waiting for a person, then lost characters, then deletions undone, then words that came out broken, then words
 * made of edits that had not seen each other, then versions people discarded when they resolved a
 * conflict (`resolutions`). Only an outcome with none of these kept every edit as written.
 */
export function columnVerdict(outcome: Outcome, resolutions: readonly Resolution[] = []): ColumnVerdict {
  if (!outcome.converged) return { text: "Leaders differ", tone: "bad" }
  if (outcome.conflicts.length) return { text: `${plural(outcome.conflicts.length, "conflict")} to resolve`, tone: "warn" }
  if (outcome.charsLost) return { text: `Lost ${plural(outcome.charsLost, "character")}`, tone: "bad" }
  // Every edit lost without a character lost had its deletion undone (losses.ts).
  if (outcome.editsLost) return { text: `${plural(outcome.editsLost, "deletion")} undone`, tone: "bad" }
  if (outcome.wordsBroken) return { text: `${plural(outcome.wordsBroken, "word")} broken`, tone: "warn" }
  if (outcome.wordsSpliced) return { text: `${plural(outcome.wordsSpliced, "word")} spliced`, tone: "warn" }
  const discarded = resolutions.reduce((n, r) => n + (r.discarded?.length ?? 0), 0)
  if (discarded) return { text: `${plural(discarded, "version")} discarded by a person`, tone: "warn" }
  return { text: "Kept every edit", tone: "good" }
}
