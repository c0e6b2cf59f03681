import type { Server } from "socket.io"
import { type CommittedOp, type LeanOp, packOp } from "../lib/protocol"

/** The Socket.IO room of a document's members: presence goes to it. */
export function roomOf(docId: string): string {
  return "doc:" + docId
}

/**
 * The room a member of a document receives committed ops from: one for LeanOps (the default) and one
 * for whole CommittedOps (members showing history). Every member is in exactly one of the two.
 */
export function opsRoomOf(docId: string, detail: boolean): string {
  return (detail ? "ops+:" : "ops:") + docId
}

/**
 * Coalesces what a room receives: ops committed in the same turn of the event loop go out as one
 * `ops` message per document instead of one message per op per client. Members receive LeanOps
 * unless they asked for detail, packed as tuples with their steps packed, so that a client that only
 * edits parses no more than it needs.
 */
export class RoomBroadcaster {
  private readonly pending = new Map<string, CommittedOp[]>()
  private scheduled = false

  constructor(private readonly io: Server) {}

  /** Queue ops for the document's rooms; they are sent at the end of this turn, in order. */
  publish(docId: string, ops: CommittedOp[]): void {
    const queued = this.pending.get(docId)
    if (queued) queued.push(...ops)
    else this.pending.set(docId, ops.slice())
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Send everything queued now. */
  flush(): void {
    this.scheduled = false
    const rooms = this.io.sockets.adapter.rooms
    for (const [docId, ops] of this.pending) {
      const lean = opsRoomOf(docId, false), detailed = opsRoomOf(docId, true)
      if (rooms.get(lean)?.size) this.io.to(lean).emit("ops", { docId, ops: ops.map(op => packOp(leanOp(op))) })
      if (rooms.get(detailed)?.size) this.io.to(detailed).emit("ops", { docId, ops: ops.map(detailedOp) })
    }
    this.pending.clear()
  }
}

/** What every member needs of an op to follow the document. */
export function leanOp(op: CommittedOp): LeanOp {
  const lean: LeanOp = { version: op.version, clientId: op.clientId, seq: op.seq, baseVersion: op.baseVersion, steps: op.steps }
  if (op.dropped) lean.dropped = op.dropped
  if (op.update) lean.update = op.update
  return lean
}

/**
 * An op as a member showing history receives it: without the submitted steps (`original`) unless some
 * were dropped (history pages carry the whole op).
 */
function detailedOp(op: CommittedOp): CommittedOp {
  if (!op.original || op.dropped) return op
  const { original: _original, ...rest } = op
  return rest
}
