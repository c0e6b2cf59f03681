import { describe, expect, it } from "vitest"
import WebSocket from "ws"
import { serverSuite } from "../support/server-suite"

// Cross-site WebSocket hijacking: a page on another origin must not open a socket to the hub, by
// WebSocket or by polling; clients that send no Origin (not browsers) and the app's own pages may.
const suite = serverSuite({ CONCORD_ALLOWED_ORIGINS: "https://app.example" })

/** The HTTP status of a polling handshake sent with `origin` (or none). */
async function pollingHandshake(origin?: string): Promise<number> {
  const response = await fetch(`${suite.server.url}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { origin } : {} })
  await response.arrayBuffer()
  return response.status
}

/** "open", or the HTTP status and body that refused a WebSocket handshake sent with `origin` (or none). */
function webSocketHandshake(origin?: string): Promise<"open" | string> {
  const url = suite.server.url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket"
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin ? { origin } : {})
    socket.once("open", () => { socket.close(); resolve("open") })
    socket.once("unexpected-response", (_request, response) => {
      let body = ""
      response.on("data", chunk => (body += chunk))
      response.on("end", () => resolve(`${response.statusCode} ${body}`))
    })
    socket.once("error", reject)
  })
}

describe("origin check at the Socket.IO handshake", () => {
  for (const origin of ["https://evil.example", "null"]) {
    it(`refuses a WebSocket and a polling handshake from ${origin}`, async () => {
      // Engine.io refuses every upgrade with 400, and says why in the body.
      expect(await webSocketHandshake(origin)).toBe("400 origin not allowed")
      expect(await pollingHandshake(origin)).toBe(403)
    })
  }

  it("accepts the server's own origin, an allowed origin, and a request with no Origin", async () => {
    const own = new URL(suite.server.url).origin
    for (const origin of [own, "https://app.example", undefined]) {
      expect(await webSocketHandshake(origin), String(origin)).toBe("open")
      expect(await pollingHandshake(origin), String(origin)).toBe(200)
    }
  })
})
