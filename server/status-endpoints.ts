import type { IncomingMessage, ServerResponse } from "node:http"
import { timingSafeEqual } from "node:crypto"

/** The counts /metrics reports. */
export interface Metrics {
  documents: number
  packedDocuments: number
  connections: number
  /** Requests refused for being over budget, and handshakes refused for an address's socket quota. */
  rateLimited: number
  connectionsRefused: number
  /** Batches this hub committed, and those it forwarded to the hub that commits their document. */
  committed: number
  forwarded: number
}

/** What the status endpoints answer with. */
export interface StatusSource {
  version: string
  metrics(): Metrics
  /** CONCORD_METRICS_TOKEN: when set, /metrics needs `Authorization: Bearer <token>`, from loopback too. */
  metricsToken?: string
}

/**
 * Answer `/healthz` (status and version, for anyone) and `/metrics` (the counts, only to a loopback
 * client, or to a bearer of the metrics token when one is set; others get 404 as if it did not exist).
 * Both answer GET and HEAD only. Returns false for any other path.
 */
export function serveStatus(request: IncomingMessage, response: ServerResponse, source: StatusSource): boolean {
  const path = new URL(request.url ?? "/", "http://x").pathname
  if (path != "/healthz" && path != "/metrics") return false
  if (path == "/metrics" && !mayReadMetrics(request, source.metricsToken)) {
    response.writeHead(404, { "content-type": "text/plain" })
    response.end("Not found")
  } else if (request.method != "GET" && request.method != "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" })
    response.end("Method not allowed")
  } else {
    const body = JSON.stringify(path == "/healthz" ? { status: "ok", version: source.version } : source.metrics())
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store" })
    response.end(request.method == "HEAD" ? undefined : body)
  }
  return true
}

function mayReadMetrics(request: IncomingMessage, token: string | undefined): boolean {
  if (!token) return isLoopback(request.socket.remoteAddress)
  const given = Buffer.from(request.headers.authorization ?? "")
  const expected = Buffer.from(`Bearer ${token}`)
  return given.length == expected.length && timingSafeEqual(given, expected)
}

/** Whether `address` is the machine itself (127.0.0.0/8, ::1, or either mapped into IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address
  return v4.startsWith("127.") || address == "::1"
}
