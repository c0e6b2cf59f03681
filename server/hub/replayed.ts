import type { Node } from "prosemirror-model"
import { ConcordError, type CommittedOp } from "../../lib/protocol"
import { replay } from "../../lib/history/replay"

/** `node` with the steps of `ops` applied; ERR_STORAGE when the log does not replay. */
export function replayed(node: Node, ops: readonly CommittedOp[]): Node {
  const result = replay(node, ops)
  if (!result) throw new ConcordError("ERR_STORAGE", `Ops ${ops[0].version}..${ops[ops.length - 1].version} do not replay`)
  return result
}
