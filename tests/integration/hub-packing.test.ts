import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { compactJSON, ColdBlock } from "../../lib/schema"
import { fetchedVersion } from "../../lib/history"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage } from "../../server/storage"
import { createLogger } from "../../server/log"
import { testSecret } from "../support/test-client"
import { packAfterFromEnv } from "../../server/create-server"

const author = { name: "a", color: "#000000" }

function newHub(packAfterMs = 1_000): Hub {
  return new Hub({ storage: new MemoryStorage(), log: createLogger("silent"), packAfterMs })
}

/** Type `text` at the start of the first paragraph, written as JSON so that nothing here unpacks the head. */
async function type(hub: Hub, docId: string, clientId: string, seq: number, text: string) {
  const doc = await hub.documents.open(docId)
  const step = { stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text }] } }
  return hub.submit({ docId, clientId, seq, baseVersion: doc.version, steps: [step] }, author)
}

/** The edit link token of the document "doc" each test creates. */
let token = ""

/** A document with a client connected and `count` ops committed. */
async function busyDocument(hub: Hub, count: number) {
  token = (await hub.create({ docId: "doc" })).links.edit
  await hub.join({ docId: "doc", clientId: "c", secret: testSecret("c"), token, version: null, user: author }, "socket-1", () => {})
  for (let seq = 1; seq <= count; seq++) await type(hub, "doc", "c", seq, `${seq} `)
  return hub.documents.peek("doc")!
}

