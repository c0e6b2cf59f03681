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

/**
 * A LeanOp as the `ops` event carries it to members that only edit: a tuple rather than an object, so
 * that the keys are not sent and parsed once per op (about half the bytes of an op that types a
 * character): `[version, clientId, seq, baseVersion, steps]`, and a sixth element `{ dropped?, origins?, update? }`
 * only when the op has any of them.
 */
export type PackedOp =
  | [version: number, clientId: string, seq: number, baseVersion: number, steps: PackedStep[]]
  | [version: number, clientId: string, seq: number, baseVersion: number, steps: PackedStep[], extra: Pick<LeanOp, "dropped" | "origins" | "update">]

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

/** The op as a tuple, its steps packed. Reads only a LeanOp's fields: a whole CommittedOp packs to its lean form. */
export function packOp(op: LeanOp): PackedOp {
  const steps = op.steps.map(packStep)
  if (!op.dropped && !op.origins && op.update == null) return [op.version, op.clientId, op.seq, op.baseVersion, steps]
  const extra: Pick<LeanOp, "dropped" | "origins" | "update"> = {}
  if (op.dropped) extra.dropped = op.dropped
  if (op.origins) extra.origins = op.origins
  if (op.update != null) extra.update = op.update
  return [op.version, op.clientId, op.seq, op.baseVersion, steps, extra]
}

/** The LeanOp a packed op stands for, with the very StepJSON of each step (keys in the order they were sent). */
export function unpackOp(packed: PackedOp): LeanOp {
  const [version, clientId, seq, baseVersion, steps, extra] = packed
  const op: LeanOp = { version, clientId, seq, baseVersion, steps: steps.map(unpackStep) }
  if (extra?.dropped) op.dropped = extra.dropped
  if (extra?.origins) op.origins = extra.origins
  if (extra?.update != null) op.update = extra.update
  return op
}

/** The ops of an `ops` event as LeanOps: packed ops unpacked, whole CommittedOps (members that asked for detail) as they came. */
export function unpackOps(ops: readonly (PackedOp | CommittedOp)[]): LeanOp[] {
  return ops.map(op => (Array.isArray(op) ? unpackOp(op) : op))
}
