import { ConcordError, type ErrorJSON } from "../protocol/errors"
import type { Author, DocAtReply, HistoryPage, JoinRequest, JoinResult, LinksRequest, LinksResult, Reply, Role } from "../protocol/messages"
import type { ConnectionChange, ConnectionIssue, ConnectionStatus } from "./connection-status"
import type { Backoff } from "./backoff"
import { hubSocket, type HubSocket } from "./hub-socket"
import { randomId } from "./random-id"

/** How many times a request the hub refused for its budget is asked in all. */
const maxAsks = 5

/** How long a request waits for the hub's answer before the connection counts it lost, in ms. */
export const ackTimeout = 20_000

/** What every connection to a document is opened with. */
export interface HubConnectionOptions {
  docId: string
  /** The token of the link the document was opened with: the hub lets the connection do what its role allows. */
  token: string
  user: Author
  /** The hub's address; the page's own origin by default. */
  url?: string
  /**
   * Instead of `url`, the addresses of several hubs on one database: the connection starts with the
   * first and, whenever it loses its hub or cannot reach it, tries the next in turn, rejoining there
   * as it would on the same hub.
   */
  urls?: readonly string[]
  /** Act as this client (a leader stored on this device, see LeaderClaims); a fresh id and secret by default. */
  identity?: ClientIdentity
  /** The role the hub gave the link the last time it accepted it: a stored document is editable before the hub answers again. */
  knownRole?: Role | null
  /** Start in the offline mode of `goOffline` (a tab that chose it, reloaded). */
  startOffline?: boolean
}

/** Who a connection is at the hub: its client id and the secret the hub binds that id to. */
export interface ClientIdentity {
  clientId: string
  secret: string
}

/** A fresh identity: a new id for this page load and its secret. */
export function newIdentity(): ClientIdentity {
  return { clientId: randomId(16), secret: randomId(32) }
}

/**
 * What a document's connection to the hub is, whatever the document's strategy (DocConnection for
 * steps, CrdtConnection for Yjs updates): the Socket.IO socket, the link it joins with and the role
 * that link gives, where the connection stands and the problem to show, going offline and back on
 * purpose, losing access when the link is refused or revoked, managing the document's links, and the
 * listeners of all that. A subclass joins the document whenever the socket connects (`join`), and
 * calls `start` once its own handlers are on.
 */
export abstract class HubConnection {
  /** The document this connection edits. */
  readonly docId: string
  /** This leader's id at the hub: this page load's, or a stored leader's that the page continues as. */
  readonly clientId: string
  /** The key the hub binds `clientId` to on the first join: nobody without it can act as this client. */
  protected readonly secret: string
  /** The token this connection joins with. */
  readonly token: string
  /** What the link lets this connection do; null until the hub accepted it. */
  role: Role | null = null
  /** Where the connection stands. */
  status: ConnectionStatus = "connecting"
  /** The latest problem to show the user, until dismissed. */
  issue: ConnectionIssue | null = null
  /** True from a failed attempt to reach the hub (server or network down) until the socket connects again. */
  unreachable = false
  protected author: Author
  protected readonly socket: HubSocket
  /** Bumped whenever a join starts or the socket drops; answers that belong to an older session are ignored. */
  protected session = 0
  protected joined = false
  protected wantOffline = false
  protected everOnline = false
  protected closed = false
  private readonly listeners = new Set<(change: ConnectionChange) => void>()

  /** `backoff` paces the subclass's retries of joins and sends; closing or losing the link cancels the waiting one. */
  constructor(options: HubConnectionOptions, protected readonly backoff: Backoff) {
    this.docId = options.docId
    this.token = options.token
    this.author = options.user
    const identity = options.identity ?? newIdentity()
    this.clientId = identity.clientId
    this.secret = identity.secret
    this.role = options.knownRole ?? null
    this.wantOffline = !!options.startOffline
    this.socket = hubSocket(options.urls ?? options.url)
    this.socket.on("connect", () => this.setUnreachable(false))
    // An inactive socket was refused by the hub rather than unable to reach it.
    this.socket.on("connect_error", () => this.setUnreachable(this.socket.active))
    this.socket.on("revoked", message => {
      if (message.docId == this.docId) this.lostAccess()
    })
  }

