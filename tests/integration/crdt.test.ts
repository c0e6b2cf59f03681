import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { io } from "socket.io-client"
import { serverSuite } from "../support/server-suite"
import { testSecret, until } from "../support/test-client"
import { typeInYjs } from "../support/yjs-typing"
import { CrdtConnection } from "../../lib/client/crdt-connection"
import { createDocument } from "../../lib/client/create-document"
import { knownLinks, rememberLinks } from "../support/link-registry"
import { crdtFragment, encodeUpdate } from "../../lib/strategies/crdt/updates"
import { limits, type Reply, type SubmitResult, type JoinResult } from "../../lib/protocol"
import { Awareness, encodeAwarenessUpdate } from "y-protocols/awareness"

const suite = serverSuite()

/** Connect to a CRDT document: its creator (through `createDocument`, as the page does) with the owner link, others with the edit link. */
async function open(docId: string, name: string, create = false): Promise<CrdtConnection> {
  let token = create ? null : knownLinks(docId).edit
  if (!token) {
    const { links } = await createDocument({ docId, strategy: "crdt" }, suite.server.url)
    rememberLinks(docId, links)
    token = links.owner
  }
  const c = suite.closeAtEnd(new CrdtConnection({ docId, token, user: { name, color: "#3366cc" }, url: suite.server.url }))
  await waitFor(c, () => c.status == "online", `${name} online`)
  return c
}

function waitFor(c: CrdtConnection, check: () => boolean, what: string): Promise<void> {
  return until(check, wake => c.subscribe(wake), 20_000, what)
}

function type(c: CrdtConnection, text: string, index = 0, atStart = false): void {
  typeInYjs(c.ydoc, text, { index, atStart })
}

/** The document's text, blocks separated by "|". */
function text(c: CrdtConnection): string {
  const doc = c.doc
  return doc.textBetween(0, doc.content.size, "|")
}

/** Resolve once every connection has sent everything and all hold the same document. */
async function converged(all: CrdtConnection[]): Promise<void> {
  for (const c of all) await waitFor(c, () => c.unconfirmedCount == 0 && c.status == "online", "acknowledged")
  const same = () => all.every(c => c.doc.eq(all[0].doc))
  await until(same, wake => {
    const stops = all.map(c => c.subscribe(wake))
    return () => stops.forEach(stop => stop())
  }, 20_000, "the same document everywhere")
}

