import type { Transaction } from "prosemirror-state"

/**
 * The transaction meta key that marks a local edit as restoring the document as it was at a version
 * (the meta's value): the SyncClient sends its steps in a batch of their own that says so (SubmitRequest.restores).
 */
export const restoresMeta = "concord-restores"

/** The version `tr` restores, or undefined; a transaction a plugin appended to a restore belongs to it. */
export function restoredVersionOf(tr: Transaction): number | undefined {
  const root = (tr.getMeta("appendedTransaction") as Transaction | undefined) ?? tr
  const version: unknown = root.getMeta(restoresMeta)
  return typeof version == "number" ? version : undefined
}
