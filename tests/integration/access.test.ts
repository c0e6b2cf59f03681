import { describe, expect, it } from "vitest"
import { io, type Socket } from "socket.io-client"
import { Hub } from "../../server/hub/hub"
import { createLogger } from "../../server/log"
import { MemoryStorage } from "../../server/storage"
import { knownLinks } from "../support/link-registry"
import { serverSuite } from "../support/server-suite"
import { TestClient, testSecret, until } from "../support/test-client"
import type {
  ClientToServerEvents, CreateResult, ErrorJSON, JoinResult, LinksResult, PresenceState, Reply, RevokedMessage, Role, ServerToClientEvents, StepJSON
} from "../../lib/protocol"

// Capability links: a socket acts on a document only with the link token it joined with.

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

const suite = serverSuite()
const author = { name: "Ada", color: "#336699" }
const typeAt = (pos: number, text: string): StepJSON => ({ stepType: "replace", from: pos, to: pos, slice: { content: [{ type: "text", text }] } })

/** A raw socket that records what the hub sends it. */
function socket() {
  const s: ClientSocket = suite.closeAtEnd(io(suite.server.url, { transports: ["websocket"], forceNew: true, reconnection: false }))
  const events: { revoked: RevokedMessage[]; presence: PresenceState[]; left: string[]; ops: number } = { revoked: [], presence: [], left: [], ops: 0 }
  const listeners = new Set<() => void>()
  const wake = () => listeners.forEach(l => l())
  s.on("revoked", message => { events.revoked.push(message); wake() })
  s.on("presence", ({ state }) => { events.presence.push(state); wake() })
  s.on("presence:leave", ({ clientId }) => { events.left.push(clientId); wake() })
  s.on("ops", ({ ops }) => { events.ops += ops.length; wake() })
  const waitFor = (check: () => boolean, what: string) => until(check, l => { listeners.add(l); return () => listeners.delete(l) }, 10_000, what)
  return { socket: s, events, waitFor }
}

async function create(s: ClientSocket, docId?: string): Promise<CreateResult> {
  const reply: Reply<CreateResult> = await s.emitWithAck("create", docId ? { docId } : {})
  if (!reply.ok) throw new Error(reply.error.message)
  return reply.value
}

function join(s: ClientSocket, docId: string, token: string, clientId: string): Promise<Reply<JoinResult>> {
  return s.emitWithAck("join", { docId, clientId, secret: testSecret(clientId), token, version: null, user: author })
}

async function joined(s: ClientSocket, docId: string, token: string, clientId: string): Promise<JoinResult> {
  const reply = await join(s, docId, token, clientId)
  if (!reply.ok) throw new Error(`${clientId} could not join: ${reply.error.code}`)
  return reply.value
}

function links(s: ClientSocket, docId: string, role: Role, action: "reissue" | "revoke"): Promise<Reply<LinksResult>> {
  return s.emitWithAck("links", { docId, role, action })
}

const errorOf = (reply: Reply<unknown>): ErrorJSON | "ok" => (reply.ok ? "ok" : reply.error)
const codeOf = (reply: Reply<unknown>): string => (reply.ok ? "ok" : reply.error.code)