describe("CRDT documents on the hub", () => {
  it("two clients typing into one paragraph at once converge, keeping every character", async () => {
    const a = await open("crdt-converge", "A", true)
    const b = await open("crdt-converge", "B")
    type(a, "hello")
    type(b, "world")
    await converged([a, b])
    expect(text(a)).toMatch(/^(helloworld|worldhello)$/)
    type(a, " and more", 0)
    type(b, "!", 0, true)
    await converged([a, b])
    for (const piece of ["hello", "world", " and more", "!"]) expect(text(b)).toContain(piece)
    expect(text(b).length).toBe("helloworld and more!".length)
  })

  it("merges edits made offline when the client is back, and a late joiner catches up", async () => {
    const a = await open("crdt-offline", "A", true)
    const b = await open("crdt-offline", "B")
    type(a, "shared line")
    await converged([a, b])
    a.goOffline()
    await waitFor(a, () => a.status == "offline", "A offline")
    type(a, " [A offline]")
    type(b, "[B online] ", 0, true)
    await converged([b])
    expect(text(b)).toBe("[B online] shared line")
    a.goOnline()
    await converged([a, b])
    expect(text(a)).toBe("[B online] shared line [A offline]")
    const late = await open("crdt-offline", "Late")
    await converged([a, b, late])
    expect(text(late)).toBe("[B online] shared line [A offline]")
  })

  it("refuses an oversized update, a malformed one, one the schema does not allow and ProseMirror steps, changing nothing", async () => {
    const a = await open("crdt-strict", "A", true)
    type(a, "kept")
    await converged([a])
    const socket = io(suite.server.url, { transports: ["websocket"], forceNew: true, reconnection: false })
    try {
      const join: Reply<JoinResult> = await socket.emitWithAck("join", { docId: "crdt-strict", clientId: "raw", secret: testSecret("raw"), token: knownLinks("crdt-strict").edit, version: null, user: { name: "Raw", color: "#112233" } })
      expect(join.ok).toBe(true)
      const version = join.ok ? join.value.version : -1
      const send = (event: "update" | "submit", payload: object): Promise<Reply<SubmitResult>> =>
        (socket.emitWithAck as (...args: unknown[]) => Promise<Reply<SubmitResult>>)(event, { docId: "crdt-strict", clientId: "raw", ...payload })
      const big = await send("update", { seq: 1, update: encodeUpdate(new Uint8Array(limits.maxUpdateBytes + 1)) })
      expect(big.ok ? "ok" : big.error.code).toBe("ERR_UPDATE_TOO_LARGE")
      const garbage = await send("update", { seq: 1, update: encodeUpdate(new Uint8Array([250, 251, 252, 253, 254])) })
      expect(garbage.ok ? "ok" : garbage.error.code).toBe("ERR_UPDATE_INVALID")
      // Refused updates take no seq: each of these is the raw client's first.
      // Well-formed Yjs updates that would make a document the schema does not allow.
      const outside = (build: (fragment: Y.XmlFragment) => void) => {
        const ydoc = new Y.Doc()
        Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(a.ydoc))
        const before = Y.encodeStateVector(ydoc)
        ydoc.transact(() => build(ydoc.getXmlFragment(crdtFragment)))
        return encodeUpdate(Y.encodeStateAsUpdate(ydoc, before))
      }
      const script = await send("update", { seq: 1, update: outside(f => f.insert(0, [new Y.XmlElement("script")])) })
      expect(script.ok ? "ok" : script.error).toMatchObject({ code: "ERR_SCHEMA_VIOLATION", message: 'Unknown node type "script"' })
      const blink = await send("update", { seq: 1, update: outside(f => {
        const text = (f.get(0) as Y.XmlElement).get(0) as Y.XmlText
        text.format(0, 2, { blink: {} })
      }) })
      expect(blink.ok ? "ok" : blink.error).toMatchObject({ code: "ERR_SCHEMA_VIOLATION", message: 'Unknown mark "blink"' })
      const link = await send("update", { seq: 1, update: outside(f => {
        const text = (f.get(0) as Y.XmlElement).get(0) as Y.XmlText
        text.format(0, 2, { link: { href: "javascript:alert(1)" } })
      }) })
      expect(link.ok ? "ok" : link.error.code).toBe("ERR_SCHEMA_VIOLATION")
      const textInDoc = await send("update", { seq: 1, update: outside(f => f.insert(0, [new Y.XmlText("loose")])) })
      expect(textInDoc.ok ? "ok" : textInDoc.error.code).toBe("ERR_SCHEMA_VIOLATION")
      const nested = await send("update", { seq: 1, update: outside(f => {
        const outer = new Y.XmlElement("paragraph")
        outer.insert(0, [new Y.XmlElement("paragraph")])
        f.insert(0, [outer])
      }) })
      expect(nested.ok ? "ok" : nested.error.code).toBe("ERR_SCHEMA_VIOLATION")
      // Quotes in quotes, each valid, nested deeper than a document may nest.
      const deep = await send("update", { seq: 1, update: outside(f => {
        let inner: Y.XmlElement = new Y.XmlElement("paragraph")
        for (let i = 0; i < limits.maxNodeDepth + 2; i++) {
          const quote = new Y.XmlElement("blockquote")
          quote.insert(0, [inner])
          inner = quote
        }
        f.insert(0, [inner])
      }) })
      expect(deep.ok ? "ok" : deep.error).toMatchObject({ code: "ERR_SCHEMA_VIOLATION", message: expect.stringMatching(/nest deeper than/) })
      const steps = await send("submit", { seq: 1, baseVersion: version, steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "x" }] } }] })
      expect(steps.ok ? "ok" : steps.error.code).toBe("ERR_STRATEGY_MISMATCH")
      const again: Reply<JoinResult> = await socket.emitWithAck("join", { docId: "crdt-strict", clientId: "raw", secret: testSecret("raw"), token: knownLinks("crdt-strict").edit, version: null, user: { name: "Raw", color: "#112233" } })
      expect(again.ok && again.value.version).toBe(version)
    } finally {
      socket.close()
    }
    const late = await open("crdt-strict", "Late")
    await converged([a, late])
    expect(text(late)).toBe("kept")
  })
})

