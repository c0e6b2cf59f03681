import type { Transaction } from "prosemirror-state"
import { ReplaceAroundStep, ReplaceStep } from "prosemirror-transform"
import { limits } from "../protocol/limits"

/** Room a batch keeps beside its steps (ids, seq, versions), and the JSON around each step. */
const batchOverhead = 64_000

/** Steps putting in fewer positions than this are never measured: typing, most pastes. */
const measuredFrom = 2_000

/**
 * The size in bytes of the first step of `tr` too large to reach the hub in one message
 * (limits.maxMessageBytes), or null when every step fits. Only steps that put a lot in are measured.
 */
export function oversizedStep(tr: Transaction): number | null {
  for (const step of tr.steps) {
    if (!(step instanceof ReplaceStep || step instanceof ReplaceAroundStep) || step.slice.size < measuredFrom) continue
    const bytes = new TextEncoder().encode(JSON.stringify(step.toJSON())).length
    if (bytes > limits.maxMessageBytes - batchOverhead) return bytes
  }
  return null
}
