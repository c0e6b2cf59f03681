import type { IncomingMessage, ServerResponse } from "node:http"

/**
 * The headers every response carries. The Content-Security-Policy allows the app's own scripts,
 * styles and images and a Socket.IO connection back to the same host (ws: and wss: named, as 'self'
 * does not cover them in every browser), and no framing. script-src and style-src allow
 * 'unsafe-inline': the App Router streams its payload in inline scripts and React writes inline
 * styles, and Next's nonces would need a proxy (middleware) on every request and make every page
 * dynamic; the policy still stops scripts and connections from other origins. Development (`dev`)
 * adds 'unsafe-eval', which React's dev build needs.
 */
export function securityHeaders(host: string | undefined, dev: boolean): Record<string, string> {
  const sockets = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : ""
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'"
  ].join("; ")
  return {
    "Content-Security-Policy": policy,
    // Links carry their tokens in the fragment, which browsers never send; no referrer at all is safer still.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    // Cross-origin isolation: the page may then share memory with its storage worker (see WriteRing).
    // Everything the app loads is its own, which is all require-corp lets a page embed.
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp"
  }
}

/** Set the security headers on `response`, for the host `request` named. */
export function setSecurityHeaders(request: IncomingMessage, response: ServerResponse, dev: boolean): void {
  for (const [name, value] of Object.entries(securityHeaders(request.headers.host, dev))) response.setHeader(name, value)
}
