import { describe, expect, it } from "vitest"
import { io, type Socket } from "socket.io-client"
import { DocConnection } from "../../lib/client/doc-connection"
import { limits, type ClientToServerEvents, type PresenceState, type Reply, type ServerToClientEvents } from "../../lib/protocol"
import { serverSuite } from "../support/server-suite"
import { TestClient, settleAll, testSecret, until } from "../support/test-client"
import { knownLinks } from "../support/link-registry"

// A client that attacks the hub over Socket.IO, beside well-behaved ones: what it sends is refused with a
// code, changes nothing, and nobody else notices.

// Budgets off: a test here types two thousand ops as fast as they are acknowledged.
const suite = serverSuite({ CONCORD_LOG_LEVEL: "debug", CONCORD_RATE_LIMITS: "off" })
const user = { name: "Mallory", color: "#aa0000" }

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>

async function raw(): Promise<RawSocket> {
  const socket: RawSocket = io(suite.server.url, { transports: ["websocket"], forceNew: true, reconnection: false })
  await new Promise<void>(resolve => socket.once("connect", () => resolve()))
  return suite.closeAtEnd(socket)
}

/** Send `event` and give the reply's error code, or "ok". */
async function code(socket: RawSocket, event: string, payload: unknown): Promise<string> {
  const reply = await (socket.emitWithAck as (...args: unknown[]) => Promise<Reply<unknown>>)(event, payload)
  return reply.ok ? "ok" : reply.error.code
}

/** A document `owner` typed into, and a raw socket joined to it as `clientId`. */
async function target(docId: string, clientId = "mallory") {
  const owner = suite.closeAtEnd(await TestClient.open(suite.server.url, docId, `${docId}-owner`, true))
  owner.type("hello world")
  await settleAll([owner])
  const socket = await raw()
  expect(await code(socket, "join", { docId, clientId, secret: testSecret(clientId), token: knownLinks(docId).edit, version: null, user })).toBe("ok")
  return { owner, socket }
}

const text = (t: string) => ({ content: [{ type: "text", text: t }] })