  /** The name and colour others see. */
  get user(): Author {
    return this.author
  }

  /**
   * Whether this connection may change the document: its link is an owner or edit link the hub
   * accepted and has not revoked since. Local edits are refused while it is false.
   */
  get writable(): boolean {
    return (this.role == "owner" || this.role == "edit") && this.status != "revoked"
  }

  /** Local changes the hub has not acknowledged yet. */
  abstract get unconfirmedCount(): number

  /** Of those, how many are stored on this device (they outlive the page). */
  abstract get storedCount(): number

  /** True when everything this page shows is stored on this device: closing it loses nothing. */
  abstract get keptOnDevice(): boolean

  /** Start writing what is not on the device yet, now rather than when it was due (the page is going away). */
  abstract flushToDevice(): Promise<void>

  /**
   * The page is going away (pagehide): keep what is not on the device yet, synchronously where the
   * connection can (see LeaveJournal), and start writing it.
   */
  leaving(): void {
    void this.flushToDevice()
  }

  /** Call `listener` after every change; returns the function that unsubscribes. */
  subscribe(listener: (change: ConnectionChange) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Disconnect on purpose: editing goes on locally until `goOnline`. */
  goOffline(): void {
    if (this.stopped) return
    this.wantOffline = true
    this.socket.disconnect()
    this.setStatus("offline")
  }

  /** Connect, unless the connection starts offline. */
  protected start(): void {
    if (this.wantOffline) this.setStatus("offline")
    else this.socket.connect()
  }

  /** Reconnect after `goOffline`; local edits are merged with what happened meanwhile. */
  goOnline(): void {
    if (!this.wantOffline || this.stopped) return
    this.wantOffline = false
    this.setStatus(this.everOnline ? "reconnecting" : "connecting")
    this.socket.connect()
  }

  /**
   * A page of the document's committed ops, newest first, with versions below `before` (the newest when
   * omitted), at most `limit` of them. Rejects with a ConcordError when not connected or when the hub refuses.
   */
  fetchHistory(before?: number, limit?: number): Promise<HistoryPage> {
    return this.ask(() => this.socket.timeout(ackTimeout).emitWithAck("history", {
      docId: this.docId, ...(before != null ? { before } : {}), ...(limit != null ? { limit } : {})
    }))
  }

  /**
   * The document as it was at hub version `version`, as the hub sends it (a snapshot and the steps after
   * it: fetchedVersion in lib/history gives the document). Rejects with a ConcordError when not connected
   * or when the hub refuses.
   */
  fetchVersion(version: number): Promise<DocAtReply> {
    return this.ask(() => this.socket.timeout(ackTimeout).emitWithAck("docAt", { docId: this.docId, version }))
  }

  /**
   * Reissue or revoke the document's links of `role` (owner links only): resolves with the new token
   * after a reissue, null after a revoke. Rejects with a ConcordError when not joined or when the hub refuses.
   */
  async manageLinks(role: Role, action: LinksRequest["action"]): Promise<string | null> {
    const result: LinksResult = await this.ask(() => this.socket.timeout(ackTimeout).emitWithAck("links", { docId: this.docId, role, action }))
    return result.token
  }

  /** Clear `issue`. */
  dismissIssue(): void {
    this.issue = null
    this.emit("issue")
  }

  /** Leave the document and close the socket for good (subclasses let go of their own state first). */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.backoff.cancel()
    if (this.joined) this.socket.emit("leave", { docId: this.docId })
    this.socket.disconnect()
    this.listeners.clear()
  }

  /**
   * Join (or rejoin) the document on the connected socket: the request `joinRequest` builds, then
   * `joinSucceeded` or `joinFailed` with the hub's answer, or `joinUnanswered` when none came in time.
   * Each join is a session of its own: the answer to a join that a newer one (or a dropped socket)
   * overtook is ignored, and an error while taking the answer in fails the connection.
   */
  protected async join(): Promise<void> {
    if (this.closed || this.wantOffline || this.stopped) return
    const session = ++this.session
    this.joined = false
    const request = this.joinRequest()
    let reply
    try {
      reply = await this.socket.timeout(ackTimeout).emitWithAck("join", request)
    } catch {
      if (session == this.session) this.joinUnanswered()
      return
    }
    if (session != this.session) return
    if (!reply.ok) {
      const error = toError(reply.error)
      // A link refused after it worked was revoked while this tab was away: what it shows stays.
      if (error.code == "ERR_ACCESS_DENIED") return this.everOnline ? this.lostAccess() : this.denied()
      return this.joinFailed(error)
    }
    try {
      this.role = reply.value.role
      this.joinSucceeded(reply.value, request)
    } catch (error) {
      if (session == this.session) this.fail(ConcordError.from(error))
    }
  }

