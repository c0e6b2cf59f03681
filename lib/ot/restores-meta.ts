import type { Transaction } from "prosemirror-state"
import type { Step } from "prosemirror-transform"
import type { StepJSON } from "../protocol/messages"

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

/**
 * An unconfirmed step's JSON as a client keeps its work (UnconfirmedWork): a step of a restore carries
 * the version in `restores` beside its own fields, which Step.fromJSON leaves alone.
 */
export function markedStepJSON(step: Step, restores: number | undefined): StepJSON {
  const json = step.toJSON() as StepJSON
  return restores === undefined ? json : { ...json, restores }
}

/** The version a step's JSON as kept by markedStepJSON restores, or undefined. */
export function restoresOfJSON(json: StepJSON): number | undefined {
  return typeof json.restores == "number" ? json.restores : undefined
}
