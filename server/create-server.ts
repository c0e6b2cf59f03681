import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { mkdirSync, readFileSync } from "node:fs"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"
import type { AddressInfo } from "node:net"
import { Server } from "socket.io"
import { limits, type ClientToServerEvents, type ServerToClientEvents } from "../lib/protocol"
import { openPostgresStorage, openSqliteStorage, type Storage } from "./storage"
import { Hub, type HubOptions } from "./hub/hub"
import { Connection } from "./connection"
import { RoomBroadcaster } from "./room-broadcaster"
import { PostgresBus } from "./storage/postgres-bus"
import type { HubBus } from "./storage/hub-bus"
import { createLogger, type Logger } from "./log"
import { budgetsFromEnv, budgetsWith, type BudgetOverrides } from "./budgets"
import { RequestLimiters } from "./request-limiters"
import { RateGuard, unlimited } from "./rate-guard"
import { AddressQuota } from "./address-quota"
import { allowedOriginsFrom, requestOriginAllowed } from "./origin-check"
import { disconnectUnjoined } from "./join-deadline"
import { serveStatus } from "./status-endpoints"
import { setSecurityHeaders } from "./security-headers"
import { PostgresLeases, readClusterSecret } from "./storage/postgres-leases"
import { PeerLinks } from "./peer-links"
import { servePeerHubs } from "./peer-endpoint"

/** How long a hub's lease of a document lasts unless renewed, by default (CONCORD_LEASE_MS), in ms. */
const defaultLeaseMs = 10_000

/** The repository root (where next.config.js and app/ live). */
export const rootDir = join(dirname(fileURLToPath(import.meta.url)), "..")

const packageVersion: string = JSON.parse(readFileSync(join(rootDir, "package.json"), "utf8")).version

/** Settings of one Concord process. */
export interface ServerOptions {
  /** 0 picks a free port. */
  port: number
  host?: string
  /** Folder of the SQLite database; created if missing. Ignored when `storage` or `databaseUrl` is given. */
  dataDir: string
  /** A postgres:// URL: keep the data in that PostgreSQL database instead of SQLite (default: CONCORD_DATABASE_URL). Ignored when `storage` is given. */
  databaseUrl?: string
  storage?: Storage
  /** Serve the Next.js app too (default true); false serves only the hub and /healthz. */
  ui?: boolean
  /** Run Next in development mode. */
  dev?: boolean
  log?: Logger
  hub?: Omit<HubOptions, "storage" | "log">
  /** Origins besides the server's own whose pages may connect (default: CONCORD_ALLOWED_ORIGINS). */
  allowedOrigins?: string[]
  /** Where the other hubs on the same PostgreSQL reach this one (default: CONCORD_HUB_ADDRESS, else its own URL). */
  hubAddress?: string
  /** Overrides of the default budgets, or "off" for none (default: CONCORD_RATE_LIMITS, see budgetsFromEnv). */
  rateLimits?: BudgetOverrides | "off"
}

/** A running Concord server. */
export interface RunningServer {
  port: number
  url: string
  hub: Hub
  /** Stop accepting, let commits in progress finish, close the database. */
  close(): Promise<void>
}

