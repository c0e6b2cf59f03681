import type { Server } from "socket.io"
import type { CommittedOp } from "../lib/protocol"

/** The Socket.IO room of a document. */
export function roomOf(docId: string): string {
  return "doc:" + docId
}

/**
 * Coalesces what a room receives: ops committed in the same turn of the event loop go out as one
 * `ops` message per document instead of one message per op per client.
 */
export class RoomBroadcaster {
  private readonly pending = new Map<string, CommittedOp[]>()
  private scheduled = false

  constructor(private readonly io: Server) {}

  /** Queue ops for the document's room; they are sent at the end of this turn, in order. */
  publish(docId: string, ops: CommittedOp[]): void {
    const lean = ops.map(leanOp)
    const queued = this.pending.get(docId)
    if (queued) queued.push(...lean)
    else this.pending.set(docId, lean)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Send everything queued now. */
  flush(): void {
    this.scheduled = false
    for (const [docId, ops] of this.pending) this.io.to(roomOf(docId)).emit("ops", { docId, ops })
    this.pending.clear()
  }
}

/**
 * An op as the room receives it: without the submitted steps (`original`) unless some were dropped,
 * since every member parses every op; history pages carry the whole op.
 */
function leanOp(op: CommittedOp): CommittedOp {
  if (!op.original || op.dropped) return op
  const { original: _original, ...rest } = op
  return rest
}
