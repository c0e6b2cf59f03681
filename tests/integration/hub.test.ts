import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { io } from "socket.io-client"
import { TextSelection } from "prosemirror-state"
import { startServerProcess, removeDataDir, type ServerProcess } from "../support/server-process"
import { TestClient, testSecret } from "../support/test-client"
import { knownLinks } from "../support/link-registry"
import { limits, type Reply } from "../../lib/protocol"

let server: ServerProcess
const clients: TestClient[] = []

beforeAll(async () => {
  // No budgets: one test submits 1,100 batches as fast as the acks come back, far past a person's pace.
  server = await startServerProcess({ env: { CONCORD_SNAPSHOT_EVERY: "10", CONCORD_RATE_LIMITS: "off" } })
})

afterAll(async () => {
  for (const c of clients) c.close()
  await server.stop()
  removeDataDir(server.dataDir)
})

async function open(docId: string, id: string, create = false) {
  const client = await TestClient.open(server.url, docId, id, create)
  clients.push(client)
  return client
}

async function converge(all: TestClient[], version?: number) {
  const head = version ?? Math.max(...all.map(c => c.sync!.version))
  for (const c of all) await c.waitFor(() => c.settledAt(head) && c.text == all[0].text, `${c.clientId} to settle`)
}

async function allConverged(all: TestClient[]) {
  // Wait until no client has unconfirmed steps, then until all reach the highest version seen.
  for (const c of all) await c.waitFor(() => c.sync!.idle, `${c.clientId} to be acknowledged`)
  const head = Math.max(...all.map(c => c.sync!.version))
  await converge(all, head)
  const texts = new Set(all.map(c => c.text))
  expect(texts.size).toBe(1)
  return head
}

describe("hub: editing together", () => {
  it("two clients typing concurrently converge", async () => {
    const a = await open("two", "a", true)
    const b = await open("two", "b")
    for (let i = 0; i < 30; i++) {
      a.type("a")
      b.type("b", 1)
    }
    await allConverged([a, b])
    expect(a.text.replace(/[^a]/g, "")).toHaveLength(30)
    expect(a.text.replace(/[^b]/g, "")).toHaveLength(30)
  })

  it("five clients converge and a late joiner catches up", async () => {
    const all = [await open("five", "c0", true)]
    for (let k = 1; k < 5; k++) all.push(await open("five", "c" + k))
    for (let round = 0; round < 20; round++) all.forEach((c, k) => c.type(String(k), 1 + (round % 3)))
    const head = await allConverged(all)
    const late = await open("five", "late")
    await late.waitFor(() => late.sync!.version == head)
    expect(late.text).toBe(all[0].text)
    for (let k = 0; k < 5; k++) expect(late.text.split(String(k)).length - 1).toBe(20)
  })

  it("a client far behind catches up from a snapshot", async () => {
    const writer = await open("behind", "w", true)
    const reader = await open("behind", "r")
    reader.socket.disconnect()
    for (let i = 0; i < 1100; i++) {
      writer.type("x")
      await writer.waitFor(() => writer.sync!.idle, "writer acknowledged")
    }
    const head = writer.sync!.version
    reader.socket.connect()
    const result = await reader.join()
    expect(head).toBeGreaterThan(1000)
    expect(result.snapshot?.version).toBe(head)
    expect(reader.text).toBe(writer.text)
  })

  it("applies a resent batch exactly once when the first ack was lost", async () => {
    const a = await open("resend", "a", true)
    const b = await open("resend", "b")
    a.type("hello")
    const batch = a.sync!.inflightBatch!
    // Lose the connection right after submitting: the hub may or may not have committed it.
    a.socket.disconnect()
    a.socket.connect()
    await a.join()
    // Resend the same batch once more by hand: it must be acknowledged as a duplicate.
    const reply: Reply<{ seq: number; version: number; duplicate?: boolean }> = await a.socket.emitWithAck("submit", { docId: "resend", clientId: "a", ...batch } as never)
    expect(reply.ok).toBe(true)
    if (reply.ok) expect(reply.value.duplicate).toBe(true)
    await allConverged([a, b])
    expect(b.text).toBe("hello")
  })

  it("relays presence and removes it on disconnect", async () => {
    const a = await open("presence", "a", true)
    const b = await open("presence", "b")
    a.type("some text")
    await allConverged([a, b])
    a.socket.emit("presence", { docId: "presence", version: a.sync!.version, selection: { anchor: 3, head: 5 } })
    await b.waitFor(() => b.presence.has("a"), "presence of a")
    expect(b.presence.get("a")!.selection).toEqual({ anchor: 3, head: 5 })
    expect(b.presence.get("a")!.user.name).toBe("a")
    a.close()
    await b.waitFor(() => !b.presence.has("a"), "presence of a to go")
  })

  it("answers /healthz with JSON, and /metrics with the counts", async () => {
    const res = await fetch(server.url + "/healthz")
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.status).toBe("ok")
    const metrics = await (await fetch(server.url + "/metrics")).json()
    expect(typeof metrics.connections).toBe("number")
  })
})