/** Start Concord: the Next.js app and the Socket.IO hub on one HTTP server, one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? createLogger()
  const packAfterMs = packAfterFromEnv(process.env.CONCORD_PACK_AFTER_MS)
  const allowedOrigins = options.allowedOrigins ?? allowedOriginsFrom(process.env.CONCORD_ALLOWED_ORIGINS)
  const budgets = options.rateLimits === undefined ? budgetsFromEnv(process.env.CONCORD_RATE_LIMITS)
    : options.rateLimits == "off" ? null : budgetsWith(options.rateLimits)
  const limiters = budgets && new RequestLimiters(budgets)
  const quota = budgets && new AddressQuota(budgets)
  const { storage, bus, cluster } = options.storage ? { storage: options.storage } : await openStore(options, log)
  const snapshotEvery = Number(process.env.CONCORD_SNAPSHOT_EVERY) || undefined
  const peerHeartbeatMs = Number(process.env.CONCORD_PEER_HEARTBEAT_MS) || undefined
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null
  if (options.ui !== false) {
    const { default: next } = await import("next")
    const app = next({ dev: !!options.dev, dir: rootDir, quiet: true })
    await app.prepare()
    handle = app.getRequestHandler()
  }

  let connections = 0
  const status = {
    version: packageVersion,
    metricsToken: process.env.CONCORD_METRICS_TOKEN || undefined,
    metrics: () => ({
      documents: hub.documents.size, packedDocuments: hub.documents.packed, connections,
      rateLimited: limiters?.refused ?? 0, connectionsRefused: quota?.refused ?? 0, ...hub.counts
    })
  }
  const http = createServer((req, res) => {
    setSecurityHeaders(req, res, !!options.dev)
    if (serveStatus(req, res, status)) return
    if (handle) {
      handle(req, res).catch(error => {
        log.error({ url: req.url, err: error }, "http-failed")
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
    } else {
      res.writeHead(404, { "content-type": "text/plain" })
      res.end("Not found")
    }
  })
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    // Socket.IO itself closes connections past four times our limit; below that the agent answers ERR_MESSAGE_TOO_LARGE.
    maxHttpBufferSize: limits.maxMessageBytes * 4,
    serveClient: false,
    // Engine.io asks at every handshake (polling and WebSocket alike), before it allocates the socket.
    allowRequest: (req, callback) => {
      if (!requestOriginAllowed(req, allowedOrigins)) {
        log.debug({ origin: req.headers.origin }, "origin-refused")
        return callback("origin not allowed", false)
      }
      if (!quota) return callback(null, true)
      const address = req.socket.remoteAddress ?? ""
      quota.admits(address).then(admitted => {
        if (!admitted) log.debug({ address }, "connection-refused")
        callback(admitted ? null : "too many connections from this address", admitted)
      })
    }
  })
  if (quota) {
    io.engine.on("connection", (socket: { remoteAddress: string; once(event: "close", listener: () => void): void }) => {
      quota.opened(socket.remoteAddress)
      socket.once("close", () => quota.closed(socket.remoteAddress))
    })
  }
  if (budgets) disconnectUnjoined(io, budgets.joinDeadlineMs)
  const broadcaster = new RoomBroadcaster(io)
  const hub = new Hub({ storage, log, snapshotEvery, packAfterMs, publisher: broadcaster, bus, peerHeartbeatMs, ...options.hub })
  if (cluster) servePeerHubs(io, hub, cluster.secret, log)
  const agents = new Map<string, Connection>()
  hub.onRevoked = (docId, role, socketIds) => {
    for (const socketId of socketIds) agents.get(socketId)?.revoke(docId, role)
  }
  io.on("connection", socket => {
    connections++
    agents.set(socket.id, new Connection(socket, hub, log, limiters ? new RateGuard(socket, limiters) : unlimited))
    socket.on("disconnect", () => {
      connections--
      agents.delete(socket.id)
    })
  })
  // Evict idle documents and pack the heads of those nobody edits: every 5 s, or twice per packAfterMs
  // when that is shorter (every 10 ms at the most).
  const evictTimer = setInterval(() => {
    hub.documents.evictIdle()
    hub.documents.packIdle().catch(error => log.error({ err: error }, "pack-failed"))
  }, Math.max(10, Math.min(5_000, hub.documents.packAfterMs / 2)))
  evictTimer.unref()

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject)
    http.listen(options.port, options.host ?? "127.0.0.1", () => resolve())
  })
  const port = (http.address() as AddressInfo).port
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`
  log.info({ url }, "listening")
  let leases: PostgresLeases | null = null
  if (cluster && bus) {
    // The hubs reach one another at their advertised address: behind a load balancer, each hub's own.
    const address = options.hubAddress ?? (process.env.CONCORD_HUB_ADDRESS || url)
    const ttlMs = Number(process.env.CONCORD_LEASE_MS) || defaultLeaseMs
    leases = await PostgresLeases.open({ connectionString: cluster.connectionString, hubId: bus.hubId, address, ttlMs })
    hub.routeThrough(leases, new PeerLinks(cluster.secret), ttlMs)
  }

  let closing: Promise<void> | null = null
  const close = () => (closing ??= (async () => {
    clearInterval(evictTimer)
    http.close()
    await hub.close()
    broadcaster.flush()
    io.disconnectSockets(true)
    await new Promise<void>(resolve => io.close(() => resolve()))
    await leases?.close()
    await bus?.close()
    await storage.close()
    log.info("closed")
  })())
  return { port, url, hub, close }
}

/**
 * The store `options` name: PostgreSQL at the database URL when there is one, with the bus to the other
 * hubs sharing it; else SQLite in the data folder, where the hub is alone.
 */
async function openStore(options: ServerOptions, log: Logger): Promise<{ storage: Storage; bus?: HubBus; cluster?: { connectionString: string; secret: string } }> {
  const databaseUrl = options.databaseUrl ?? (process.env.CONCORD_DATABASE_URL || undefined)
  if (databaseUrl != null) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error(`CONCORD_DATABASE_URL must be a postgres:// or postgresql:// URL (got ${databaseUrl.split(":")[0]}:...)`)
    const storage = await openPostgresStorage({ connectionString: databaseUrl, log })
    try {
      const secret = await readClusterSecret(databaseUrl)
      return { storage, bus: await PostgresBus.open({ connectionString: databaseUrl, log }), cluster: { connectionString: databaseUrl, secret } }
    } catch (error) {
      await storage.close()
      throw error
    }
  }
  mkdirSync(options.dataDir, { recursive: true })
  return { storage: await openSqliteStorage({ file: join(options.dataDir, "concord.db"), synchronous: process.env.CONCORD_SYNC == "full" ? "full" : "normal", log }) }
}

/**
 * CONCORD_PACK_AFTER_MS: pack the head of a document nobody has edited for this many ms (default
 * 10,000; 0 turns packing off). Anything else stops the server before it opens its store.
 */
export function packAfterFromEnv(value: string | undefined): number | undefined {
  if (value == null || value == "") return undefined
  const ms = Number(value)
  if (!(ms >= 0 && Number.isFinite(ms))) throw new Error(`CONCORD_PACK_AFTER_MS must be a number of milliseconds, 0 or more (got ${value})`)
  return ms == 0 ? Infinity : ms
}