describe("hub: packing the heads of documents nobody edits", () => {
  it("packs an open document once nobody has edited it for packAfterMs, and serves it unchanged", async () => {
    const hub = newHub()
    const doc = await busyDocument(hub, 5)
    const before = doc.doc
    expect(await hub.documents.packIdle(Date.now())).toBe(0)
    expect(doc.isPacked).toBe(false)
    expect(await hub.documents.packIdle(Date.now() + 1_000)).toBe(1)
    expect(doc.isPacked).toBe(true)
    expect(hub.documents.size).toBe(1)

    // A join and a caret are served from the packed head, which stays packed.
    const joined = await hub.join({ docId: "doc", clientId: "d", secret: testSecret("d"), token, version: null, user: author }, "socket-2", () => {})
    expect(joined.snapshot).toEqual({ version: 5, doc: compactJSON(before) })
    const caret = hub.presence("d", "socket-d", author, { docId: "doc", version: 4, selection: { anchor: 1, head: 1000 } })
    // Text typed at the caret (version 5 typed at 1) does not push it along: the rule clients map by too.
    expect(caret!.selection).toEqual({ anchor: 1, head: before.content.size })
    // And so is the newest version for the history panel.
    expect(fetchedVersion(await hub.docAt({ docId: "doc", version: 5 })).eq(before)).toBe(true)
    expect(doc.isPacked).toBe(true)

    // The next submit unpacks it: the same document, and the edit lands on it.
    expect(await type(hub, "doc", "c", 6, "6 ")).toEqual({ seq: 6, version: 6 })
    expect(doc.isPacked).toBe(false)
    expect(doc.doc.textContent).toBe("6 " + before.textContent)
    // Packed again once idle, it holds the new head.
    expect(await hub.documents.packIdle(Date.now() + 1_000)).toBe(1)
    expect(doc.durableDoc.textContent).toBe("6 5 4 3 2 1 ")
  })

  it("evicts a packed document once nobody is connected, and reloads it from the store", async () => {
    const hub = new Hub({ storage: new MemoryStorage(), log: createLogger("silent"), packAfterMs: 0, idleMs: 1_000 })
    const doc = await busyDocument(hub, 3)
    const text = doc.doc.textContent
    expect(await hub.documents.packIdle()).toBe(1)
    hub.leave("doc", "c", "socket-1")
    expect(hub.documents.evictIdle(Date.now() + 1_000)).toBe(1)
    const reloaded = await hub.documents.open("doc")
    expect(reloaded).not.toBe(doc)
    expect([reloaded.version, reloaded.isPacked, reloaded.doc.textContent]).toEqual([3, false, text])
    expect(await type(hub, "doc", "c", 3, "3 ")).toEqual({ seq: 3, version: 3, duplicate: true })
  })

  it("keeps the tree when a submit is applied while the head is being deflated", async () => {
    const hub = newHub(0)
    const doc = await busyDocument(hub, 2)
    const packing = doc.pack()
    const ack = type(hub, "doc", "c", 3, "3 ")
    expect(await packing).toBe(false)
    expect(await ack).toEqual({ seq: 3, version: 3 })
    expect(doc.isPacked).toBe(false)
    expect(doc.doc.textContent).toBe("3 2 1 ")
  })

  it("does not pack a document with an op not yet durable", async () => {
    let release = () => {}
    const storage = new MemoryStorage()
    const commit = storage.commit.bind(storage)
    const hub = new Hub({ storage, log: createLogger("silent"), packAfterMs: 0 })
    await busyDocument(hub, 1)
    storage.commit = (...args) => new Promise(resolve => (release = () => resolve(commit(...args))))
    const ack = type(hub, "doc", "c", 2, "2 ")
    const doc = hub.documents.peek("doc")!
    await expect.poll(() => doc.version).toBe(2)
    expect(await doc.pack()).toBe(false)
    release()
    await ack
    expect(await doc.pack()).toBe(true)
    expect(doc.doc.textContent).toBe("2 1 ")
  })

  it("reads CONCORD_PACK_AFTER_MS, 0 turning packing off", async () => {
    expect([undefined, "", "2500", "0"].map(value => packAfterFromEnv(value))).toEqual([undefined, undefined, 2500, Infinity])
    for (const bad of ["soon", "-1", "Infinity"]) expect(() => packAfterFromEnv(bad)).toThrow(/CONCORD_PACK_AFTER_MS must be a number/)
    const hub = newHub(Infinity)
    await busyDocument(hub, 1)
    expect(await hub.documents.packIdle(Date.now() + 1e12)).toBe(0)
  })

  it("holds plain blocks cold from the store and after unpacking, builds only what a submit reaches, and cools the rest in the sweep", async () => {
    const hub = new Hub({ storage: new MemoryStorage(), log: createLogger("silent"), packAfterMs: 1_000, idleMs: 1_000 })
    token = (await hub.create({ docId: "doc" })).links.edit
    await hub.documents.open("doc")
    const lines = ["one", "two", "", "four"].map((text, i) => ({ type: "paragraph", attrs: { id: `p${i}` }, ...(text ? { content: [{ type: "text", text }] } : {}) }))
    const end = hub.documents.peek("doc")!.doc.content.size
    await hub.submit({ docId: "doc", clientId: "c", seq: 1, baseVersion: 0, steps: [{ stepType: "replace", from: 0, to: end, slice: { content: lines } }] }, author)
    /** Which top-level blocks are cold blocks nothing has built. */
    const cold = (doc: Node) => doc.content.content.map(block => block instanceof ColdBlock && block.coldText != null)

    // Committed by a submit, the head is the tree the step made, until the sweep cools it.
    let doc = hub.documents.peek("doc")!
    expect(cold(doc.doc)).toEqual([false, false, false, false])
    expect(await hub.documents.packIdle(Date.now())).toBe(0)
    expect(cold(doc.doc)).toEqual([true, true, true, true])

    // Loaded from the store, it is cold at once; a submit builds the block it types into, and a join
    // is served without building any.
    expect(hub.documents.evictIdle(Date.now() + 1_000)).toBe(1)
    doc = await hub.documents.open("doc")
    expect(cold(doc.doc)).toEqual([true, true, true, true])
    expect(await type(hub, "doc", "c", 2, "x")).toEqual({ seq: 2, version: 2 })
    expect(cold(doc.doc)).toEqual([false, true, true, true])
    const joined = await hub.join({ docId: "doc", clientId: "d", secret: testSecret("d"), token, version: null, user: author }, "socket-2", () => {})
    expect(joined.snapshot?.doc).toEqual({ type: "doc", content: [{ ...lines[0], content: [{ type: "text", text: "xone" }] }, ...lines.slice(1)] })
    expect(cold(doc.doc)).toEqual([false, true, true, true])
    expect(await hub.documents.packIdle(Date.now())).toBe(0)
    expect(cold(doc.doc)).toEqual([true, true, true, true])
    expect(doc.doc.textContent).toBe("xonetwofour")

    // Unpacked, it is cold too.
    expect(await hub.documents.packIdle(Date.now() + 1_000)).toBe(1)
    expect(cold(doc.doc)).toEqual([true, true, true, true])
  })

  it("leaves CRDT documents alone", async () => {
    const hub = newHub(0)
    const { links } = await hub.create({ docId: "crdt", strategy: "crdt" })
    await hub.join({ docId: "crdt", clientId: "c", secret: testSecret("c"), token: links.edit, version: null, user: author }, "socket-1", () => {})
    expect(await hub.documents.packIdle(Date.now() + 1_000)).toBe(0)
    expect(hub.documents.peek("crdt")!.isPacked).toBe(false)
  })
})