describe("carets on CRDT documents", () => {
  /** The awareness state `c` holds whose user field says `name`. */
  const stateOf = (c: CrdtConnection, name: string) => [...c.awareness.getStates().values()].find(state => state.user?.name == name)

  it("shows each client's caret to the others under the name it joined with, and removes it when it leaves", async () => {
    const a = await open("crdt-carets", "Ann", true)
    const b = await open("crdt-carets", "Ben")
    // Each learns of the other: the one already there answers the newcomer with its own state.
    await waitFor(a, () => a.others.some(o => o.user.name == "Ben"), "Ann sees Ben")
    await waitFor(b, () => b.others.some(o => o.user.name == "Ann"), "Ben sees Ann")
    const cursor = { anchor: { type: null, tname: crdtFragment, item: null, assoc: 0 }, head: { type: null, tname: crdtFragment, item: null, assoc: 0 } }
    a.awareness.setLocalStateField("cursor", cursor)
    await waitFor(b, () => JSON.stringify(stateOf(b, "Ann")?.cursor) == JSON.stringify(cursor), "Ann's caret at Ben's")
    // A name the state claims is not the one shown: the hub says who sent it.
    a.awareness.setLocalStateField("user", { name: "Mallory", color: "#000000" })
    await waitFor(b, () => !!stateOf(b, "Mallory"), "the claimed name to arrive")
    expect(b.others.map(o => o.user.name)).toEqual(["Ann"])
    a.close()
    await waitFor(b, () => b.others.length == 0, "Ann's caret gone")
  })

  it("relays no caret from a view link, nor an update too large or not base64", async () => {
    const a = await open("crdt-carets-view", "Ann", true)
    const viewer = suite.closeAtEnd(new CrdtConnection({ docId: "crdt-carets-view", token: knownLinks("crdt-carets-view").view!, user: { name: "Vic", color: "#3366cc" }, url: suite.server.url }))
    await waitFor(viewer, () => viewer.status == "online", "Vic online")
    const socket = io(suite.server.url, { transports: ["websocket"], forceNew: true, reconnection: false })
    try {
      const join: Reply<JoinResult> = await socket.emitWithAck("join", { docId: "crdt-carets-view", clientId: "raw", secret: testSecret("raw"), token: knownLinks("crdt-carets-view").edit, version: null, user: { name: "Raw", color: "#112233" } })
      expect(join.ok).toBe(true)
      socket.emit("awareness", { docId: "crdt-carets-view", update: encodeUpdate(new Uint8Array(limits.maxAwarenessBytes + 1)) })
      socket.emit("awareness", { docId: "crdt-carets-view", update: "not base64!" })
      // States no caret can be drawn from: y-prosemirror's cursor plugin threw on them at every later
      // change, and the editor stopped following others' edits.
      const cursor = { anchor: { type: null, tname: crdtFragment, item: null, assoc: 0 }, head: { type: null, tname: crdtFragment, item: null, assoc: 0 } }
      for (const state of [{ user: { name: "Bad" }, cursor: { anchor: null, head: null } }, { user: "Bad", cursor }, { user: { name: 7 } }, { cursor: "here" }]) {
        const bad = new Awareness(new Y.Doc())
        bad.setLocalState(state)
        socket.emit("awareness", { docId: "crdt-carets-view", update: encodeUpdate(encodeAwarenessUpdate(bad, [bad.clientID])) })
      }
      // The viewer's own state went out when it joined and was dropped; a good update after the bad ones arrives.
      const other = new Awareness(new Y.Doc())
      other.setLocalStateField("user", { name: "Raw" })
      socket.emit("awareness", { docId: "crdt-carets-view", update: encodeUpdate(encodeAwarenessUpdate(other, [other.clientID])) })
      await waitFor(a, () => a.others.some(o => o.user.name == "Raw"), "Raw's caret")
      expect(a.others.map(o => o.user.name)).toEqual(["Raw"])
      expect(a.awareness.getStates().size).toBe(2)
    } finally {
      socket.close()
    }
  })
})

describe("CRDT documents across a restart", () => {
  it("keeps every acknowledged update", async () => {
    const a = await open("crdt-restart", "A", true)
    const b = await open("crdt-restart", "B")
    type(a, "first ")
    type(b, "second")
    await converged([a, b])
    const before = a.doc
    await suite.restart()
    const late = await open("crdt-restart", "Late")
    expect(late.doc.eq(before)).toBe(true)
    type(late, "!")
    await converged([late])
    expect(text(late)).toMatch(/^(first second!|secondfirst !)$/)
  })
})
