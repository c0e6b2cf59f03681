import { io, type Socket } from "socket.io-client"
import { ConcordError, type ErrorJSON } from "../protocol/errors"
import type { Author, ClientToServerEvents, JoinRequest, JoinResult, ServerToClientEvents } from "../protocol/messages"
import type { ConnectionChange, ConnectionIssue, ConnectionStatus } from "./doc-connection"
import { randomId } from "./random-id"

/** How long a request waits for the hub's answer before the connection counts it lost, in ms. */
export const ackTimeout = 20_000

/** What every connection to a document is opened with. */
export interface HubConnectionOptions {
  docId: string
  user: Author
  /** Create the document when it does not exist yet. */
  create?: boolean
  /** The hub's address; the page's own origin by default. */
  url?: string
}

/**
 * What a document's connection to the hub is, whatever the document's strategy (DocConnection for
 * steps, CrdtConnection for Yjs updates): the Socket.IO socket, where the connection stands and the
 * problem to show, going offline and back on purpose, creating a document the hub does not have, and
 * the listeners of all that. A subclass joins the document whenever the socket connects (`join`), and
 * calls `this.socket.connect()` once its own handlers are on.
 */
export abstract class HubConnection {
  /** The document this connection edits. */
  readonly docId: string
  /** This page load's id at the hub; never stored. */
  readonly clientId = randomId(16)
  /** Where the connection stands. */
  status: ConnectionStatus = "connecting"
  /** The latest problem to show the user, until dismissed. */
  issue: ConnectionIssue | null = null
  protected author: Author
  protected creating: boolean
  protected readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>
  /** Bumped whenever a join starts or the socket drops; answers that belong to an older session are ignored. */
  protected session = 0
  protected joined = false
  protected wantOffline = false
  protected everOnline = false
  protected closed = false
  protected retryTimer: ReturnType<typeof setTimeout> | null = null
  private readonly listeners = new Set<(change: ConnectionChange) => void>()

  constructor(options: HubConnectionOptions) {
    this.docId = options.docId
    this.author = options.user
    this.creating = !!options.create
    const socketOptions = { autoConnect: false, forceNew: true, transports: ["websocket", "polling"], tryAllTransports: true }
    this.socket = options.url ? io(options.url, socketOptions) : io(socketOptions)
  }

  /** The name and colour others see. */
  get user(): Author {
    return this.author
  }

  /** Call `listener` after every change; returns the function that unsubscribes. */
  subscribe(listener: (change: ConnectionChange) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Disconnect on purpose: editing goes on locally until `goOnline`. */
  goOffline(): void {
    this.wantOffline = true
    this.socket.disconnect()
    this.setStatus("offline")
  }

  /** Reconnect after `goOffline`; local edits are merged with what happened meanwhile. */
  goOnline(): void {
    if (!this.wantOffline) return
    this.wantOffline = false
    this.setStatus(this.everOnline ? "reconnecting" : "connecting")
    this.socket.connect()
  }

  /** Create the document after the hub said it does not exist. */
  createDocument(): void {
    this.creating = true
    this.setStatus("connecting")
    if (this.socket.connected) void this.join()
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
    if (this.retryTimer) clearTimeout(this.retryTimer)
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
    if (this.closed || this.wantOffline) return
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
    if (!reply.ok) return this.joinFailed(toError(reply.error))
    try {
      this.joinSucceeded(reply.value, request)
    } catch (error) {
      if (session == this.session) this.fail(ConcordError.from(error))
    }
  }

  /** The join request for the state the connection is in. */
  protected abstract joinRequest(): JoinRequest
  /** Take in the hub's answer to `request`. */
  protected abstract joinSucceeded(result: JoinResult, request: JoinRequest): void
  /** The hub refused the join. */
  protected abstract joinFailed(error: ConcordError): void
  /** The hub did not answer the join in time. */
  protected abstract joinUnanswered(): void

  /** Drop the socket and connect again, as after a request the hub never answered. */
  protected restartSocket(): void {
    if (this.closed || this.wantOffline) return
    this.socket.disconnect()
    this.socket.connect()
  }

  /** Show a problem; `lost` counts the edits it cost. */
  protected report(code: ConnectionIssue["code"], message: string, lost: number): void {
    this.issue = { code, message, lost }
    this.emit("issue")
  }

  /** Stop on an error the user must see. */
  protected fail(error: ConcordError): void {
    this.report(error.code, error.message, 0)
    this.setStatus("error")
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
