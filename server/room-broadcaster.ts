import type { Server } from "socket.io"
import { type CommittedOp, type PresenceState, packOp } from "../lib/protocol"
import type { Publisher } from "./hub/publisher"

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
 * A room whose last message carried this many ops or more is busy: its next message waits until
 * `lingerMs` after the last one, so that it carries more ops and every member parses fewer messages.
 */
export const busyOps = 16
/** How long a busy room's messages are apart, in ms: a frame of a 60 Hz screen, which shows nothing sooner. */
export const lingerMs = 16

/**
 * Coalesces what a room receives: the ops of one group commit go out as one `ops` message per
 * document instead of one message per op per client. Members receive LeanOps unless they asked for
 * detail, packed as tuples with their steps packed, so that a client that only edits parses no more
 * than it needs.
 *
 * The message goes in a microtask queued by the first op published: the store settles every call of
 * a group commit at once, so the hub publishes the group's ops in the microtasks queued before it,
 * and the message leaves before their acknowledgements (the other members learn of an op first; its
 * author learns from either).
 *
 * A busy room (its last message carried `busyOps` ops or more) lingers: its next message goes
 * `lingerMs` after the last, with everything committed meanwhile. With 50 members, each message is
 * 50 socket writes and 50 parses, so under saturation fewer, larger messages leave the hub and the
 * clients more time for the ops themselves. Acknowledgements never wait.
 */
export class RoomBroadcaster implements Publisher {
  /** Ops waiting to be sent, per document, in version order. */
  private readonly pending = new Map<string, CommittedOp[]>()
  /** Busy documents waiting for their linger to end. */
  private readonly lingering = new Map<string, NodeJS.Timeout>()
  /** When each busy document's last message went (performance.now()); a document leaves when it is no longer busy. */
  private readonly busyAt = new Map<string, number>()
  private scheduled = false

  constructor(private readonly io: Server) {}

  /** Queue ops for the document's rooms; they are sent once this commit's ops are all queued, or when a busy room's linger ends. */
  publish(docId: string, ops: readonly CommittedOp[]): void {
    const queued = this.pending.get(docId)
    if (queued) queued.push(...ops)
    else this.pending.set(docId, ops.slice())
    if (this.lingering.has(docId)) return
    const last = this.busyAt.get(docId)
    const wait = last == null ? 0 : last + lingerMs - performance.now()
    if (wait > 0) {
      this.lingering.set(docId, setTimeout(() => {
        this.lingering.delete(docId)
        this.send(docId)
      }, wait))
    } else if (!this.scheduled) {
      this.scheduled = true
      queueMicrotask(() => this.flushCommitted())
    }
  }

  /** Relay a selection told by another hub to the document's room. */
  presence(docId: string, state: PresenceState): void {
    this.io.to(roomOf(docId)).emit("presence", { docId, state })
  }

  /** Relay another hub's member leaving to the document's room. */
  left(docId: string, clientId: string): void {
    this.io.to(roomOf(docId)).emit("presence:leave", { docId, clientId })
  }

  /** Send everything queued now, lingering rooms included (the server is closing). */
  flush(): void {
    for (const timer of this.lingering.values()) clearTimeout(timer)
    this.lingering.clear()
    for (const docId of [...this.pending.keys()]) this.send(docId)
  }

  /** Send what was committed to the rooms that are not lingering. */
  private flushCommitted(): void {
    this.scheduled = false
    const now = performance.now()
    for (const [docId, at] of this.busyAt) if (now - at >= lingerMs && !this.pending.has(docId)) this.busyAt.delete(docId)
    for (const docId of [...this.pending.keys()]) if (!this.lingering.has(docId)) this.send(docId)
  }

  private send(docId: string): void {
    const ops = this.pending.get(docId)
    if (!ops) return
    this.pending.delete(docId)
    if (ops.length >= busyOps) this.busyAt.set(docId, performance.now())
    else this.busyAt.delete(docId)
    const rooms = this.io.sockets.adapter.rooms
    const lean = opsRoomOf(docId, false), detailed = opsRoomOf(docId, true)
    if (rooms.get(lean)?.size) this.io.to(lean).emit("ops", { docId, ops: ops.map(packOp) })
    if (rooms.get(detailed)?.size) this.io.to(detailed).emit("ops", { docId, ops: ops.map(detailedOp) })
  }
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
