import type { IncomingMessage } from "node:http"

/**
 * Whether a Socket.IO handshake may proceed, by its Origin header: none (a client that is not a
 * browser: browsers always send one on cross-site requests, so its absence opens no hijacking), the
 * server's own origin (the scheme of the connection with the request's Host), or one of `allowed`.
 * `null` (sandboxed frames, file: pages) and anything that is not an origin are refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, secure: boolean, allowed: readonly string[]): boolean {
  if (origin == null) return true
  const normal = normalOrigin(origin)
  if (normal == null) return false
  if (host && normal == normalOrigin(`${secure ? "https" : "http"}://${host}`)) return true
  return allowed.includes(normal)
}

/** `originAllowed` for a Node request: its Origin and Host headers, over TLS or not. */
export function requestOriginAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const secure = "encrypted" in request.socket && !!request.socket.encrypted
  return originAllowed(request.headers.origin, request.headers.host, secure, allowed)
}

/**
 * CONCORD_ALLOWED_ORIGINS: origins besides the server's own, comma-separated (`https://a.example,
 * http://localhost:3000`). Throws RangeError for an entry that is not an origin.
 */
export function allowedOriginsFrom(value: string | undefined): string[] {
  if (!value) return []
  return value.split(",").map(entry => entry.trim()).filter(Boolean).map(entry => {
    const normal = normalOrigin(entry)
    if (normal == null) throw new RangeError(`CONCORD_ALLOWED_ORIGINS: ${entry} is not an origin (scheme://host[:port])`)
    return normal
  })
}

/** The serialized origin of an http(s) URL with nothing after its port (default ports dropped, host lower-cased), else null. */
function normalOrigin(text: string): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return null
  }
  if (url.protocol != "http:" && url.protocol != "https:") return null
  if (url.username || url.password || url.search || url.hash || (url.pathname != "/" && url.pathname != "")) return null
  return url.origin
}