describe("hub: bad input changes nothing", () => {
  async function raw() {
    const socket = io(server.url, { transports: ["websocket"], forceNew: true, reconnection: false })
    await new Promise<void>(resolve => socket.once("connect", () => resolve()))
    return socket
  }

  it("answers every bad message with its code and leaves the document as it was", async () => {
    const owner = await open("bad", "owner", true)
    owner.type("stable")
    await allConverged([owner])
    const versionBefore = owner.sync!.version
    const textBefore = owner.text
    const socket = await raw()
    const user = { name: "mallory", color: "#aa0000" }
    const ask = (event: string, payload: unknown) => (socket.emitWithAck as any)(event, payload) as Promise<Reply<unknown>>
    const code = async (event: string, payload: unknown) => {
      const reply = await ask(event, payload)
      return reply.ok ? "ok" : reply.error.code
    }
    const token = knownLinks("bad").edit
    const secret = testSecret("m")
    expect(await code("join", { docId: "nope-missing", clientId: "m", secret, token, version: null, user })).toBe("ERR_ACCESS_DENIED")
    expect(await code("join", { docId: "bad", clientId: 5, secret, token, version: null, user })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("join", { docId: "bad", clientId: "m", token, version: null, user })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("join", "not an object")).toBe("ERR_INVALID_MESSAGE")
    expect(await code("join", { docId: "../etc", clientId: "m", secret, token, version: null, user })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("submit", { docId: "bad", clientId: "m", seq: 1, baseVersion: 0, steps: [] })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("submit", { docId: "bad", clientId: "m", seq: 1, baseVersion: 0, steps: [{ stepType: "replace", from: 1, to: 1 }] })).toBe("ERR_NOT_JOINED")
    expect(await code("authorship", { docId: "bad", version: 0 })).toBe("ERR_NOT_JOINED")
    expect(await code("join", { docId: "bad", clientId: "m", secret, token, version: null, user })).toBe("ok")
    const v = versionBefore
    const insert = (slice: unknown, from = 1, to = 1) => ({ docId: "bad", clientId: "m", seq: 1, baseVersion: v, steps: [{ stepType: "replace", from, to, slice }] })
    const text = (t: string, marks?: unknown) => ({ content: [{ type: "text", text: t, ...(marks ? { marks } : {}) }] })
    expect(await code("submit", { ...insert(text("x")), baseVersion: v + 5 })).toBe("ERR_VERSION_FROM_FUTURE")
    expect(await code("submit", insert(text("x"), 1000, 1000))).toBe("ERR_STEP_INVALID")
    expect(await code("submit", insert({ content: [{ type: "image", attrs: { src: "x" } }] }))).toBe("ERR_SCHEMA_VIOLATION")
    expect(await code("submit", insert(text("x", [{ type: "blink" }])))).toBe("ERR_SCHEMA_VIOLATION")
    expect(await code("submit", insert(text("x", [{ type: "link", attrs: { href: "javascript:alert(1)" } }])))).toBe("ERR_SCHEMA_VIOLATION")
    expect(await code("submit", { ...insert(text("x")), steps: [{ stepType: "explode" }] })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("submit", { ...insert(text("x")), steps: Array.from({ length: 1001 }, () => insert(text("x")).steps[0]) })).toBe("ERR_BATCH_TOO_LARGE")
    expect(await code("submit", insert(text("y".repeat(1_100_000))))).toBe("ERR_MESSAGE_TOO_LARGE")
    expect(await code("submit", { ...insert(text("x")), baseVersion: -1 })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("submit", { ...insert(text("x")), seq: 1.5 })).toBe("ERR_INVALID_MESSAGE")
    // A good one, then the same seq with other steps.
    expect(await code("submit", insert(text("ok")))).toBe("ok")
    expect(await code("submit", insert(text("different")))).toBe("ERR_SEQ_REUSED")
    expect(await code("history", { docId: "bad", before: "x" })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("authorship", { docId: "bad", version: v + 5 })).toBe("ERR_VERSION_FROM_FUTURE")
    expect(await code("authorship", { docId: "bad", version: 0, window: limits.maxReadOps + 1 })).toBe("ERR_INVALID_MESSAGE")
    expect(await code("authorship", { docId: "bad", version: v, window: 3 })).toBe("ok")
    socket.close()
    await owner.waitFor(() => owner.sync!.version == versionBefore + 1, "the one good op")
    expect(owner.text).toBe("ok" + textBefore)
    // The server is still up and serving.
    const res = await fetch(server.url + "/healthz")
    expect(res.status).toBe(200)
  })

  it("refuses what no document would take also where the place it was written for is gone, not only where it lands", async () => {
    const owner = await open("gone", "gone-owner", true)
    owner.edit(s => s.tr.insertText("first").split(6).insertText("second"))
    await allConverged([owner])
    const base = owner.sync!.version
    // The first paragraph goes: a step written for it on `base` no longer lands anywhere.
    owner.edit(s => s.tr.delete(0, s.doc.firstChild!.nodeSize))
    await allConverged([owner])
    const head = owner.sync!.version
    const socket = await raw()
    const ask = (event: string, payload: unknown) => (socket.emitWithAck as any)(event, payload) as Promise<Reply<{ version: number }>>
    const joined = await ask("join", { docId: "gone", clientId: "g", secret: testSecret("g"), token: knownLinks("gone").edit, version: null, user: { name: "g", color: "#aa0000" } })
    expect(joined.ok).toBe(true)
    const submit = (steps: unknown[]) => ask("submit", { docId: "gone", clientId: "g", seq: 1, baseVersion: base, steps })
    const codeOf = (reply: Reply<unknown>) => (reply.ok ? "ok" : reply.error.code)
    expect(codeOf(await submit([{ stepType: "attr", pos: 0, attr: "level", value: 3.5 }]))).toBe("ERR_SCHEMA_VIOLATION")
    expect(codeOf(await submit([{ stepType: "attr", pos: 0, attr: "toString", value: 0 }]))).toBe("ERR_SCHEMA_VIOLATION")
    const link = { type: "link", attrs: { href: "javascript:alert(1)" } }
    expect(codeOf(await submit([{ stepType: "replace", from: 3, to: 3, slice: { content: [{ type: "text", text: "x", marks: [link] }] } }]))).toBe("ERR_SCHEMA_VIOLATION")
    expect(codeOf(await submit([{ stepType: "addMark", from: 2, to: 4, mark: { type: "blink" } }]))).toBe("ERR_SCHEMA_VIOLATION")
    // Nothing of those was committed: a good step written for the same place is the next version, its
    // text kept in a paragraph of its own where its place went.
    const good = await submit([{ stepType: "replace", from: 3, to: 3, slice: { content: [{ type: "text", text: "x" }] } }])
    expect(good.ok && good.value.version).toBe(head + 1)
    // The op log, read from the hub: the good op follows the delete, and nothing came between. (The
    // owner then gives the paragraph that op made its block id, in an op of its own after it.)
    const log = new Map((await owner.history(10)).map(op => [op.version, op]))
    expect([log.get(head)?.clientId, log.get(head + 1)?.clientId]).toEqual(["gone-owner", "g"])
    expect(JSON.stringify(log.get(head + 1)!.steps)).toContain('"text":"x"')
    socket.close()
  })
})