describe("hostile steps", () => {
  it("refuses a fractional position in every field of every step type, and the other clients never notice", async () => {
    const { owner, socket } = await target("fractional")
    const watcher = suite.closeAtEnd(await TestClient.open(suite.server.url, "fractional", "watcher"))
    const before = owner.sync!.state.doc.toJSON()
    const version = owner.sync!.version
    const steps = [
      { stepType: "replace", from: 3.5, to: 4, slice: text("x") },
      { stepType: "replace", from: 3, to: 4.25 },
      { stepType: "replace", from: 1, to: 1, slice: { ...text("x"), openStart: 0.5 } },
      { stepType: "replaceAround", from: 0, to: 13, gapFrom: 1.5, gapTo: 12, insert: 1, slice: { content: [{ type: "blockquote" }] }, structure: true },
      { stepType: "replaceAround", from: 0, to: 13, gapFrom: 1, gapTo: 12, insert: 0.5, slice: { content: [{ type: "blockquote" }] }, structure: true },
      { stepType: "addMark", from: 1, to: 2.5, mark: { type: "strong" } },
      { stepType: "removeMark", from: 1.5, to: 2, mark: { type: "strong" } },
      { stepType: "addNodeMark", pos: 0.5, mark: { type: "strong" } },
      { stepType: "attr", pos: 0.5, attr: "id", value: "x" },
      { stepType: "replace", from: Number.NaN, to: 1 },
      { stepType: "replace", from: 2 ** 53, to: 2 ** 53 },
      { stepType: "replace", from: -1, to: 1 },
      { stepType: "markSet", steps: [{ stepType: "addMark", from: 1, to: 1.5, mark: { type: "em" } }] }
    ]
    for (const [i, step] of steps.entries())
      expect([i, await code(socket, "submit", { docId: "fractional", clientId: "mallory", seq: 1, baseVersion: version, steps: [step] })]).toEqual([i, "ERR_INVALID_MESSAGE"])
    // Which insertions stick left must name steps of the batch, ascending, once each.
    const good = { stepType: "replace", from: 3, to: 3, slice: text("x") }
    for (const [i, stickLeft] of [[2], [0, 0], [-1], [0.5], ["0"], [1, 0]].entries())
      expect([i, await code(socket, "submit", { docId: "fractional", clientId: "mallory", seq: 1, baseVersion: version, steps: [good, good], stickLeft })]).toEqual([i, "ERR_INVALID_MESSAGE"])
    // Presence is checked the same way.
    const relayed: PresenceState[] = []
    watcher.socket.on("presence", ({ state }) => relayed.push(state))
    socket.emit("presence", { docId: "fractional", version, selection: { anchor: 210.5, head: 3 } })
    socket.emit("presence", { docId: "fractional", version, selection: { anchor: 2, head: 3 } })
    await until(() => relayed.length > 0, wake => { watcher.socket.on("presence", wake); return () => void watcher.socket.off("presence", wake) }, 10_000, "the good caret")
    expect(relayed.map(p => p.selection)).toEqual([{ anchor: 2, head: 3 }])
    // Nothing changed, and the clients still follow the hub.
    expect(owner.sync!.version).toBe(version)
    expect(owner.sync!.state.doc.toJSON()).toEqual(before)
    owner.type("!")
    await settleAll([owner, watcher])
    expect(watcher.text).toBe(owner.text)
  })

  it("refuses a step that does not fit the document it was written on, also when ops were committed since", async () => {
    const { owner, socket } = await target("out-of-range")
    const base = owner.sync!.version
    owner.type("more ")
    await settleAll([owner])
    const ops = (await owner.history()).length
    // The document at `base` has content size 13: 11 characters in one paragraph.
    for (const step of [
      { stepType: "replace", from: 1e9, to: 1e9 + 1 },
      { stepType: "replace", from: 14, to: 14, slice: text("x") },
      { stepType: "addMark", from: 1, to: 15, mark: { type: "em" } },
      { stepType: "attr", pos: 13, attr: "id", value: "x" },
      { stepType: "replaceAround", from: 0, to: 13, gapFrom: 1, gapTo: 12, insert: 3, slice: { content: [{ type: "blockquote" }] }, structure: true }
    ]) {
      const reply = await code(socket, "submit", { docId: "out-of-range", clientId: "mallory", seq: 1, baseVersion: base, steps: [step] })
      expect([step, reply]).toEqual([step, expect.stringMatching(/^ERR_(STEP_INVALID|INVALID_MESSAGE)$/)])
    }
    // The second step reaches past what the first left.
    const pair = [{ stepType: "replace", from: 1, to: 12 }, { stepType: "replace", from: 5, to: 5, slice: text("x") }]
    expect(await code(socket, "submit", { docId: "out-of-range", clientId: "mallory", seq: 1, baseVersion: base, steps: pair })).toBe("ERR_STEP_INVALID")
    // Negative positions are not even parsed.
    expect(await code(socket, "submit", { docId: "out-of-range", clientId: "mallory", seq: 1, baseVersion: base, steps: [{ stepType: "replace", from: -5, to: -1 }] })).toBe("ERR_INVALID_MESSAGE")
    expect((await owner.history()).length).toBe(ops)
    // A step that fitted when written, and no longer applies, is still transformed and kept as dropped.
    expect(await code(socket, "submit", { docId: "out-of-range", clientId: "mallory", seq: 1, baseVersion: base, steps: [{ stepType: "replace", from: 12, to: 12, slice: text("!") }] })).toBe("ok")
  })

  it("refuses versions in conflict that are not blocks of the schema, and any on a document that does not keep versions", async () => {
    const { owner, socket } = await target("fake-conflict")
    const base = owner.sync!.version
    const ops = (await owner.history()).length
    const version = (node: unknown) => ({ vv: { a: 1 }, node, author: { name: "Eve", color: "#aa0000" }, clientId: "a" })
    const paragraph = (t: string) => ({ type: "paragraph", ...text(t) })
    const submit = (steps: unknown[]) => code(socket, "submit", { docId: "fake-conflict", clientId: "mallory", seq: 1, baseVersion: base, steps })
    // The editor of every tab parses each version: one it cannot parse stopped every page from loading.
    for (const node of [{ type: "bogus" }, { type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] }, { type: "text", text: "x" }])
      expect(await submit([{ stepType: "attr", pos: 0, attr: "conflict", value: [version(node), version(paragraph("b"))] }])).toBe("ERR_SCHEMA_VIOLATION")
    // Well-formed, it would show a made-up conflict: only a version-vector document has any.
    const fake = [version(paragraph("mine")), version(paragraph("theirs"))]
    expect(await submit([{ stepType: "attr", pos: 0, attr: "conflict", value: fake }])).toBe("ERR_SCHEMA_VIOLATION")
    expect(await submit([{ stepType: "attr", pos: 0, attr: "vv", value: { a: 1 } }])).toBe("ERR_SCHEMA_VIOLATION")
    expect(await submit([{ stepType: "replace", from: 13, to: 13, slice: { content: [{ type: "paragraph", attrs: { id: "p2", conflict: fake }, ...text("x") }] } }])).toBe("ERR_SCHEMA_VIOLATION")
    expect((await owner.history()).length).toBe(ops)
    // Clearing them, as a new block does, is what clients send.
    expect(await submit([{ stepType: "attr", pos: 0, attr: "vv", value: null }])).toBe("ok")
  })

  it("refuses steps that would nest the document deeper than the limit, one wrap or one insertion at a time, and the document stays open", async () => {
    const { owner, socket } = await target("deep-wraps")
    const base = owner.sync!.version
    const ops = (await owner.history()).length
    // Each step wraps the whole document in one more quote: doc > quote^k > paragraph > text nests k + 2 deep.
    const wraps = (count: number, size: number) => Array.from({ length: count }, (_, k) => ({
      stepType: "replaceAround", from: 0, to: size + 2 * k, gapFrom: 0, gapTo: size + 2 * k, insert: 1, slice: { content: [{ type: "blockquote" }] }, structure: true
    }))
    const submit = (seq: number, baseVersion: number, steps: unknown[]) =>
      code(socket, "submit", { docId: "deep-wraps", clientId: "mallory", seq, baseVersion, steps })
    expect(await submit(1, base, wraps(limits.maxNodeDepth, 13))).toBe("ERR_SCHEMA_VIOLATION")
    expect((await owner.history()).length).toBe(ops)
    expect(await submit(1, base, wraps(limits.maxNodeDepth - 2, 13))).toBe("ok")
    // The owner's tab gives the new quotes ids: the head is one op further.
    await owner.waitFor(() => owner.sync!.version == base + 2 && owner.sync!.idle && !owner.awaitingAck, "the owner's ids committed")
    const head = base + 2
    const oneMore = wraps(1, 13 + 2 * (limits.maxNodeDepth - 2))
    expect(await submit(2, head, oneMore)).toBe("ERR_SCHEMA_VIOLATION")
    // A deep slice typed in at the bottom of those quotes is refused the same way, though it is within the limit on its own.
    let nested: unknown = { type: "paragraph", content: [{ type: "text", text: "x" }] }
    for (let i = 0; i < 10; i++) nested = { type: "blockquote", content: [nested] }
    const inner = limits.maxNodeDepth - 2
    expect(await submit(2, head, [{ stepType: "replace", from: inner, to: inner, slice: { content: [nested] } }])).toBe("ERR_SCHEMA_VIOLATION")
    expect((await owner.history()).length).toBe(ops + 2)
    // Written on an older version, such a step cannot be told from one that concurrent changes moved
    // there: it is dropped and reported, as a step that no longer applies is, and changes nothing.
    const before = owner.sync!.state.doc
    expect(await submit(2, base + 1, oneMore)).toBe("ok")
    const [dropping] = await owner.history()
    expect([dropping.steps.length, dropping.dropped?.map(d => d.reason)]).toEqual([0, [`The document's nodes would nest deeper than ${limits.maxNodeDepth}`]])
    await owner.waitFor(() => owner.sync!.version == head + 1, "the owner at the dropping op")
    expect(owner.sync!.state.doc.eq(before)).toBe(true)
    // Everyone can still open it.
    const late = suite.closeAtEnd(await TestClient.open(suite.server.url, "deep-wraps", "late"))
    expect(late.sync!.version).toBeGreaterThan(base)
    expect(late.sync!.state.doc.firstChild!.type.name).toBe("blockquote")
    expect(late.sync!.state.doc.textContent).toBe("hello world")
  })

  it("refuses a batch too far behind, at once, and a connection that far behind catches up and rebases its edits", async () => {
    const writer = suite.closeAtEnd(await TestClient.open(suite.server.url, "far-behind", "writer", true))
    writer.type("start")
    await settleAll([writer])
    const reader = suite.closeAtEnd(new DocConnection({ docId: "far-behind", token: knownLinks("far-behind").edit, user: { name: "Reader", color: "#2f9e44" }, url: suite.server.url }))
    await until(() => reader.status == "online", wake => reader.subscribe(wake), 10_000, "the reader to join")
    reader.goOffline()
    const base = reader.version
    reader.dispatch(reader.state!.tr.insertText("offline ", 1))
    // More ops than the hub transforms a batch past, and more than one page of catch-up.
    const behind = Math.max(limits.maxSubmitBehind, limits.maxOpsPerPage) + 50
    for (let i = 0; i < behind; i++) {
      writer.type(String(i % 10))
      await writer.waitFor(() => writer.sync!.idle && !writer.awaitingAck, "each op acknowledged")
    }
    const socket = await raw()
    expect(await code(socket, "join", { docId: "far-behind", clientId: "old", secret: testSecret("old"), token: knownLinks("far-behind").edit, version: null, user })).toBe("ok")
    const refusal = await code(socket, "submit", { docId: "far-behind", clientId: "old", seq: 1, baseVersion: base, steps: [{ stepType: "replace", from: 1, to: 1, slice: text("x") }] })
    expect(refusal).toBe("ERR_VERSION_TOO_OLD")
    const head = writer.sync!.version
    reader.goOnline()
    await until(() => reader.status == "online" && reader.unconfirmedCount == 0 && reader.version == head + 1, wake => reader.subscribe(wake), 60_000, "the reader's edit to land")
    await writer.waitFor(() => writer.sync!.version == reader.version, "the writer to receive it")
    expect(writer.text.startsWith("offline start")).toBe(true)
    expect(reader.state!.doc.eq(writer.sync!.state.doc)).toBe(true)
    expect(reader.issue).toBeNull()
  })
})

