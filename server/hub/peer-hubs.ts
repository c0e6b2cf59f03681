import type { Role } from "../../lib/protocol"
import type { BusEvent, BusNotice, HubBus } from "../storage/hub-bus"
import type { HubDocument } from "./hub-document"
import type { OpenDocuments } from "./open-documents"
import type { SubmitContext } from "./submit-context"
import { catchUp, receiveCommitted } from "./catch-up"

/** How often a hub tells the others it is there, by default, in ms. */
export const defaultHeartbeatMs = 5_000

/**
 * A hub's dealings with the other hubs sharing its store, over their bus: it catches its open documents
 * up with the ops they commit (applied, never transformed again, and published to its own members),
 * keeps their members' presence beside its own, revokes links they revoked, and tells them the same of
 * its own members. Each hub tells the others it is there every heartbeat; the members of a hub not
 * heard from for three heartbeats (killed, or cut off) leave every document here.
 */
export class PeerHubs {
  /** Called with a hub not heard from for three heartbeats. */
  onQuiet: (hub: string) => void = () => {}
  /** Called with every hub heard from. */
  onHeard: (hub: string) => void = () => {}
  /** When each other hub was last heard from (ms since the epoch). */
  private readonly lastHeard = new Map<string, number>()
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly bus: HubBus,
    private readonly documents: OpenDocuments,
    private readonly ctx: SubmitContext,
    private readonly revoke: (docId: string, role: Role) => void,
    private readonly heartbeatMs = defaultHeartbeatMs
  ) {
    bus.listen(event => this.heard(event))
    bus.tell({ kind: "alive" })
    this.timer = setInterval(() => this.beat(), heartbeatMs)
    this.timer.unref()
  }

  /** This hub's id on the bus. */
  get hubId(): string {
    return this.bus.hubId
  }

  /** Stop telling and checking (the hub is closing). */
  stop(): void {
    clearInterval(this.timer)
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

  /** Catch `doc` up with the store now (a client came from another hub with a version this one has not heard of). */
  caughtUp(doc: HubDocument): Promise<void> {
    return doc.queue.run(() => catchUp(this.ctx, doc))
  }

  /**
   * Inside `doc`'s queue, before a batch is prepared: when another hub was heard to commit past this
   * copy, or this hub just took the document's lease (`fresh`), catch up first, so that the batch is
   * transformed over those ops rather than lose its race.
   */
  async beforePrepare(doc: HubDocument, fresh: boolean): Promise<void> {
    if (fresh || doc.heardVersion > doc.version) await catchUp(this.ctx, doc)
  }

  /** Queue a catch-up of `doc` with the store, unless one is queued that has not read yet. */
  catchUp(doc: HubDocument): void {
    if (doc.catchUpQueued) return
    doc.catchUpQueued = true
    doc.queue.run(() => catchUp(this.ctx, doc)).catch(error => doc.log.error({ err: error }, "catch-up-failed"))
  }

  /** Tell the others this hub is there, and let the members of hubs gone quiet leave. */
  private beat(): void {
    this.bus.tell({ kind: "alive" })
    const quiet = Date.now() - 3 * this.heartbeatMs
    for (const [hub, at] of this.lastHeard) {
      if (at >= quiet) continue
      this.lastHeard.delete(hub)
      this.onQuiet(hub)
      for (const doc of this.documents.all()) {
        for (const [clientId, socket] of doc.presenceSockets) if (socket == peerMember(hub)) this.leave(doc, clientId)
      }
    }
  }

  private leave(doc: HubDocument, clientId: string): void {
    doc.presence.delete(clientId)
    doc.presenceSockets.delete(clientId)
    this.ctx.publisher.left(doc.id, clientId)
  }

  private heard(event: BusEvent): void {
    if ("hub" in event) {
      this.lastHeard.set(event.hub, Date.now())
      this.onHeard(event.hub)
    }
    if (event.kind == "missed") return this.documents.all().forEach(doc => this.catchUp(doc))
    if (event.kind == "alive") return
    if (event.kind == "revoked") return this.revoke(event.docId, event.role)
    const doc = this.documents.peek(event.docId)
    if (!doc) return
    if (event.kind == "committed") {
      doc.heardVersion = Math.max(doc.heardVersion, event.version)
      if (event.version <= doc.version) return
      if (!event.ops) return this.catchUp(doc)
      const ops = event.ops
      doc.queue.run(() => receiveCommitted(this.ctx, doc, ops)).catch(error => doc.log.error({ err: error }, "catch-up-failed"))
    } else if (event.kind == "ask") {
      for (const [clientId, state] of doc.presence) if (!isPeerMember(doc.presenceSockets.get(clientId))) this.bus.tell({ kind: "presence", docId: doc.id, state })
    } else if (event.kind == "presence") {
      doc.presence.set(event.state.clientId, event.state)
      doc.presenceSockets.set(event.state.clientId, peerMember(event.hub))
      this.ctx.publisher.presence(doc.id, event.state)
    } else if (doc.presenceSockets.get(event.clientId) == peerMember(event.hub)) this.leave(doc, event.clientId)
  }
}

/** What stands for a member of another hub where a socket id would: its presence goes only with that hub's word. */
function peerMember(hub: string): string {
  return `hub:${hub}`
}

function isPeerMember(socket: string | undefined): boolean {
  return !!socket?.startsWith("hub:")
}
