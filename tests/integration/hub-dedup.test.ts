import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { Transform } from "prosemirror-transform"
import * as Y from "yjs"
import { schema } from "../../lib/schema"
import { crdtFragment, crdtSeed, encodeUpdate } from "../../lib/strategies/crdt/updates"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage, openSqliteStorage, type Storage } from "../../server/storage"
import { createLogger } from "../../server/log"

const author = { name: "a", color: "#000000" }

/** A submit typing `text` at the start of the document's head, from `clientId` under `seq`. */
async function type(hub: Hub, docId: string, clientId: string, seq: number, text: string) {
  const doc = await hub.documents.open(docId)
  const step = new Transform(doc.doc).insert(1, schema.text(text)).steps[0]
  return hub.submit({ docId, clientId, seq, baseVersion: doc.version, steps: [step.toJSON()] }, author)
}

const stores: [string, () => { storage: Storage; cleanup: () => void }][] = [
  ["MemoryStorage", () => ({ storage: new MemoryStorage(), cleanup: () => {} })],
  ["SqliteStorage", () => {
    const dir = mkdtempSync(join(tmpdir(), "concord-dedup-"))
    return { storage: openSqliteStorage({ file: join(dir, "concord.db") }), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
  }]
]

describe.each(stores)("hub dedup over %s", (_, open) => {
  let hub: Hub | null = null
  let store: { storage: Storage; cleanup: () => void } | null = null
  afterEach(async () => {
    await hub?.close()
    await store?.storage.close()
    store?.cleanup()
    hub = store = null
  })

  /** A hub over a fresh store, keeping `window` recent ops in memory per document. */
  async function start(window = 256): Promise<{ hub: Hub; storage: Storage }> {
    store = open()
    hub = new Hub({ storage: store.storage, log: createLogger("silent"), window, idleMs: 0 })
    await hub.create({ docId: "doc" })
    await hub.documents.open("doc")
    return { hub, storage: store.storage }
  }

  it("knows a client's newest seq from the store once its ops left memory, and refuses older ones", async () => {
    const { hub, storage } = await start(4)
    for (let seq = 1; seq <= 3; seq++) await type(hub, "doc", "c", seq, "c")
    for (let seq = 1; seq <= 10; seq++) await type(hub, "doc", "d", seq, "d")
    // Evicted and loaded again: what the hub knows of c comes from the store alone.
    expect(hub.documents.evictIdle(Date.now() + 1)).toBe(1)
    const again = await type(hub, "doc", "c", 3, "c")
    expect(again).toEqual({ seq: 3, version: 3, duplicate: true })
    await expect(type(hub, "doc", "c", 3, "other")).rejects.toMatchObject({ code: "ERR_SEQ_REUSED" })
    await expect(type(hub, "doc", "c", 2, "c")).rejects.toMatchObject({ code: "ERR_SEQ_REUSED" })
    await expect(type(hub, "doc", "d", 9, "d")).rejects.toMatchObject({ code: "ERR_SEQ_REUSED" })
    expect((await storage.getOps("doc", 0)).length).toBe(13)
    expect(await type(hub, "doc", "c", 4, "c")).toEqual({ seq: 4, version: 14 })
    expect(await type(hub, "doc", "new", 1, "n")).toEqual({ seq: 1, version: 15 })
    expect((await storage.lastOp("doc", "c"))?.version).toBe(14)
    // A seq that skips ahead: refused, so that no client can claim a seq that no later batch could follow.
    await expect(type(hub, "doc", "c", 1_000, "c")).rejects.toMatchObject({ code: "ERR_SEQ_GAP" })
    await expect(type(hub, "doc", "c", Number.MAX_SAFE_INTEGER, "c")).rejects.toMatchObject({ code: "ERR_SEQ_GAP" })
    expect(await type(hub, "doc", "c", 5, "c")).toEqual({ seq: 5, version: 16 })
    expect((await storage.getOps("doc", 0)).length).toBe(16)
  })

  it("acknowledges a resend that arrives while its first copy commits, once, and refuses an older seq meanwhile", async () => {
    const { hub, storage } = await start()
    await type(hub, "doc", "c", 1, "a")
    const doc = await hub.documents.open("doc")
    const step = new Transform(doc.doc).insert(1, schema.text("b")).steps[0].toJSON()
    const request = { docId: "doc", clientId: "c", seq: 2, baseVersion: 1, steps: [step] }
    // Both submitted before either commits: the second finds the first in memory and waits for it.
    const [first, again, older] = await Promise.allSettled([
      hub.submit(request, author), hub.submit(request, author), hub.submit({ ...request, seq: 1 }, author)
    ])
    expect(first).toEqual({ status: "fulfilled", value: { seq: 2, version: 2 } })
    expect(again).toEqual({ status: "fulfilled", value: { seq: 2, version: 2, duplicate: true } })
    expect(older).toMatchObject({ status: "rejected", reason: { code: "ERR_SEQ_REUSED" } })
    expect((await storage.getOps("doc", 0)).map(op => op.seq)).toEqual([1, 2])
    expect((await hub.documents.open("doc")).doc.textContent).toBe("ba")
  })

  it("fails a resend waiting on a commit that fails, and takes the batch once the document reloads", async () => {
    store = open()
    const real = store.storage
    let failNext = false
    // The store as the hub sees it, with a commit that can be made to fail once (a disk error).
    const storage = new Proxy(real, {
      get(target, name) {
        if (name == "commit" && failNext) {
          failNext = false
          // It fails a little later, as a group commit does: after the resend found the op in memory.
          return () => new Promise((_, reject) => setTimeout(() => reject(new Error("disk I/O error")), 5))
        }
        const value = Reflect.get(target, name)
        return typeof value == "function" ? value.bind(target) : value
      }
    })
    hub = new Hub({ storage, log: createLogger("silent") })
    await hub.create({ docId: "doc" })
    await hub.documents.open("doc")
    await type(hub, "doc", "c", 1, "a")
    const doc = await hub.documents.open("doc")
    const step = new Transform(doc.doc).insert(1, schema.text("b")).steps[0].toJSON()
    const request = { docId: "doc", clientId: "c", seq: 2, baseVersion: 1, steps: [step] }
    failNext = true
    const [first, again] = await Promise.allSettled([hub.submit(request, author), hub.submit(request, author)])
    expect(first).toMatchObject({ status: "rejected", reason: { code: "ERR_STORAGE" } })
    expect(again).toMatchObject({ status: "rejected", reason: { code: "ERR_STORAGE" } })
    // Reloaded from the store, the hub takes the resent batch as new, once.
    expect(await hub.submit(request, author)).toEqual({ seq: 2, version: 2 })
    expect(await hub.submit(request, author)).toEqual({ seq: 2, version: 2, duplicate: true })
    expect((await real.getOps("doc", 0)).map(op => op.seq)).toEqual([1, 2])
  }, 10_000)

  it("acknowledges a CRDT update resent while its first copy commits, once, and refuses an older seq", async () => {
    store = open()
    hub = new Hub({ storage: store.storage, log: createLogger("silent") })
    await hub.create({ docId: "crdt", strategy: "crdt" })
    await hub.documents.open("crdt")
    // A client's Yjs document from the shared seed, typing into the first paragraph.
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, crdtSeed())
    const typed = (text: string) => {
      const before = Y.encodeStateVector(ydoc)
      const block = ydoc.getXmlFragment(crdtFragment).get(0) as Y.XmlElement
      ydoc.transact(() => {
        if (!(block.get(0) instanceof Y.XmlText)) block.insert(0, [new Y.XmlText()])
        ;(block.get(0) as Y.XmlText).insert(0, text)
      })
      return encodeUpdate(Y.encodeStateAsUpdate(ydoc, before))
    }
    const first = { docId: "crdt", clientId: "y", seq: 1, update: typed("a") }
    expect(await hub.update(first, author)).toEqual({ seq: 1, version: 1 })
    const request = { docId: "crdt", clientId: "y", seq: 2, update: typed("b") }
    const [second, again, older] = await Promise.allSettled([
      hub.update(request, author), hub.update(request, author), hub.update({ ...first }, author)
    ])
    expect(second).toEqual({ status: "fulfilled", value: { seq: 2, version: 2 } })
    expect(again).toEqual({ status: "fulfilled", value: { seq: 2, version: 2, duplicate: true } })
    expect(older).toMatchObject({ status: "rejected", reason: { code: "ERR_SEQ_REUSED" } })
    expect((await store.storage.getOps("crdt", 0)).map(op => op.seq)).toEqual([1, 2])
  })
})