describe("who a socket acts as", () => {
  it("drops a client's caret when its socket joins again as another client, so no ghost stays in the document", async () => {
    const { owner, socket } = await target("ghosts", "ghost-1")
    const watcher = suite.closeAtEnd(await TestClient.open(suite.server.url, "ghosts", "watcher"))
    for (let i = 1; i <= 3; i++) {
      if (i > 1) expect(await code(socket, "join", { docId: "ghosts", clientId: `ghost-${i}`, secret: testSecret(`ghost-${i}`), token: knownLinks("ghosts").edit, version: null, user })).toBe("ok")
      socket.emit("presence", { docId: "ghosts", version: owner.sync!.version, selection: { anchor: 2, head: 2 } })
      await watcher.waitFor(() => watcher.presence.has(`ghost-${i}`), `ghost ${i}'s caret`)
    }
    await watcher.waitFor(() => !watcher.presence.has("ghost-1") && !watcher.presence.has("ghost-2"), "the earlier carets to go")
    socket.close()
    await watcher.waitFor(() => !watcher.presence.has("ghost-3"), "the last caret to go")
    const late = suite.closeAtEnd(await TestClient.open(suite.server.url, "ghosts", "late"))
    expect([...late.presence.keys()].filter(id => id.startsWith("ghost"))).toEqual([])
  })

  it("binds a client id to the secret that first joined with it", async () => {
    const { owner, socket } = await target("takeover", "victim")
    const watcher = suite.closeAtEnd(await TestClient.open(suite.server.url, "takeover", "watcher"))
    socket.emit("presence", { docId: "takeover", version: owner.sync!.version, selection: { anchor: 2, head: 2 } })
    await watcher.waitFor(() => watcher.presence.has("victim"), "the victim's caret")
    const attacker = await raw()
    expect(await code(attacker, "join", { docId: "takeover", clientId: "victim", secret: testSecret("attacker"), token: knownLinks("takeover").edit, version: null, user })).toBe("ERR_CLIENT_ID_TAKEN")
    expect(await code(attacker, "submit", { docId: "takeover", clientId: "victim", seq: 1, baseVersion: 0, steps: [{ stepType: "replace", from: 1, to: 1, slice: text("x") }] })).toBe("ERR_NOT_JOINED")
    // The same client on a new socket (a reconnect) may join; its old socket's leave keeps the new presence.
    const again = await raw()
    expect(await code(again, "join", { docId: "takeover", clientId: "victim", secret: testSecret("victim"), token: knownLinks("takeover").edit, version: null, user })).toBe("ok")
    again.emit("presence", { docId: "takeover", version: owner.sync!.version, selection: { anchor: 3, head: 3 } })
    await watcher.waitFor(() => watcher.presence.get("victim")?.selection?.anchor == 3, "the new caret")
    socket.close()
    again.emit("presence", { docId: "takeover", version: owner.sync!.version, selection: { anchor: 4, head: 4 } })
    await watcher.waitFor(() => watcher.presence.get("victim")?.selection?.anchor == 4, "the caret after the old socket left")
  })

  it("takes seqs in order: no skipping ahead, so no seq can block the client id for good", async () => {
    const { owner, socket } = await target("seqs")
    const version = owner.sync!.version
    const submit = (seq: number, t: string) => code(socket, "submit", { docId: "seqs", clientId: "mallory", seq, baseVersion: version, steps: [{ stepType: "replace", from: 1, to: 1, slice: text(t) }] })
    expect(await submit(Number.MAX_SAFE_INTEGER, "x")).toBe("ERR_SEQ_GAP")
    expect(await submit(2, "x")).toBe("ERR_SEQ_GAP")
    expect(await submit(1, "a")).toBe("ok")
    expect(await submit(1, "a")).toBe("ok")
    expect(await submit(3, "b")).toBe("ERR_SEQ_GAP")
    const joined = await (socket.emitWithAck as (...args: unknown[]) => Promise<Reply<{ nextSeq: number }>>)("join", { docId: "seqs", clientId: "mallory", secret: testSecret("mallory"), token: knownLinks("seqs").edit, version: null, user })
    expect(joined.ok && joined.value.nextSeq).toBe(2)
    expect(await submit(2, "b")).toBe("ok")
  })
})