  /** The join request for the state the connection is in. */
  protected abstract joinRequest(): JoinRequest
  /** Take in the hub's answer to `request`. */
  protected abstract joinSucceeded(result: JoinResult, request: JoinRequest): void
  /** The hub refused the join for another reason than the link. */
  protected abstract joinFailed(error: ConcordError): void
  /** The hub did not answer the join in time. */
  protected abstract joinUnanswered(): void

  /**
   * The hub took this connection out of the document because its link was revoked: stop syncing for
   * good, and keep the local document (unsent edits included) on show, read-only. Subclasses stop
   * their own timers first.
   */
  protected lostAccess(): void {
    if (this.closed) return
    this.session++
    this.joined = false
    this.backoff.cancel()
    this.setStatus("revoked")
    this.socket.disconnect()
  }

  /** True once the hub refused or revoked the link: the connection never joins again. */
  protected get stopped(): boolean {
    return this.status == "denied" || this.status == "revoked"
  }

  /** Run `send` if joined and return its value, or throw the hub's refusal (or ERR_INTERNAL when it did not answer) as a ConcordError. */
  protected async ask<T>(send: () => Promise<Reply<T>>): Promise<T> {
    // A request over the socket's budget (a history slider dragged fast) is asked again once the hub's
    // budget allows it, a few times, rather than failing what the person looks at.
    for (let attempt = 1; ; attempt++) {
      if (!this.joined) throw new ConcordError("ERR_NOT_JOINED", "Not connected to the document")
      let reply: Reply<T>
      try {
        reply = await send()
      } catch {
        throw new ConcordError("ERR_INTERNAL", "The server did not answer")
      }
      if (reply.ok) return reply.value
      if (reply.error.code != "ERR_RATE_LIMITED" || attempt == maxAsks) throw toError(reply.error)
      await new Promise(resolve => setTimeout(resolve, Math.min(toError(reply.error).retryAfterMs ?? 500, 5_000)))
    }
  }

  /** The hub accepted no link of this document with this token (or has no such document): nothing to show. */
  private denied(): void {
    this.setStatus("denied")
    this.socket.disconnect()
  }

  /** Drop the socket and connect again, as after a request the hub never answered. */
  protected restartSocket(): void {
    if (this.closed || this.wantOffline) return
    this.socket.disconnect()
    this.socket.connect()
  }

  /** Show a problem; `lost` counts the edits it cost, whose text (when there is some) is offered back. */
  protected report(code: ConnectionIssue["code"], message: string, lost: number, text?: string): void {
    this.issue = text ? { code, message, lost, text } : { code, message, lost }
    this.emit("issue")
  }

  /** Stop on an error the user must see. */
  protected fail(error: ConcordError): void {
    this.report(error.code, error.message, 0)
    this.setStatus("error")
  }

  private setUnreachable(unreachable: boolean): void {
    if (this.unreachable == unreachable) return
    this.unreachable = unreachable
    this.emit("status")
  }

  protected setStatus(status: ConnectionStatus): void {
    if (this.status == status) return
    this.status = status
    this.emit("status")
  }

  protected emit(change: ConnectionChange): void {
    for (const listener of [...this.listeners]) listener(change)
  }
}

/**
 * Whether a refused request may succeed later as it is: the hub failed (internal errors), or the socket
 * was over its budget (ERR_RATE_LIMITED, which a client that stays at a person's pace meets only behind
 * a busy shared address).
 */
export function retryable(error: ConcordError): boolean {
  return error.kind == "internal" || error.code == "ERR_RATE_LIMITED"
}

/** A ConcordError from the hub's error reply. */
export function toError(json: ErrorJSON): ConcordError {
  try {
    return ConcordError.fromJSON(json)
  } catch {
    return new ConcordError("ERR_INTERNAL", "The hub sent a malformed error")
  }
}
