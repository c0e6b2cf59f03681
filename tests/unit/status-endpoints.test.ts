import { describe, expect, it } from "vitest"
import type { IncomingMessage, ServerResponse } from "node:http"
import { isLoopback, serveStatus, type StatusSource } from "../../server/status-endpoints"

const source: StatusSource = {
  version: "1.2.3",
  metrics: () => ({ documents: 3, packedDocuments: 1, connections: 2, rateLimited: 0, connectionsRefused: 0, committed: 5, forwarded: 4 })
}

/** Serve `url` to a request from `address`; the status, headers and body written. */
function serve(url: string, address: string, options: { method?: string; authorization?: string; token?: string } = {}) {
  const request = { url, method: options.method ?? "GET", headers: { authorization: options.authorization }, socket: { remoteAddress: address } } as unknown as IncomingMessage
  const written = { status: 0, headers: {} as Record<string, unknown>, body: "" }
  const response = {
    writeHead(status: number, headers: Record<string, unknown>) { written.status = status; written.headers = headers },
    end(body?: string) { written.body = body ?? "" }
  } as unknown as ServerResponse
  const served = serveStatus(request, response, { ...source, metricsToken: options.token })
  return { served, ...written }
}

describe("serveStatus", () => {
  it("leaves other paths to the app", () => {
    expect(serve("/d/x", "127.0.0.1").served).toBe(false)
    expect(serve("/healthzz", "127.0.0.1").served).toBe(false)
  })

  it("tells anyone /healthz, with a query too", () => {
    expect(JSON.parse(serve("/healthz?probe=1", "203.0.113.9").body)).toEqual({ status: "ok", version: "1.2.3" })
  })

  it("hides /metrics from a client that is not on the machine, and shows it to one that is", () => {
    expect(serve("/metrics", "203.0.113.9").status).toBe(404)
    expect(serve("/metrics", "::ffff:203.0.113.9").status).toBe(404)
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) expect(serve("/metrics", address).status, address).toBe(200)
  })

  it("with a token, wants it from everyone", () => {
    expect(serve("/metrics", "127.0.0.1", { token: "t0k3n" }).status).toBe(404)
    expect(serve("/metrics", "203.0.113.9", { token: "t0k3n", authorization: "Bearer t0k3n" }).status).toBe(200)
  })

  it("answers 405 with Allow to methods other than GET and HEAD, and HEAD without a body", () => {
    const posted = serve("/healthz", "127.0.0.1", { method: "POST" })
    expect(posted.status).toBe(405)
    expect(posted.headers.allow).toBe("GET, HEAD")
    expect(serve("/healthz", "127.0.0.1", { method: "HEAD" })).toMatchObject({ status: 200, body: "" })
  })
})

describe("isLoopback", () => {
  it("knows 127/8 and ::1, plain or mapped", () => {
    expect(isLoopback("127.0.0.2")).toBe(true)
    expect(isLoopback("::1")).toBe(true)
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true)
    expect(isLoopback("10.0.0.1")).toBe(false)
    expect(isLoopback("::ffff:10.0.0.1")).toBe(false)
    expect(isLoopback(undefined)).toBe(false)
  })
})
