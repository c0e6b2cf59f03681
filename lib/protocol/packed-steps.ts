import type { CommittedOp, LeanOp, StepJSON } from "./messages"

/**
 * A step as the `ops` event carries it to members that only edit. Every member parses every op, and
 * most ops are typing: the two commonest steps go as short arrays instead of nested objects, which
 * halves what a client's JSON.parse builds per op.
 * - `[pos, text]`: typing `text` (one unmarked text node) at `pos`, that is
 *   `{ stepType: "replace", from: pos, to: pos, slice: { content: [{ type: "text", text }] } }`;
 * - `[from, to]`: deleting from `from` to `to` (`from < to`), `{ stepType: "replace", from, to }`;
 * - any other step as its StepJSON.
 * Unpacking gives back the very JSON (the same keys in the same order) that was packed.
 */
export type PackedStep = StepJSON | [number, string] | [number, number]

/** A LeanOp with its steps packed: the form of the `ops` event's lean ops. */
export type PackedOp = Omit<LeanOp, "steps"> & { steps: PackedStep[] }

/** The step in its packed form: an array for plain typing and deletion, otherwise the JSON itself. */
export function packStep(step: StepJSON): PackedStep {
  if (step.stepType != "replace" || typeof step.from != "number" || typeof step.to != "number") return step
  const keys = Object.keys(step).length
  if (keys == 3 && step.from < step.to) return [step.from, step.to]
  if (keys != 4 || step.from != step.to) return step
  const slice = step.slice as { content?: unknown } | undefined
  if (!slice || Object.keys(slice).length != 1 || !Array.isArray(slice.content) || slice.content.length != 1) return step
  const node = slice.content[0] as { type?: unknown; text?: unknown }
  if (Object.keys(node).length != 2 || node.type != "text" || typeof node.text != "string") return step
  return [step.from, node.text]
}

/** The StepJSON of a packed step. */
export function unpackStep(step: PackedStep): StepJSON {
  if (!Array.isArray(step)) return step
  const [from, second] = step
  if (typeof second == "string") return { stepType: "replace", from, to: from, slice: { content: [{ type: "text", text: second }] } }
  return { stepType: "replace", from, to: second }
}

/** The op with its steps packed. */
export function packOp(op: LeanOp): PackedOp {
  return { ...op, steps: op.steps.map(packStep) }
}

/**
 * The ops of an `ops` event as LeanOps (or whole CommittedOps, for a member that asked for detail):
 * packed steps unpacked; an op without packed steps is returned as it came.
 */
export function unpackOps(ops: readonly (PackedOp | CommittedOp)[]): LeanOp[] {
  return ops.map(op => (op.steps.some(Array.isArray) ? { ...op, steps: op.steps.map(unpackStep) } : (op as LeanOp)))
}
