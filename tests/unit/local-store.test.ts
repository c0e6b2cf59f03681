import "fake-indexeddb/auto"
import { afterEach, describe, expect, it, vi } from "vitest"
import { EditorState, TextSelection } from "prosemirror-state"
import { openDB } from "idb"
import { LocalStore, type LeaderRecord, type StoreBounds } from "../../lib/client/local-store"
import { MemoryLocks } from "../../lib/client/leader-locks"
import { claimDocument, leaderLockName } from "../../lib/client/leader-claims"
import { LeaderPersistence } from "../../lib/client/leader-persistence"
import { JsonTextCache } from "../../lib/client/json-text-cache"
import { WorkDiffer } from "../../lib/client/work-delta"
import { SyncClient } from "../../lib/ot"
import { schema } from "../../lib/schema"
import { importJournals } from "../../lib/client/leave-journal"
import { MemoryStorage } from "../support/memory-storage"

let stores: LocalStore[] = []
let names = 0
afterEach(() => { stores.forEach(s => s.close()); stores = [] })

async function openStore(bounds?: Partial<StoreBounds>): Promise<LocalStore> {
  const store = await LocalStore.open({ name: `local-store-test-${++names}`, bounds })
  stores.push(store)
  return store
}

const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("hello")])])

/** A leader that typed " world", sent it, and typed "!" after. */
function typist(clientId = "tab-1") {
  const client = new SyncClient({ clientId, version: 3, state: EditorState.create({ doc: start }) })
  client.apply(client.state.tr.insertText(" world", 6))
  client.nextBatch()
  client.apply(client.state.tr.insertText("!", 12))
  return client
}

function recordOf(client: SyncClient, docId = "doc-1", savedAt = 1): LeaderRecord {
  return { docId, clientId: client.clientId, secret: "s-" + client.clientId, strategy: "ot", version: client.version, work: client.work(), unsent: client.unconfirmedCount, savedAt, serial: 1 }
}

/** A client of `options` that took back `work`, as a reloaded page does. */
function restoreClient(options: ConstructorParameters<typeof SyncClient>[0], work: ReturnType<SyncClient["work"]>): SyncClient {
  const client = new SyncClient({ ...options })
  client.resumeWork(work)
  return client
}

