import type { Server, Socket } from "socket.io"
import {
  ConcordError, limits, parse,
  type Author, type ClientToServerEvents, type Reply, type Role, type ServerToClientEvents
} from "../lib/protocol"
import type { Hub } from "./hub/hub"
import type { Logger } from "./log"
import type { RequestGuard } from "./rate-guard"
import { readCost } from "./budgets"
import { opsRoomOf, roomOf } from "./room-broadcaster"
import { awarenessUpdateProblem } from "../lib/strategies/crdt/awareness-states"
import { decodeUpdate } from "../lib/strategies/crdt/updates"

/** Socket.IO server and socket types with Concord's typed events. */
export type ConcordServer = Server<ClientToServerEvents, ServerToClientEvents>
export type ConcordSocket = Socket<ClientToServerEvents, ServerToClientEvents>

/** What a socket joined a document as. */
interface Membership {
  clientId: string
  user: Author
  /** What the link it joined with lets it do. */
  role: Role
  /** Receives whole CommittedOps rather than LeanOps. */
  detail: boolean
}

/**
 * The per-socket agent: parses every message, checks it belongs to a joined document, calls the hub,
 * and answers with a Reply. Nothing a client sends can throw out of here or reach other clients unchecked,
 * and every request is charged to the socket's budgets (`guard`) before anything else.
 */
export class Connection {
  private readonly joined = new Map<string, Membership>()

  constructor(private readonly socket: ConcordSocket, private readonly hub: Hub, private readonly log: Logger, private readonly guard: RequestGuard) {
    socket.on("create", (request, ack) => this.handle("create", ack, async () => {
      await this.guard.charge("create")
      return this.hub.create(parse.create(request))
    }))
    socket.on("links", (request, ack) => this.handle("links", ack, async () => {
      const message = parse.links(request)
      if (this.member(message.docId).role != "owner") throw new ConcordError("ERR_NOT_OWNER", `Only the owner of ${message.docId} manages its links`)
      return this.hub.replaceLinks(message, socket.id)
    }))
    socket.on("join", (request, ack) => this.handle("join", ack, async () => {
      await guard.charge("join")
      const message = parse.join(request)
      const detail = message.detail ?? false
      const earlier = this.joined.get(message.docId)
      const result = await this.hub.join(message, socket.id, () => {
        if (earlier) socket.leave(opsRoomOf(message.docId, earlier.detail))
        socket.join([roomOf(message.docId), opsRoomOf(message.docId, detail)])
      })
      this.joined.set(message.docId, { clientId: message.clientId, user: message.user, role: result.role, detail })
      // Joined again as another client: the one before is gone from the document, its caret too.
      if (earlier && earlier.clientId != message.clientId && this.hub.forgetPresence(message.docId, earlier.clientId, socket.id))
        socket.to(roomOf(message.docId)).emit("presence:leave", { docId: message.docId, clientId: earlier.clientId })
      return result
    }))
    socket.on("detail", (request, ack) => this.handle("detail", ack, async () => {
      const { docId, on } = parse.detail(request)
      const member = this.member(docId)
      if (member.detail != on) {
        socket.leave(opsRoomOf(docId, member.detail))
        socket.join(opsRoomOf(docId, on))
        member.detail = on
      }
      return null
    }))
    socket.on("submit", (request, ack) => this.handle("submit", ack, async () => {
      await guard.charge("submit")
      checkSize(request)
      const message = parse.submit(request)
      const member = this.writer(message.docId, message.clientId)
      return this.hub.submit(message, member.user)
    }))
    socket.on("update", (request, ack) => this.handle("update", ack, async () => {
      await guard.charge("submit")
      checkSize(request)
      const message = parse.update(request)
      const member = this.writer(message.docId, message.clientId)
      return this.hub.update(message, member.user)
    }))
    socket.on("presence", async update => {
      if (!(await guard.allows("presence"))) return
      try {
        const message = parse.presence(update)
        const member = this.writer(message.docId)
        const state = this.hub.presence(member.clientId, socket.id, member.user, message)
        if (state) socket.to(roomOf(message.docId)).emit("presence", { docId: message.docId, state })
      } catch (error) {
        this.log.debug({ err: error }, "presence-rejected")
      }
    })
    // A CRDT document's carets: relayed to the room, with who sent them (their names come from the join,
    // not the update), once each state is one a caret can be drawn from.
    socket.on("awareness", async update => {
      if (!(await guard.allows("presence"))) return
      try {
        const message = parse.awareness(update)
        const member = this.writer(message.docId)
        const problem = awarenessUpdateProblem(decodeUpdate(message.update))
        if (problem) throw new ConcordError("ERR_INVALID_MESSAGE", `Invalid awareness update: ${problem}`)
        socket.to(roomOf(message.docId)).emit("awareness", { ...message, from: { clientId: member.clientId, user: member.user } })
      } catch (error) {
        this.log.debug({ err: error }, "awareness-rejected")
      }
    })
    socket.on("leave", (request, ack) => this.handle("leave", ack, async () => {
      const { docId } = parse.leave(request)
      this.leave(docId)
      return null
    }))
    socket.on("history", (request, ack) => this.handle("history", ack, async () => {
      const message = parse.history(request)
      await guard.charge("read", readCost.history(message.limit))
      this.member(message.docId)
      return this.hub.history(message)
    }))
    socket.on("docAt", (request, ack) => this.handle("docAt", ack, async () => {
      const message = parse.docAt(request)
      await guard.charge("read", readCost.docAt())
      this.member(message.docId)
      return this.hub.docAt(message)
    }))
    socket.on("authorship", (request, ack) => this.handle("authorship", ack, async () => {
      const message = parse.authorship(request)
      await guard.charge("read", readCost.authorship(message.window))
      this.member(message.docId)
      return this.hub.authorship(message)
    }))
    // Asks about documents this socket need not have joined: each is answered only for a token that opens it.
    socket.on("summaries", (request, ack) => this.handle("summaries", ack, async () => {
      const message = parse.summaries(request)
      await guard.charge("read", readCost.summaries(message.documents.length))
      return this.hub.summaries(message)
    }))
    socket.on("disconnect", () => {
      for (const docId of [...this.joined.keys()]) this.leave(docId)
    })
  }

