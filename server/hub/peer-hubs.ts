import type { Role } from "../../lib/protocol"
import type { BusEvent, BusNotice, HubBus } from "./hub-bus"
import type { HubDocument } from "./hub-document"
import type { OpenDocuments } from "./open-documents"
import type { SubmitContext } from "./submit-context"
import { catchUp } from "./catch-up"

/**
 * A hub's dealings with the other hubs sharing its store, over their bus: it catches its open documents
 * up with the ops they commit (applied, never transformed again, and published to its own members),
 * keeps their members' presence beside its own, revokes links they revoked, and tells them the same of
 * its own members.
 */
export class PeerHubs {
  constructor(
    private readonly bus: HubBus,
    private readonly documents: OpenDocuments,
    private readonly ctx: SubmitContext,
    private readonly revoke: (docId: string, role: Role) => void
  ) {
    bus.listen(event => this.heard(event))
  }

  /** Tell the other hubs. */
  tell(notice: BusNotice): void {
    this.bus.tell(notice)
  }

  /** The hub loaded `doc`: catch up with what was committed while it loaded, and ask who is there. */
  opened(doc: HubDocument): void {
    this.catchUp(doc)
    this.bus.tell({ kind: "ask", docId: doc.id })
  }

  /** Queue a catch-up of `doc` with the store, unless one is queued that has not read yet. */
  catchUp(doc: HubDocument): void {
    if (doc.catchUpQueued) return
    doc.catchUpQueued = true
    doc.queue.run(() => catchUp(this.ctx, doc)).catch(error => doc.log.error({ err: error }, "catch-up-failed"))
  }

  private heard(event: BusEvent): void {
    if (event.kind == "missed") return this.documents.all().forEach(doc => this.catchUp(doc))
    if (event.kind == "revoked") return this.revoke(event.docId, event.role)
    const doc = this.documents.peek(event.docId)
    if (!doc) return
    if (event.kind == "committed") {
      if (event.version > doc.version) this.catchUp(doc)
    } else if (event.kind == "ask") {
      for (const [clientId, state] of doc.presence) if (!isPeerMember(doc.presenceSockets.get(clientId))) this.bus.tell({ kind: "presence", docId: doc.id, state })
    } else if (event.kind == "presence") {
      doc.presence.set(event.state.clientId, event.state)
      doc.presenceSockets.set(event.state.clientId, peerMember(event.hub))
      this.ctx.publisher.presence(doc.id, event.state)
    } else if (doc.presenceSockets.get(event.clientId) == peerMember(event.hub)) {
      doc.presence.delete(event.clientId)
      doc.presenceSockets.delete(event.clientId)
      this.ctx.publisher.left(doc.id, event.clientId)
    }
  }
}

/** What stands for a member of another hub where a socket id would: its presence goes only with that hub's word. */
function peerMember(hub: string): string {
  return `hub:${hub}`
}

function isPeerMember(socket: string | undefined): boolean {
  return !!socket?.startsWith("hub:")
}
