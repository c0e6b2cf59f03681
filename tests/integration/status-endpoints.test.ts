import { describe, expect, it } from "vitest"
import { serverSuite } from "../support/server-suite"
import { startServerProcess, removeDataDir } from "../support/server-process"
import { TestClient } from "../support/test-client"

const suite = serverSuite()

describe("/healthz", () => {
  it("tells status and version, and nothing about documents or connections", async () => {
    suite.closeAtEnd(await TestClient.open(suite.server.url, "counted", "c", true))
    const response = await fetch(`${suite.server.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: "ok", version: expect.any(String) })
    const head = await fetch(`${suite.server.url}/healthz`, { method: "HEAD" })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe("")
  })

  it("answers other methods with 405 and Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const response = await fetch(`${suite.server.url}/healthz`, { method })
      expect(response.status, method).toBe(405)
      expect(response.headers.get("allow")).toBe("GET, HEAD")
    }
  })

  it("carries the security headers", async () => {
    const response = await fetch(`${suite.server.url}/healthz`)
    expect(response.headers.get("x-content-type-options")).toBe("nosniff")
    expect(response.headers.get("referrer-policy")).toBe("no-referrer")
    expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/)
  })
})

describe("/metrics", () => {
  it("gives a loopback client the counts", async () => {
    suite.closeAtEnd(await TestClient.open(suite.server.url, "metered", "m", true))
    const response = await fetch(`${suite.server.url}/metrics`)
    expect(response.status).toBe(200)
    const metrics = await response.json()
    expect(metrics).toEqual({
      documents: expect.any(Number), packedDocuments: expect.any(Number), connections: expect.any(Number), rateLimited: 0, connectionsRefused: 0,
      committed: expect.any(Number), forwarded: 0
    })
    expect(metrics.documents).toBeGreaterThanOrEqual(1)
    expect(metrics.connections).toBeGreaterThanOrEqual(1)
  })

  it("needs the bearer token when CONCORD_METRICS_TOKEN is set, and is not found without it", async () => {
    const server = await startServerProcess({ env: { CONCORD_METRICS_TOKEN: "s3cret-token" } })
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404)
      expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong-token!" } })).status).toBe(404)
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer s3cret-token" } })
      expect(response.status).toBe(200)
      expect(await response.json()).toHaveProperty("connections")
    } finally {
      await server.stop()
      removeDataDir(server.dataDir)
    }
  })
})