describe("creating a document", () => {
  it("gives three distinct 43-character tokens, picks a 22-character id when none is asked for, and refuses a taken id", async () => {
    const { socket: s } = socket()
    const made = await create(s)
    expect(made.docId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(made.strategy).toBe("ot")
    const tokens = Object.values(made.links)
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(new Set(tokens).size).toBe(3)
    expect((await create(s)).docId).not.toBe(made.docId)
    const again: Reply<CreateResult> = await s.emitWithAck("create", { docId: made.docId })
    expect(codeOf(again)).toBe("ERR_DOCUMENT_EXISTS")
    const lab: Reply<CreateResult> = await s.emitWithAck("create", { strategy: "yjs" } as never)
    expect(codeOf(lab)).toBe("ERR_INVALID_MESSAGE")
    for (const role of ["owner", "edit", "view"] as const) expect((await joined(s, made.docId, made.links[role], `as-${role}`)).role).toBe(role)
  })
})

describe("joining without a valid link", () => {
  it("answers the same for a missing document, a wrong token and another document's token, and joins nothing", async () => {
    const owner = socket()
    const doc = await create(owner.socket, "guarded")
    const other = await create(owner.socket, "guarded-other")
    await joined(owner.socket, "guarded", doc.links.owner, "owner")
    const stranger = socket()
    const missing = await join(stranger.socket, "guarded-missing", doc.links.edit, "m")
    const wrong = await join(stranger.socket, "guarded", "x".repeat(43), "m")
    const borrowed = await join(stranger.socket, "guarded", other.links.owner, "m")
    const denied = { code: "ERR_ACCESS_DENIED", message: "No document with this id and link" }
    expect([errorOf(missing), errorOf(wrong), errorOf(borrowed)]).toEqual([denied, denied, denied])
    const tokenless: Reply<JoinResult> = await stranger.socket.emitWithAck("join", { docId: "guarded", clientId: "m", version: null, user: author } as never)
    expect(codeOf(tokenless)).toBe("ERR_INVALID_MESSAGE")
    // Not a member: it may not read, and it hears nothing of the document.
    const history: Reply<unknown> = await stranger.socket.emitWithAck("history", { docId: "guarded" })
    expect(codeOf(history)).toBe("ERR_NOT_JOINED")
    const ack: Reply<unknown> = await owner.socket.emitWithAck("submit", { docId: "guarded", clientId: "owner", seq: 1, baseVersion: 0, steps: [typeAt(1, "secret")] })
    expect(codeOf(ack)).toBe("ok")
    owner.socket.emit("presence", { docId: "guarded", version: 1, selection: { anchor: 1, head: 1 } })
    const watcher = socket()
    await joined(watcher.socket, "guarded", doc.links.view, "watcher")
    await owner.socket.emitWithAck("submit", { docId: "guarded", clientId: "owner", seq: 2, baseVersion: 1, steps: [typeAt(1, "more")] })
    await watcher.waitFor(() => watcher.events.ops >= 1, "the watcher to receive the op")
    expect(stranger.events.ops).toBe(0)
    expect(stranger.events.presence).toEqual([])
  })

  it("opens no document on the hub when refused, whether or not the document exists", async () => {
    const hub = new Hub({ storage: new MemoryStorage(), log: createLogger("silent") })
    const { links } = await hub.create({ docId: "closed" })
    let attached = 0
    const attempt = (docId: string, token: string) => hub.join({ docId, clientId: "c", secret: testSecret("c"), token, version: null, user: author }, "socket-1", () => attached++)
    await expect(attempt("closed", "not-a-token")).rejects.toMatchObject({ code: "ERR_ACCESS_DENIED" })
    await expect(attempt("nowhere", links.edit)).rejects.toMatchObject({ code: "ERR_ACCESS_DENIED" })
    expect(hub.documents.size).toBe(0)
    expect(attached).toBe(0)
    expect((await attempt("closed", links.edit)).role).toBe("edit")
    expect([hub.documents.size, attached]).toEqual([1, 1])
  })
})

describe("a view link", () => {
  it("reads the document, its history and old versions, and is refused submits, updates and presence", async () => {
    const writer = suite.closeAtEnd(await TestClient.open(suite.server.url, "viewed", "writer", true))
    writer.type("hello")
    await writer.waitFor(() => writer.settledAt(1), "the writer's op")
    const viewToken = (await create(writer.socket, "viewed-unused")).links.view
    const viewer = socket()
    const denied = await join(viewer.socket, "viewed", viewToken, "viewer")
    expect(codeOf(denied)).toBe("ERR_ACCESS_DENIED")
    const result = await joined(viewer.socket, "viewed", knownLinks("viewed").view, "viewer")
    expect(result.role).toBe("view")
    expect(result.version).toBe(1)
    const submit: Reply<unknown> = await viewer.socket.emitWithAck("submit", { docId: "viewed", clientId: "viewer", seq: 1, baseVersion: 1, steps: [typeAt(1, "vandal")] })
    expect(errorOf(submit)).toMatchObject({ code: "ERR_READ_ONLY" })
    const update: Reply<unknown> = await viewer.socket.emitWithAck("update", { docId: "viewed", clientId: "viewer", seq: 1, update: "AAA=" })
    expect(codeOf(update)).toBe("ERR_READ_ONLY")
    const history: Reply<{ ops: unknown[] }> = await viewer.socket.emitWithAck("history", { docId: "viewed" })
    expect(history.ok && history.value.ops.length).toBe(1)
    expect(codeOf(await viewer.socket.emitWithAck("docAt", { docId: "viewed", version: 0 }))).toBe("ok")
    expect(codeOf(await viewer.socket.emitWithAck("authorship", { docId: "viewed", version: 1 }))).toBe("ok")

    // Its presence goes nowhere: the one the writer sees next is another editor's, sent after it.
    viewer.socket.emit("presence", { docId: "viewed", version: 1, selection: { anchor: 2, head: 2 } })
    await viewer.socket.emitWithAck("history", { docId: "viewed" })
    const editor = socket()
    await joined(editor.socket, "viewed", knownLinks("viewed").edit, "editor")
    editor.socket.emit("presence", { docId: "viewed", version: 1, selection: { anchor: 3, head: 3 } })
    await writer.waitFor(() => writer.presence.has("editor"), "the editor's presence")
    expect([...writer.presence.keys()]).toEqual(["editor"])

    // It follows everyone else's edits; the document holds none of its own.
    writer.type(" world")
    await viewer.waitFor(() => viewer.events.ops >= 1, "the viewer to receive the writer's op")
    await writer.waitFor(() => writer.settledAt(2), "the writer's second op")
    expect(writer.text).toBe("hello world")
  })
})

describe("managing links", () => {
  it("is for the owner only; the owner link can be reissued but not revoked", async () => {
    const owner = socket()
    const doc = await create(owner.socket, "managed")
    const editor = socket(), viewer = socket(), outsider = socket()
    await joined(owner.socket, "managed", doc.links.owner, "owner")
    await joined(editor.socket, "managed", doc.links.edit, "editor")
    await joined(viewer.socket, "managed", doc.links.view, "viewer")
    expect(codeOf(await links(editor.socket, "managed", "view", "revoke"))).toBe("ERR_NOT_OWNER")
    expect(codeOf(await links(viewer.socket, "managed", "edit", "reissue"))).toBe("ERR_NOT_OWNER")
    expect(codeOf(await links(outsider.socket, "managed", "edit", "reissue"))).toBe("ERR_NOT_JOINED")
    expect(codeOf(await links(owner.socket, "managed", "owner", "revoke"))).toBe("ERR_INVALID_MESSAGE")
    expect(codeOf(await owner.socket.emitWithAck("links", { docId: "managed", role: "admin", action: "reissue" } as never))).toBe("ERR_INVALID_MESSAGE")
    // Nothing was revoked by the refusals.
    for (const [role, token] of Object.entries(doc.links)) expect((await joined(socket().socket, "managed", token, `check-${role}`)).role).toBe(role)
    const secondTab = socket()
    await joined(secondTab.socket, "managed", doc.links.owner, "owner-tab-2")

    // Reissuing the owner link: the asking socket carries on under the new one, the old one stops working.
    const reissued = await links(owner.socket, "managed", "owner", "reissue")
    const token = reissued.ok ? reissued.value.token! : ""
    expect(reissued.ok && reissued.value.role).toBe("owner")
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(codeOf(await owner.socket.emitWithAck("submit", { docId: "managed", clientId: "owner", seq: 1, baseVersion: 0, steps: [typeAt(1, "mine")] }))).toBe("ok")
    expect(codeOf(await links(owner.socket, "managed", "view", "reissue"))).toBe("ok")
    expect(codeOf(await join(socket().socket, "managed", doc.links.owner, "late"))).toBe("ERR_ACCESS_DENIED")
    expect((await joined(socket().socket, "managed", token, "late")).role).toBe("owner")
    // The other sockets that had joined with the old owner link lost it.
    await secondTab.waitFor(() => secondTab.events.revoked.length == 1, "the old owner link's other tab to be told")
    expect(secondTab.events.revoked).toEqual([{ docId: "managed", role: "owner" }])
    expect(codeOf(await links(secondTab.socket, "managed", "edit", "reissue"))).toBe("ERR_NOT_JOINED")
    expect(owner.events.revoked).toEqual([])
  })

  it("revoking removes the sockets that joined with those links at once: they are told, leave the room, and the old token stops working", async () => {
    const owner = socket()
    const doc = await create(owner.socket, "revoked")
    await joined(owner.socket, "revoked", doc.links.owner, "owner")
    const editor = socket(), viewer = socket()
    await joined(editor.socket, "revoked", doc.links.edit, "editor")
    await joined(viewer.socket, "revoked", doc.links.view, "viewer")
    editor.socket.emit("presence", { docId: "revoked", version: 0, selection: { anchor: 1, head: 1 } })
    await owner.waitFor(() => owner.events.presence.some(p => p.clientId == "editor"), "the editor's presence")

    const reissued = await links(owner.socket, "revoked", "edit", "reissue")
    expect(reissued.ok && reissued.value.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await editor.waitFor(() => editor.events.revoked.length == 1, "the editor to be told")
    expect(editor.events.revoked).toEqual([{ docId: "revoked", role: "edit" }])
    await owner.waitFor(() => owner.events.left.includes("editor"), "the editor's presence to leave")
    expect(viewer.events.revoked).toEqual([])
    const submit: Reply<unknown> = await editor.socket.emitWithAck("submit", { docId: "revoked", clientId: "editor", seq: 1, baseVersion: 0, steps: [typeAt(1, "late")] })
    expect(codeOf(submit)).toBe("ERR_NOT_JOINED")
    expect(codeOf(await join(editor.socket, "revoked", doc.links.edit, "editor"))).toBe("ERR_ACCESS_DENIED")
    expect((await joined(editor.socket, "revoked", reissued.ok ? reissued.value.token! : "", "editor")).role).toBe("edit")

    // Revoking the view link: no new one, and its holder is out.
    const revoked = await links(owner.socket, "revoked", "view", "revoke")
    expect(revoked).toEqual({ ok: true, value: { role: "view", token: null } })
    await viewer.waitFor(() => viewer.events.revoked.length == 1, "the viewer to be told")
    expect(codeOf(await viewer.socket.emitWithAck("history", { docId: "revoked" }))).toBe("ERR_NOT_JOINED")
    expect(codeOf(await join(viewer.socket, "revoked", doc.links.view, "viewer"))).toBe("ERR_ACCESS_DENIED")
    // Ops committed after the revoke do not reach it.
    expect(codeOf(await owner.socket.emitWithAck("submit", { docId: "revoked", clientId: "owner", seq: 1, baseVersion: 0, steps: [typeAt(1, "after")] }))).toBe("ok")
    await editor.waitFor(() => editor.events.ops >= 1, "the re-joined editor to receive the op")
    expect(viewer.events.ops).toBe(0)
  })
})
