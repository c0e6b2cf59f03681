/**
 * The transaction meta that says which of its steps are others' (a sync client's rebase over ops
 * received from the hub): a StepSpan. What those steps insert is others' text (keepOthersText).
 */
export const othersStepsMeta = "concord:others-steps"

/** Steps `from` to `to` (exclusive) of a transaction, as othersStepsMeta gives them. */
export interface StepSpan {
  from: number
  to: number
}
