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
    for (const [docId, ops] of this.pending) this.io.to(roomOf(docId)).emit("ops", { docId, ops })
    this.pending.clear()
  }
}