describe("LocalStore", () => {
  it("keeps a leader's confirmed copy and unsent work together, and restores the client from them", async () => {
    const store = await openStore()
    const client = typist()
    await store.save(recordOf(client), client.confirmedDoc.toJSON())
    const stored = (await store.load("doc-1", "tab-1"))!
    expect(stored.record.unsent).toBe(2)
    const restored = restoreClient({ clientId: "tab-1", version: stored.record.version, state: EditorState.create({ doc: stored.doc }) }, stored.record.work)
    expect(restored.state.doc.textContent).toBe("hello world!")
    expect(restored.inflightBatch).toEqual(client.inflightBatch)
  })

  it("never replaces a write with a later serial by one with an earlier serial (a late write from a worker given up on)", async () => {
    const store = await openStore()
    const client = typist()
    await store.save({ ...recordOf(client), serial: 3 }, client.confirmedDoc.toJSON())
    await store.save({ ...recordOf(client), serial: 2, unsent: 9, version: 99 }, { stale: true })
    const stored = (await store.load("doc-1", "tab-1"))!
    expect(stored.record).toMatchObject({ serial: 3, unsent: 2, version: client.version })
    expect(stored.doc.toJSON()).toEqual(client.confirmedDoc.toJSON())
  })

  it("stores each unsent step as a row of JSON text, and the document as JSON text", async () => {
    const store = await openStore()
    const client = typist()
    await store.save(recordOf(client), client.confirmedDoc.toJSON())
    const raw = await openDB(`local-store-test-${names}`)
    try {
      const steps = await raw.getAll("steps")
      expect(steps.map(row => row.slot)).toEqual([0, 1])
      expect(steps.map(row => JSON.parse(row.step))).toEqual([...client.work().inflight!.steps, ...client.work().pending])
      const copy = await raw.get("copies", ["doc-1", "tab-1"])
      expect(typeof copy.doc).toBe("string")
      expect(copy.size).toBe(copy.doc.length)
    } finally {
      raw.close()
    }
  })

  it("writes a keystroke as a row of its own, appends confirmed ops after the copy, and reads nothing when they do not reach the record's version", async () => {
    const store = await openStore()
    const client = typist()
    const differ = new WorkDiffer()
    const { work: _work, ...record } = recordOf(client)
    await store.write({ record, work: differ.delta(client.workView()), doc: JSON.stringify(client.confirmedDoc.toJSON()) })
    client.apply(client.state.tr.insertText("?", 13))
    const keystroke = differ.delta(client.workView())
    expect(keystroke.steps.add).toHaveLength(1)
    await store.write({ record: { ...record, unsent: 3, serial: 2 }, work: keystroke })
    expect((await store.load("doc-1", "tab-1"))!.record.work).toEqual(client.work())
    // An op another client committed, stored after the copy: the copy read back is at version 4.
    const remote = { stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "Oh, " }] } }
    client.receive([{ version: 4, clientId: "other", seq: 1, baseVersion: 3, steps: [remote] }])
    await store.write({ record: { ...record, version: 4, unsent: 3, serial: 3 }, work: differ.delta(client.workView()), ops: [{ version: 4, steps: JSON.stringify([remote]) }] })
    const stored = (await store.load("doc-1", "tab-1"))!
    expect(stored.doc.toJSON()).toEqual(client.confirmedDoc.toJSON())
    expect(restoreClient({ clientId: "tab-1", version: 4, state: EditorState.create({ doc: stored.doc }) }, stored.record.work).state.doc.textContent).toBe("Oh, hello world!?")
    // A record whose version moved without its copy or ops (a caller's mistake) is refused: what is stored stays readable.
    await expect(store.write({ record: { ...record, version: 6, unsent: 3, serial: 4 }, work: differ.delta(client.workView()) }))
      .rejects.toMatchObject({ code: "ERR_LOCAL_STORAGE" })
    expect((await store.load("doc-1", "tab-1"))!.record.version).toBe(4)
    // Ops that skip a version are refused, and change nothing.
    await expect(store.write({ record: { ...record, version: 8, serial: 5 }, work: differ.delta(client.workView()), ops: [{ version: 8, steps: "[]" }] }))
      .rejects.toMatchObject({ code: "ERR_LOCAL_STORAGE" })
  })

  it("lists documents with their unsent edits over every leader, and removes one leader or a whole document", async () => {
    const store = await openStore()
    const a = typist("tab-a"), b = typist("tab-b")
    await store.save(recordOf(a, "doc-1", 10), a.confirmedDoc.toJSON())
    await store.save(recordOf(b, "doc-1", 20), b.confirmedDoc.toJSON())
    await store.save(recordOf(typist("tab-c"), "doc-2", 5), start.toJSON())
    expect(await store.documents()).toEqual([{ docId: "doc-1", unsent: 4, savedAt: 20 }, { docId: "doc-2", unsent: 2, savedAt: 5 }])
    await store.remove("doc-1", "tab-a")
    expect((await store.leaders("doc-1")).map(r => r.clientId)).toEqual(["tab-b"])
    await store.remove("doc-1")
    expect(await store.leaders("doc-1")).toEqual([])
    expect(await store.load("doc-1", "tab-b")).toBeNull()
  })

  it("evicts the oldest confirmed copies past its bounds, never unsent edits nor leaders a tab holds", async () => {
    const store = await openStore({ maxDocuments: 2 })
    const idle = (docId: string, savedAt: number) => ({ ...recordOf(new SyncClient({ clientId: "t", version: 1, state: EditorState.create({ doc: start }) }), docId, savedAt), unsent: 0 })
    await store.save(idle("old", 1), start.toJSON())
    await store.save(idle("open-now", 2), start.toJSON())
    await store.save(recordOf(typist("t"), "unsent", 3), start.toJSON())
    await store.save(idle("new", 4), start.toJSON())
    const open = new Set(["open-now"])
    expect(await store.evict(async r => !open.has(r.docId))).toBe(2)
    expect((await store.documents()).map(d => d.docId).sort()).toEqual(["open-now", "unsent"])
  })

  it("keeps a copy whose leader got unsent edits while eviction asked whether it is free", async () => {
    const store = await openStore({ maxDocuments: 1 })
    const idle = (docId: string, savedAt: number) => ({ ...recordOf(typist("t"), docId, savedAt), unsent: 0 })
    await store.save(idle("older", 1), start.toJSON())
    await store.save(idle("newer", 2), start.toJSON())
    const evicted = await store.evict(async r => {
      await store.save({ ...idle(r.docId, 3), unsent: 1 }, start.toJSON())
      return true
    })
    expect(evicted).toBe(0)
    expect((await store.documents()).map(d => d.docId).sort()).toEqual(["newer", "older"])
  })

  it("bounds copies by size too", async () => {
    const store = await openStore({ maxSize: JSON.stringify(start.toJSON()).length * 2 })
    for (let i = 0; i < 4; i++) await store.save({ ...recordOf(typist("t"), "d" + i, i), unsent: 0 }, start.toJSON())
    expect(await store.evict(async () => true)).toBe(2)
    expect((await store.documents()).map(d => d.docId)).toEqual(["d3", "d2"])
  })
})

