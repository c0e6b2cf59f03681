import { describe, expect, it } from "vitest"
import { io, type Socket } from "socket.io-client"
import { limits, type ClientToServerEvents, type ErrorJSON, type Reply, type ServerToClientEvents } from "../../lib/protocol"
import { defaultBudgets } from "../../server/budgets"
import { serverSuite } from "../support/server-suite"
import { removeDataDir, startServerProcess } from "../support/server-process"
import { TestClient, testSecret } from "../support/test-client"
import { createDocument, knownLinks } from "../support/link-registry"

// The default budgets, but a join deadline short enough to wait for.
const joinDeadlineMs = 1_500
const suite = serverSuite({ CONCORD_RATE_LIMITS: JSON.stringify({ joinDeadlineMs }) })

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>
const user = { name: "flood", color: "#aa0000" }

/** A bare socket to `url`, resolved once connected (rejected with the connect_error). */
function connect(url: string): Promise<RawSocket> {
  const socket: RawSocket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true })
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket))
    socket.once("connect_error", error => { socket.close(); reject(error) })
  })
}

/** Resolves with the reason once `socket` disconnects. */
function disconnection(socket: RawSocket): Promise<string> {
  return new Promise(resolve => socket.once("disconnect", reason => resolve(reason)))
}

async function joinAs(socket: RawSocket, docId: string, clientId: string, create = false) {
  if (create) await createDocument(socket, docId)
  const reply = await socket.emitWithAck("join", { docId, clientId, secret: testSecret(clientId), token: knownLinks(docId).edit, version: null, user })
  if (!reply.ok) throw new Error(reply.error.message)
}

/** A typist on its own document, checked before and after each flood: it must never notice one. */
async function calmTypist(): Promise<TestClient> {
  return suite.closeAtEnd(await TestClient.open(suite.server.url, "calm", "calm-" + Math.random().toString(36).slice(2), true))
}

async function typeAndAwait(client: TestClient, times: number) {
  for (let i = 0; i < times; i++) {
    client.type("k")
    await client.waitFor(() => client.sync!.idle && !client.awaitingAck, "typist acknowledged")
  }
  expect(client.errors).toEqual([])
}

type Flood = [kind: string, count: number, send: (socket: RawSocket, docId: string, clientId: string) => Promise<Reply<unknown>>]
const floods: Flood[] = [
  ["submit", 200, (s, docId, clientId) => s.emitWithAck("submit", { docId, clientId, seq: 1, baseVersion: 0, steps: "junk" } as never)],
  ["update", 200, (s, docId, clientId) => s.emitWithAck("update", { docId, clientId, seq: 1, update: "" } as never)],
  ["history", 100, (s, docId) => s.emitWithAck("history", { docId, limit: limits.maxReadOps })],
  ["docAt", 250, (s, docId) => s.emitWithAck("docAt", { docId, version: 0 })],
  ["authorship", 100, (s, docId) => s.emitWithAck("authorship", { docId, version: 0, window: limits.maxReadOps })],
  ["join", 100, (s, docId, clientId) => s.emitWithAck("join", { docId, clientId, secret: testSecret(clientId), token: knownLinks(docId).edit, version: null, user })]
]

describe("rate limits: floods are refused and then disconnected, while a typist never notices", () => {
  for (const [kind, count, send] of floods) {
    it(`a ${kind} flood`, async () => {
      const calm = await calmTypist()
      await typeAndAwait(calm, 3)
      const flooder = await connect(suite.server.url)
      await joinAs(flooder, "flood-" + kind, "flooder", true)
      const closed = disconnection(flooder)
      const errors: ErrorJSON[] = []
      // What was still unanswered at the disconnect is rejected by socket.io-client.
      for (let i = 0; i < count; i++) send(flooder, "flood-" + kind, "flooder").then(reply => { if (!reply.ok) errors.push(reply.error) }, () => {})
      const [reason] = await Promise.all([closed, typeAndAwait(calm, 3)])
      expect(reason).toBe("io server disconnect")
      const limited = errors.filter(error => error.code == "ERR_RATE_LIMITED")
      expect(limited.length).toBeGreaterThanOrEqual(defaultBudgets.refusals.points - 1)
      for (const error of limited) {
        expect(error.message).toMatch(new RegExp(`^Too many \\w+ requests: retry in \\d+ ms$`))
        expect(error.message).toContain(`retry in ${error.retryAfterMs} ms`)
      }
      await typeAndAwait(calm, 3)
    })
  }

  it("a presence flood: relayed only within budget, then disconnected", async () => {
    const calm = await calmTypist()
    const observer = suite.closeAtEnd(await TestClient.open(suite.server.url, "flood-presence", "observer", true))
    let relayed = 0
    observer.socket.on("presence", ({ state }) => { if (state.clientId == "flooder") relayed++ })
    const left = new Promise<void>(resolve => observer.socket.on("presence:leave", ({ clientId }) => { if (clientId == "flooder") resolve() }))
    const flooder = await connect(suite.server.url)
    await joinAs(flooder, "flood-presence", "flooder")
    const closed = disconnection(flooder)
    for (let i = 0; i < 400; i++) flooder.emit("presence", { docId: "flood-presence", version: 0, selection: { anchor: 1, head: 1 } })
    const [reason] = await Promise.all([closed, typeAndAwait(calm, 3)])
    expect(reason).toBe("io server disconnect")
    await left
    expect(relayed).toBeGreaterThan(0)
    // One window's budget, or two when the flood straddled the start of a window.
    expect(relayed).toBeLessThanOrEqual(2 * defaultBudgets.presence.connection.points)
    await typeAndAwait(calm, 3)
  })

  it("disconnects a socket that joins no document in time, and keeps one that did", async () => {
    const calm = await calmTypist()
    const started = performance.now()
    const idle = await connect(suite.server.url)
    expect(await disconnection(idle)).toBe("io server disconnect")
    expect(performance.now() - started).toBeGreaterThanOrEqual(joinDeadlineMs - 100)
    expect(calm.socket.connected).toBe(true)
    await typeAndAwait(calm, 1)
  })
})

describe("quotas of one address", () => {
  it("refuses sockets past the address's quota, and creations past its budget", async () => {
    const server = await startServerProcess({ env: { CONCORD_RATE_LIMITS: JSON.stringify({ socketsPerAddress: 4, create: { connection: { points: 3 } } }) } })
    const sockets: RawSocket[] = []
    try {
      for (let i = 0; i < 4; i++) sockets.push(await connect(server.url))
      await expect(connect(server.url)).rejects.toThrow()
      // A socket closed frees its slot once the hub has seen it go.
      sockets.pop()!.close()
      let again: RawSocket | null = null
      for (let attempt = 0; !again && attempt < 50; attempt++) again = await connect(server.url).catch(() => null)
      expect(again).not.toBeNull()
      sockets.push(again!)

      const creator = sockets[0]
      for (let i = 0; i < 3; i++) await joinAs(creator, "made-" + i, "creator", true)
      const refused = await creator.emitWithAck("create", { docId: "made-3" })
      expect(refused).toEqual({ ok: false, error: { code: "ERR_RATE_LIMITED", message: expect.stringMatching(/^Too many create requests: retry in \d+ ms$/), retryAfterMs: expect.any(Number) } })

      const metrics = await (await fetch(`${server.url}/metrics`)).json()
      expect(metrics.connectionsRefused).toBeGreaterThanOrEqual(1)
      expect(metrics.rateLimited).toBe(1)
    } finally {
      for (const socket of sockets) socket.close()
      await server.stop()
      removeDataDir(server.dataDir)
    }
  })
})