describe("limits in their units", () => {
  it("counts a message's size in bytes, not characters", async () => {
    const { owner, socket } = await target("bytes")
    // 600,000 characters of two bytes each: under the limit in characters, over it in bytes.
    const reply = await code(socket, "submit", { docId: "bytes", clientId: "mallory", seq: 1, baseVersion: owner.sync!.version, steps: [{ stepType: "replace", from: 1, to: 1, slice: text("é".repeat(600_000)) }] })
    expect(reply).toBe("ERR_MESSAGE_TOO_LARGE")
  })

  it("logs a refused request under its own event with the request's name beside it", async () => {
    const { socket } = await target("logging")
    expect(await code(socket, "submit", { docId: "logging", clientId: "mallory", seq: 1, baseVersion: 0, steps: [{ stepType: "replace", from: 0.5, to: 1 }] })).toBe("ERR_INVALID_MESSAGE")
    await until(() => suite.server.stderr().includes('"request":"submit"'), wake => {
      suite.server.child.stderr!.on("data", wake)
      return () => void suite.server.child.stderr!.off("data", wake)
    }, 10_000, "the log line")
    const line = suite.server.stderr().split("\n").find(l => l.includes('"request":"submit"'))!
    expect(JSON.parse(line)).toMatchObject({ level: "debug", msg: "request-rejected", request: "submit", code: "ERR_INVALID_MESSAGE" })
  })
})