describe("MemoryLocks", () => {
  it("lets one holder claim a name at a time, and frees it on release", async () => {
    const locks = new MemoryLocks()
    const release = await locks.claim("leader")
    expect(release).not.toBeNull()
    expect(await locks.claim("leader")).toBeNull()
    release!()
    expect(await locks.claim("leader")).not.toBeNull()
  })
})

describe("claimDocument", () => {
  async function storeWith(...leaders: [clientId: string, unsent: boolean, version: number][]) {
    const store = await openStore()
    for (const [clientId, unsent, version] of leaders) {
      const client = unsent ? typist(clientId) : new SyncClient({ clientId, version, state: EditorState.create({ doc: start }) })
      await store.save({ ...recordOf(client), version }, start.toJSON())
    }
    return store
  }

  it("continues as the leader with unsent edits, and takes over the other orphans' work", async () => {
    const store = await storeWith(["copy", false, 9], ["gone-1", true, 3], ["gone-2", true, 3])
    const claim = await claimDocument(store, new MemoryLocks(), "doc-1")
    expect(claim.own!.stored.record.clientId).toBe("gone-1")
    expect(claim.orphans.map(o => o.stored.record.clientId)).toEqual(["gone-2"])
    expect(claim.seed).toBeNull()
  })

  it("removes idle copies of gone tabs beside the one it continues from, and keeps those other tabs hold", async () => {
    const store = await storeWith(["newest", false, 9], ["older", false, 5], ["held", false, 7])
    const locks = new MemoryLocks()
    await locks.claim(leaderLockName("doc-1", "held"))
    const claim = await claimDocument(store, locks, "doc-1")
    expect(claim.own!.stored.record.clientId).toBe("newest")
    expect((await store.leaders("doc-1")).map(r => r.clientId).sort()).toEqual(["held", "newest"])
  })

  it("gives each leader to one of two tabs opening at once, and a tab with none the newest copy to start from", async () => {
    const store = await storeWith(["gone-1", true, 3], ["copy", false, 9])
    const locks = new MemoryLocks()
    const [first, second] = await Promise.all([claimDocument(store, locks, "doc-1"), claimDocument(store, locks, "doc-1")])
    const claimed = [first, second].flatMap(c => [c.own, ...c.orphans]).filter(c => c != null).map(c => c.stored.record.clientId)
    expect(claimed.sort()).toEqual(["copy", "gone-1"])
    const third = await claimDocument(store, locks, "doc-1")
    expect(third.own).toBeNull()
    expect(third.orphans).toEqual([])
    expect(third.seed!.record.clientId).toBe("copy")
    // Once a tab goes, its leader is free for the next one.
    first.own!.release()
    expect((await claimDocument(store, locks, "doc-1")).own!.stored.record.clientId).toBe(first.own!.stored.record.clientId)
  })
})