  private member(docId: string, clientId?: string): Membership {
    const member = this.joined.get(docId)
    if (!member) throw new ConcordError("ERR_NOT_JOINED", `Join ${docId} before sending to it`)
    if (clientId != null && clientId != member.clientId)
      throw new ConcordError("ERR_INVALID_MESSAGE", `clientId ${clientId} is not the one this socket joined ${docId} with`)
    return member
  }

  /** The hub revoked the link this socket joined `docId` with: leave the document, then say why. */
  revoke(docId: string, role: Role): void {
    if (!this.joined.has(docId)) return
    this.leave(docId)
    this.socket.emit("revoked", { docId, role })
  }

  /** The membership of a socket that may change the document: joined with an owner or edit link. */
  private writer(docId: string, clientId?: string): Membership {
    const member = this.member(docId, clientId)
    if (member.role == "view") throw new ConcordError("ERR_READ_ONLY", `This socket joined ${docId} with a view link`)
    return member
  }

  private leave(docId: string): void {
    const member = this.joined.get(docId)
    if (!member) return
    this.joined.delete(docId)
    this.socket.leave(roomOf(docId))
    this.socket.leave(opsRoomOf(docId, member.detail))
    this.hub.leave(docId, member.clientId, this.socket.id)
    this.socket.to(roomOf(docId)).emit("presence:leave", { docId, clientId: member.clientId })
  }

  private handle<T>(event: string, ack: unknown, run: () => Promise<T>): void {
    const reply = typeof ack == "function" ? (ack as (reply: Reply<T>) => void) : () => {}
    run().then(
      value => reply({ ok: true, value }),
      error => {
        const coded = ConcordError.from(error)
        if (coded.kind == "internal") this.log.error({ request: event, code: coded.code, message: coded.message }, "request-failed")
        else this.log.debug({ request: event, code: coded.code, message: coded.message }, "request-rejected")
        reply({ ok: false, error: coded.toJSON() })
      }
    )
  }
}

/** Refuse a message whose JSON is larger than limits.maxMessageBytes, counted in UTF-8 bytes as it crossed the wire. */
function checkSize(request: unknown): void {
  let size: number
  try {
    size = Buffer.byteLength(JSON.stringify(request) ?? "")
  } catch {
    throw new ConcordError("ERR_INVALID_MESSAGE", "The message is not serializable")
  }
  if (size > limits.maxMessageBytes)
    throw new ConcordError("ERR_MESSAGE_TOO_LARGE", `Messages may be at most ${limits.maxMessageBytes} bytes, this one is ${size}`)
}
