import { randomUUID } from "node:crypto"
import pg from "pg"
import type { CommittedOp, PresenceState, Role } from "../../lib/protocol"
import type { BusEvent, BusNotice, HubBus } from "./hub-bus"
import { createLogger, type Logger } from "../log"
import { commitsChannel, maxNoticeBytes, presenceChannel } from "./postgres-channels"

/** How long the bus waits before connecting again after losing its connection, at most, in ms. */
const maxReconnectMs = 5_000

/** Settings of a PostgresBus. */
export interface PostgresBusOptions {
  /** The same database the hubs' PostgresStorage uses. */
  connectionString: string
  log?: Logger
}

/**
 * The hubs' bus over PostgreSQL's LISTEN/NOTIFY, on the database they already share: commits are
 * announced by PostgresStorage inside their own transactions (so a hub hears of every commit, in commit
 * order, once it is durable) and presence by each hub through `tell`. One connection listens; when it
 * is lost, the bus connects again and tells its hub it may have missed events.
 */
export class PostgresBus implements HubBus {
  readonly hubId = randomUUID()
  private listener: pg.Client | null = null
  private heard: (event: BusEvent) => void = () => {}
  private closed = false
  private retryMs = 100
  private readonly log: Logger

  private constructor(private readonly options: PostgresBusOptions, private readonly telling: pg.Pool) {
    this.log = options.log ?? createLogger()
  }

  /** Connect and start listening; rejects when the database cannot be reached. */
  static async open(options: PostgresBusOptions): Promise<PostgresBus> {
    const telling = new pg.Pool({ connectionString: options.connectionString, max: 1 })
    const bus = new PostgresBus(options, telling)
    telling.on("error", error => bus.log.warn({ err: error }, "bus-connection-lost"))
    try {
      await bus.connect()
    } catch (error) {
      await telling.end()
      throw error
    }
    return bus
  }

  listen(heard: (event: BusEvent) => void): void {
    this.heard = heard
  }

  tell(notice: BusNotice): void {
    if (this.closed) return
    const payload = JSON.stringify({ ...notice, hub: this.hubId })
    if (Buffer.byteLength(payload) > maxNoticeBytes) return
    this.telling.query("SELECT pg_notify($1, $2)", [presenceChannel, payload]).catch(error => this.log.debug({ err: error }, "bus-tell-failed"))
  }

  async close(): Promise<void> {
    this.closed = true
    const listener = this.listener
    this.listener = null
    await Promise.all([listener?.end().catch(() => {}), this.telling.end().catch(() => {})])
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString })
    client.on("notification", message => this.notified(message.channel, message.payload))
    client.on("error", error => {
      this.log.warn({ err: error }, "bus-connection-lost")
      this.lost(client)
    })
    client.on("end", () => this.lost(client))
    await client.connect()
    await client.query(`LISTEN ${commitsChannel}; LISTEN ${presenceChannel}`)
    this.listener = client
    this.retryMs = 100
  }

  /** The listening connection ended: connect again (backing off), then have the hub catch up. */
  private lost(client: pg.Client): void {
    if (this.closed || this.listener !== client) return
    this.listener = null
    void client.end().catch(() => {})
    const retry = () => {
      if (this.closed) return
      this.connect().then(
        () => this.heard({ kind: "missed" }),
        error => {
          this.log.warn({ err: error, retryMs: this.retryMs }, "bus-reconnect-failed")
          this.retryMs = Math.min(this.retryMs * 2, maxReconnectMs)
          setTimeout(retry, this.retryMs).unref()
        }
      )
    }
    setTimeout(retry, this.retryMs).unref()
  }

  private notified(channel: string, payload: string | undefined): void {
    const event = parseEvent(channel, payload)
    if (!event) return this.log.warn({ channel }, "bus-event-malformed")
    if ("hub" in event && event.hub == this.hubId) return
    this.heard(event)
  }
}

const roles: readonly Role[] = ["owner", "edit", "view"]

/** A notification as a BusEvent, or null when it is not one (the database is shared, but check anyway). */
function parseEvent(channel: string, payload: string | undefined): BusEvent | null {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(payload ?? "")
  } catch {
    return null
  }
  if (!value || typeof value != "object") return null
  if (channel == presenceChannel && value.kind == "alive" && typeof value.hub == "string") return { kind: "alive", hub: value.hub }
  if (typeof value.docId != "string") return null
  if (channel == commitsChannel) {
    if (typeof value.version != "number") return null
    const ops = value.ops as CommittedOp[] | undefined
    // The ops are the store's own rows (trusted), but a notice that does not end at its version is read back instead.
    const whole = Array.isArray(ops) && ops.length > 0 && ops[ops.length - 1]?.version == value.version
    return { kind: "committed", docId: value.docId, version: value.version, ...(whole ? { ops } : {}) }
  }
  if (typeof value.hub != "string") return null
  if (value.kind == "ask") return { kind: "ask", docId: value.docId, hub: value.hub }
  if (value.kind == "revoked" && roles.includes(value.role as Role))
    return { kind: "revoked", docId: value.docId, role: value.role as Role, hub: value.hub }
  if (value.kind == "left" && typeof value.clientId == "string") return { kind: "left", docId: value.docId, clientId: value.clientId, hub: value.hub }
  const state = value.state as PresenceState | undefined
  if (value.kind == "presence" && state && typeof state.clientId == "string" && typeof state.version == "number")
    return { kind: "presence", docId: value.docId, state, hub: value.hub }
  return null
}