describe("LocalStore upgrade", () => {
  it("takes a leader stored by version 1 (its work as one JSON text) back whole", async () => {
    const name = `local-store-test-${++names}`
    const client = typist()
    const work = client.work()
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore("leaders", { keyPath: ["docId", "clientId"] }).createIndex("docId", "docId")
        db.createObjectStore("copies", { keyPath: ["docId", "clientId"] })
      }
    })
    const doc = JSON.stringify(client.confirmedDoc.toJSON())
    await v1.put("leaders", { docId: "doc-1", clientId: "tab-1", secret: "s", strategy: "ot", version: 3, work: JSON.stringify(work), unsent: 2, savedAt: 1 })
    await v1.put("copies", { docId: "doc-1", clientId: "tab-1", version: 3, doc, size: doc.length })
    v1.close()
    const store = await LocalStore.open({ name })
    stores.push(store)
    const stored = (await store.load("doc-1", "tab-1"))!
    expect(stored.record.work).toEqual(work)
    expect(stored.record.serial).toBe(0)
    expect(stored.doc.toJSON()).toEqual(client.confirmedDoc.toJSON())
    expect(restoreClient({ clientId: "tab-1", version: 3, state: EditorState.create({ doc: stored.doc }) }, stored.record.work).state.doc.textContent).toBe("hello world!")
  })
})

describe("LeaderPersistence", () => {
  const identity = { docId: "doc-1", clientId: "tab-1", secret: "s" }

  it("writes every change, coalesced, and the document only when the version moved", async () => {
    const store = await openStore()
    const saves: boolean[] = []
    const write = store.write.bind(store)
    store.write = w => { saves.push(w.doc !== undefined); return write(w) }
    let written = 0
    const persistence = new LeaderPersistence({ store }, identity, () => written++, error => { throw error })
    const client = typist()
    persistence.changed(client, "ot")
    client.apply(client.state.tr.insertText("?", 13))
    persistence.changed(client, "ot")
    expect(persistence.saved).toBe(false)
    await persistence.flush()
    expect(persistence.saved).toBe(true)
    expect(saves).toEqual([true])
    expect(persistence.storedUnsent).toBe(3)
    client.apply(client.state.tr.insertText("!", 14))
    persistence.changed(client, "ot")
    await persistence.flush()
    expect(saves).toEqual([true, false])
    expect(written).toBe(2)
    const stored = (await store.load("doc-1", "tab-1"))!
    const restored = restoreClient({ clientId: "tab-1", version: stored.record.version, state: EditorState.create({ doc: stored.doc }) }, stored.record.work)
    expect(restored.state.doc.textContent).toBe(client.state.doc.textContent)
  })

  it("stores the confirmed ops after the copy while the version moves, and a new copy once idle", async () => {
    const store = await openStore()
    const writes: { doc: boolean; ops: number }[] = []
    const write = store.write.bind(store)
    store.write = w => { writes.push({ doc: w.doc !== undefined, ops: w.ops?.length ?? 0 }); return write(w) }
    let compacted: () => void = () => {}
    const persistence = new LeaderPersistence({ store }, identity, () => { if (writes[writes.length - 1]?.doc && writes.length > 1) compacted() }, error => { throw error }, { compactAfterMs: 20 })
    const client = typist()
    persistence.changed(client, "ot")
    await persistence.flush()
    // Two ops of another client arrive: the next write appends them instead of writing the document.
    const ops = ["A", "B"].map((text, i) => ({ version: 4 + i, clientId: "other", seq: 1 + i, baseVersion: 3 + i, steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text }] } }] }))
    client.receive(ops)
    persistence.confirmed(ops)
    const idle = new Promise<void>(resolve => (compacted = resolve))
    persistence.changed(client, "ot")
    await persistence.flush()
    expect(writes).toEqual([{ doc: true, ops: 0 }, { doc: false, ops: 2 }])
    const stored = (await store.load("doc-1", "tab-1"))!
    expect(stored.record.version).toBe(5)
    expect(stored.doc.toJSON()).toEqual(client.confirmedDoc.toJSON())
    // Idle a while: a new copy replaces the copy and the ops after it.
    await idle
    expect(writes[2]).toEqual({ doc: true, ops: 0 })
    const raw = await openDB(`local-store-test-${names}`)
    try {
      expect(await raw.getAll("ops")).toEqual([])
    } finally {
      raw.close()
    }
    expect((await store.load("doc-1", "tab-1"))!.doc.toJSON()).toEqual(client.confirmedDoc.toJSON())
    await persistence.close()
  })

  it("writes nothing for a change of the selection alone, and again once the work changes", async () => {
    const store = await openStore()
    let saves = 0
    const write = store.write.bind(store)
    store.write = w => { saves++; return write(w) }
    const persistence = new LeaderPersistence({ store }, identity, () => {}, error => { throw error })
    const client = typist()
    persistence.changed(client, "ot")
    await persistence.flush()
    client.apply(client.state.tr.setSelection(TextSelection.create(client.state.doc, 2)))
    persistence.changed(client, "ot")
    await persistence.flush()
    expect(saves).toBe(1)
    client.apply(client.state.tr.insertText("?", 2))
    persistence.changed(client, "ot")
    await persistence.flush()
    expect(saves).toBe(2)
  })

  it("reports a write the browser refuses, says the work is not saved, and writes it with the next change", async () => {
    const store = await openStore()
    const write = store.write.bind(store)
    let full = true
    store.write = w => full ? Promise.reject(Object.assign(new Error("quota"), { name: "QuotaExceededError" })) : write(w)
    const failures: string[] = []
    const persistence = new LeaderPersistence({ store }, identity, () => {}, error => failures.push(error.code))
    const client = typist()
    persistence.changed(client, "ot")
    await persistence.flush()
    expect(failures).toEqual(["ERR_LOCAL_STORAGE"])
    expect(persistence.saved).toBe(false)
    full = false
    client.apply(client.state.tr.insertText("?", 13))
    persistence.changed(client, "ot")
    await persistence.flush()
    expect(persistence.saved).toBe(true)
    expect((await store.load("doc-1", "tab-1"))!.record.unsent).toBe(3)
    await persistence.forget()
    expect(await store.leaders("doc-1")).toEqual([])
  })
})

describe("the leave journal", () => {
  const identity = { docId: "doc-1", clientId: "tab-1", secret: "s" }
  afterEach(() => vi.unstubAllGlobals())

  /** A leader whose first write is stored, and which typed " more" since, not yet written. */
  async function leaderWithUnwrittenKeys() {
    vi.stubGlobal("localStorage", new MemoryStorage())
    const store = await openStore()
    const persistence = new LeaderPersistence({ store }, identity, () => {}, error => { throw error }, { schedule: () => {} })
    const client = typist()
    persistence.changed(client, "ot")
    await persistence.flush()
    client.apply(client.state.tr.insertText(" more", 13))
    persistence.changed(client, "ot")
    return { store, persistence, client }
  }

  it("keeps what a page going away had not written to IndexedDB, and the next page to open the document stores it", async () => {
    const { store, persistence, client } = await leaderWithUnwrittenKeys()
    expect(persistence.saved).toBe(false)
    expect(persistence.leaving()).toBe(true)
    // The page is gone before any write: IndexedDB has the first write only; the journal has the rest.
    expect((await store.load("doc-1", "tab-1"))!.record.unsent).toBe(2)
    expect(localStorage.length).toBe(1)
    await importJournals(store, "doc-1")
    const stored = (await store.load("doc-1", "tab-1"))!
    expect(stored.record.unsent).toBe(3)
    const restored = restoreClient({ clientId: "tab-1", version: stored.record.version, state: EditorState.create({ doc: stored.doc }) }, stored.record.work)
    expect(restored.state.doc.textContent).toBe(client.state.doc.textContent)
    expect(restored.inflightBatch).toEqual(client.inflightBatch)
    expect(localStorage.length).toBe(0)
  })

  it("keeps the journal when a write issued before it lands after it, since that write holds less", async () => {
    const { store, persistence, client } = await leaderWithUnwrittenKeys()
    const issued: Promise<void>[] = []
    const write = store.write.bind(store)
    store.write = (w, onlyNewer) => { const writing = write(w, onlyNewer); issued.push(writing); return writing }
    const flushed = persistence.flush()
    client.apply(client.state.tr.insertText(" again", 18))
    persistence.changed(client, "ot")
    persistence.leaving()
    // The write under way when the page went lands: the journal, which holds " again" too, stays.
    await issued[0]
    expect(localStorage.length).toBe(1)
    // The page stayed after all (the back-forward cache): its next write holds as much, and the journal goes.
    await flushed
    expect(localStorage.length).toBe(0)
    await importJournals(store, "doc-1")
    const stored = (await store.load("doc-1", "tab-1"))!
    const restored = restoreClient({ clientId: "tab-1", version: stored.record.version, state: EditorState.create({ doc: stored.doc }) }, stored.record.work)
    expect(restored.state.doc.textContent).toBe("hello world! more again")
  })

  it("writes nothing when everything is stored, and a journal older than what is stored changes nothing", async () => {
    const { store, persistence, client } = await leaderWithUnwrittenKeys()
    persistence.leaving()
    // The write under way lands after all (a page that stayed), and one more after it.
    await persistence.flush()
    expect(localStorage.length).toBe(0)
    expect(persistence.leaving()).toBe(true)
    expect(localStorage.length).toBe(0)
    client.apply(client.state.tr.insertText("?", 2))
    persistence.changed(client, "ot")
    persistence.leaving()
    const journal = localStorage.getItem(localStorage.key(0)!)
    await persistence.flush()
    client.apply(client.state.tr.insertText("?", 2))
    persistence.changed(client, "ot")
    await persistence.flush()
    localStorage.setItem("concord-leave:doc-1:tab-1", journal!)
    await importJournals(store, "doc-1")
    expect((await store.load("doc-1", "tab-1"))!.record.unsent).toBe(client.unconfirmedCount)
    expect(localStorage.length).toBe(0)
  })

  it("carries the document when the version moved since the last write, and a store refuses work without it on another version", async () => {
    const { store, persistence, client } = await leaderWithUnwrittenKeys()
    const ops = [{ version: 4, clientId: "other", seq: 1, baseVersion: 3, steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "A" }] } }] }]
    client.receive(ops)
    persistence.confirmed(ops)
    persistence.changed(client, "ot")
    persistence.leaving()
    await importJournals(store, "doc-1")
    const stored = (await store.load("doc-1", "tab-1"))!
    expect([stored.record.version, stored.doc.textContent]).toEqual([4, client.confirmedDoc.textContent])
    await expect(store.saveWork({ ...stored.record, version: 7, serial: 99 }, stored.record.work)).rejects.toThrow(/out of step/)
  })
})

describe("JsonTextCache", () => {
  it("writes exactly the JSON of the document, and reuses the text of blocks it wrote before", () => {
    const cache = new JsonTextCache()
    const client = typist()
    expect(cache.doc(client.state.doc)).toBe(JSON.stringify(client.state.doc.toJSON()))
    // A block written before is not serialized again: a stand-in text for it shows through.
    const doc = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("one")]), schema.node("paragraph", null, [schema.text("two")])])
    cache.doc(doc)
    const first = doc.child(0)
    const toJSON = first.toJSON
    first.toJSON = () => { throw new Error("serialized again") }
    try {
      expect(() => cache.doc(doc)).not.toThrow()
    } finally {
      first.toJSON = toJSON
    }
  })
})
