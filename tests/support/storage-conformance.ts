import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { CommittedOp, DocJSON } from "../../lib/protocol"
import type { LinkHashes, Storage } from "../../server/storage"

const initial: DocJSON = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "hello" }] }] }

/** An op that inserts its version number as text, as client `clientId` with seq = version unless told. */
function op(version: number, fields: Partial<CommittedOp> = {}): CommittedOp {
  return {
    version,
    clientId: "c1",
    seq: version,
    baseVersion: version - 1,
    steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: String(version) }] } }],
    author: { name: "Ada", color: "#aa3300" },
    time: 1_700_000_000_000 + version,
    ...fields
  }
}

/** Ops with versions from..to, inclusive. */
function ops(from: number, to: number, clientId = "c1"): CommittedOp[] {
  return Array.from({ length: to - from + 1 }, (_, i) => op(from + i, { clientId }))
}

/** Distinct stand-ins for a document's link hashes (the store treats them as opaque strings). */
function links(id: string, tag = ""): LinkHashes {
  return { owner: `${id}-owner${tag}`, edit: `${id}-edit${tag}`, view: `${id}-view${tag}` }
}

function versions(list: CommittedOp[]): number[] {
  return list.map((o) => o.version)
}

/**
 * Define the tests every Storage adapter must pass. `make` opens a fresh, empty store; `cleanup` closes it
 * (it may have been closed already) and removes whatever it left behind.
 */
export function storageConformance(name: string, make: () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>): void {
  describe(`Storage conformance: ${name}`, () => {
    let storage: Storage
    let cleanup: () => Promise<void>

    beforeEach(async () => {
      ;({ storage, cleanup } = await make())
    })

    afterEach(async () => {
      await cleanup()
    })

    it("creates, gets and lists documents, newest first", async () => {
      expect(await storage.createDocument("a", "ot", initial, 100, links("a"))).toEqual({ id: "a", strategy: "ot", createdAt: 100, version: 0 })
      await storage.createDocument("b", "lww", initial, 200, links("b"))
      await storage.createDocument("c", "crdt", initial, 300, links("c"))
      expect(await storage.getDocument("b")).toEqual({ id: "b", strategy: "lww", createdAt: 200, version: 0 })
      expect(await storage.getDocument("missing")).toBeNull()
      expect((await storage.listDocuments(10)).map((d) => d.id)).toEqual(["c", "b", "a"])
      expect((await storage.listDocuments(2)).map((d) => d.id)).toEqual(["c", "b"])
      expect(await storage.latestSnapshot("a")).toEqual({ version: 0, doc: initial })
      expect(await storage.getOps("a", 0)).toEqual([])
    })

    it("refuses to create a document twice and keeps the first", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await expect(storage.createDocument("a", "lww", { type: "doc" }, 200, links("a", "-2"))).rejects.toMatchObject({ name: "ConcordError", code: "ERR_DOCUMENT_EXISTS" })
      expect(await storage.findLink("a", "a-edit")).toBe("edit")
      expect(await storage.findLink("a", "a-edit-2")).toBeNull()
      expect(await storage.getDocument("a")).toEqual({ id: "a", strategy: "ot", createdAt: 100, version: 0 })
      expect(await storage.latestSnapshot("a")).toEqual({ version: 0, doc: initial })
    })

    it("binds a client id to the first key that claims it, once, whatever races it", async () => {
      expect(await storage.claimClient("x", "key-1", 100)).toBe(true)
      expect(await storage.claimClient("x", "key-1", 200)).toBe(true)
      expect(await storage.claimClient("x", "key-2", 300)).toBe(false)
      const race = await Promise.all(["k1", "k2", "k3", "k4"].map(key => storage.claimClient("y", key, 400)))
      expect(race.filter(Boolean)).toHaveLength(1)
      expect(await storage.claimClient("y", ["k1", "k2", "k3", "k4"][race.indexOf(true)], 500)).toBe(true)
    })

    it("creates a document's three links with it and finds each live one's role, in that document only", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.createDocument("b", "ot", initial, 100, links("b"))
      expect(await storage.findLink("a", "a-owner")).toBe("owner")
      expect(await storage.findLink("a", "a-edit")).toBe("edit")
      expect(await storage.findLink("a", "a-view")).toBe("view")
      expect(await storage.findLink("b", "a-owner")).toBeNull()
      expect(await storage.findLink("a", "b-edit")).toBeNull()
      expect(await storage.findLink("a", "nothing")).toBeNull()
      expect(await storage.findLink("missing", "a-owner")).toBeNull()
    })

    it("replaces a role's links: reissue revokes every live one and adds the new one, revoke adds none", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.replaceLinks("a", "edit", "a-edit-2", 200)
      expect(await storage.findLink("a", "a-edit")).toBeNull()
      expect(await storage.findLink("a", "a-edit-2")).toBe("edit")
      await storage.replaceLinks("a", "edit", "a-edit-3", 300)
      expect(await storage.findLink("a", "a-edit-2")).toBeNull()
      expect(await storage.findLink("a", "a-edit-3")).toBe("edit")
      await storage.replaceLinks("a", "view", null, 400)
      expect(await storage.findLink("a", "a-view")).toBeNull()
      // A revoked link stays revoked: its hash cannot come back.
      await expect(storage.replaceLinks("a", "view", "a-view", 500)).rejects.toMatchObject({ name: "ConcordError", code: "ERR_STORAGE" })
      expect(await storage.findLink("a", "a-view")).toBeNull()
      expect(await storage.findLink("a", "a-owner")).toBe("owner")
      expect(await storage.findLink("a", "a-edit-3")).toBe("edit")
      await expect(storage.replaceLinks("missing", "edit", "m-edit", 600)).rejects.toMatchObject({ name: "ConcordError", code: "ERR_UNKNOWN_DOCUMENT" })
      expect(await storage.findLink("missing", "m-edit")).toBeNull()
    })

    it("commits ops and reads them back by range and limit", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.commit("a", ops(1, 4))
      await storage.commit("a", ops(5, 10))
      expect((await storage.getDocument("a"))?.version).toBe(10)
      expect(await storage.getOps("a", 0)).toEqual(ops(1, 10))
      expect(versions(await storage.getOps("a", 3))).toEqual([4, 5, 6, 7, 8, 9, 10])
      expect(versions(await storage.getOps("a", 3, 6))).toEqual([4, 5, 6])
      expect(versions(await storage.getOps("a", 3, undefined, 2))).toEqual([4, 5])
      expect(versions(await storage.getOps("a", 3, 6, 10))).toEqual([4, 5, 6])
      expect(await storage.getOps("a", 10)).toEqual([])
      expect(await storage.getOps("a", 3, 3)).toEqual([])
      expect(await storage.getOps("missing", 0)).toEqual([])
    })

    it("pages through history newest first", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.commit("a", ops(1, 10))
      expect(versions(await storage.getOpsBefore("a", 11, 4))).toEqual([10, 9, 8, 7])
      expect(versions(await storage.getOpsBefore("a", 7, 4))).toEqual([6, 5, 4, 3])
      expect(versions(await storage.getOpsBefore("a", 3, 4))).toEqual([2, 1])
      expect(await storage.getOpsBefore("a", 1, 4)).toEqual([])
      expect(versions(await storage.getOpsBefore("a", 100, 2))).toEqual([10, 9])
      expect(await storage.getOpsBefore("a", 5, 4)).toEqual(ops(1, 4).reverse())
    })

    it("finds each client's newest op, per document", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.createDocument("b", "ot", initial, 100, links("b"))
      await storage.commit("a", [op(1, { clientId: "x", seq: 7 }), op(2, { clientId: "y", seq: 7 })])
      await storage.commit("b", [op(1, { clientId: "x", seq: 2 })])
      expect(await storage.lastOp("a", "x")).toEqual(op(1, { clientId: "x", seq: 7 }))
      expect(await storage.lastOp("a", "y")).toEqual(op(2, { clientId: "y", seq: 7 }))
      await storage.commit("a", [op(3, { clientId: "x", seq: 9 }), op(4, { clientId: "x", seq: 10 })])
      expect(await storage.lastOp("a", "x")).toEqual(op(4, { clientId: "x", seq: 10 }))
      expect(await storage.lastOp("b", "x")).toEqual(op(1, { clientId: "x", seq: 2 }))
      expect(await storage.lastOp("a", "z")).toBeNull()
      expect(await storage.lastOp("missing", "x")).toBeNull()
    })

    it("round-trips every field of an op exactly, optional ones included or absent", async () => {
      const full = op(1, {
        original: [{ stepType: "replace", from: 3, to: 5 }],
        dropped: [{ index: 1, step: { stepType: "replace", from: 9, to: 9 }, text: "lost é 🙂", reason: "does not apply" }],
        moves: [{ index: 0, from: 3, to: 5, mappedFrom: 1, mappedTo: null }],
        origins: [0, 0, 2],
        summary: "typed 'x' in paragraph 1",
        writes: [{ block: "b1", stamp: { clientId: "c1", author: { name: "Delhi", color: "#112233" }, clock: 5, skew: -3 }, won: false, text: "lost", beatenBy: { clientId: "c2", author: { name: "Mumbai", color: "#445566" }, clock: 9, skew: 0 } }],
        vvWrites: [{ block: "b2", vv: { c1: 2, c2: 1 }, text: "kept", outcome: "conflict", against: [{ name: "Mumbai", color: "#445566" }] }],
        update: "AQLxv6yRAQAHAQtwcm9zZW1pcnJvcgMJcGFyYWdyYXBoAA==",
        restored: { version: 0, time: 1_712_345_000_000 },
        baseVersion: 0,
        author: { name: "Zoë \"Z\" O'Neil", color: "#00ff7f" },
        time: 1_712_345_678_901
      })
      const bare = op(2, { clientId: "other", seq: 1 })
      const empty = op(3, { clientId: "empty", steps: [], original: [], dropped: [], moves: [] })
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.commit("a", [full, bare, empty])
      const [gotFull, gotBare, gotEmpty] = await storage.getOps("a", 0)
      expect(gotFull).toStrictEqual(full)
      expect(gotBare).toStrictEqual(bare)
      expect(gotEmpty).toStrictEqual(empty)
      expect(Object.keys(gotBare).sort()).toEqual(["author", "baseVersion", "clientId", "seq", "steps", "time", "version"])
      expect(await storage.lastOp("a", "c1")).toStrictEqual(full)
      expect((await storage.getOpsBefore("a", 3, 1))[0]).toStrictEqual(bare)
    })

    it("rejects a version gap, a repeated version or a reused seq and changes nothing", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.commit("a", ops(1, 3))
      const rejected = { name: "ConcordError", code: "ERR_STORAGE" }
      await expect(storage.commit("a", [op(5)], { version: 5, doc: initial })).rejects.toMatchObject(rejected)
      // A version committed already: another writer (another hub) got there first.
      await expect(storage.commit("a", [op(3, { seq: 30 })])).rejects.toMatchObject({ name: "ConcordError", code: "ERR_COMMIT_CONFLICT" })
      await expect(storage.commit("a", [op(4), op(6)])).rejects.toMatchObject(rejected)
      await expect(storage.commit("a", [op(4), op(4, { seq: 40 })])).rejects.toMatchObject(rejected)
      await expect(storage.commit("a", [op(4), op(5, { seq: 2 })], { version: 5, doc: initial })).rejects.toMatchObject(rejected)
      await expect(storage.commit("a", [op(4), op(5, { seq: 4 })])).rejects.toMatchObject(rejected)
      await expect(storage.commit("a", [op(4, { clientId: "other", seq: 5 }), op(5, { clientId: "other", seq: 5 })])).rejects.toMatchObject(rejected)
      await expect(storage.commit("a", [op(4, { clientId: "other", seq: 5 }), op(5, { seq: 1 })])).rejects.toMatchObject(rejected)
      // A seq never used but older than the client's newest: seqs only increase.
      await storage.commit("a", [op(4, { clientId: "late", seq: 10 })])
      await expect(storage.commit("a", [op(5, { clientId: "late", seq: 7 })])).rejects.toMatchObject(rejected)
      await expect(storage.commit("a", [op(5)], { version: 9, doc: initial })).rejects.toMatchObject(rejected)
      await expect(storage.commit("missing", [op(1)])).rejects.toMatchObject({ name: "ConcordError", code: "ERR_UNKNOWN_DOCUMENT" })
      expect((await storage.getDocument("a"))?.version).toBe(4)
      expect(await storage.getOps("a", 0)).toEqual([...ops(1, 3), op(4, { clientId: "late", seq: 10 })])
      expect(await storage.lastOp("a", "c1")).toEqual(op(3))
      expect(await storage.lastOp("a", "late")).toEqual(op(4, { clientId: "late", seq: 10 }))
      expect(await storage.latestSnapshot("a")).toEqual({ version: 0, doc: initial })
      expect(await storage.getDocument("missing")).toBeNull()
      await storage.commit("a", [op(5)])
      expect((await storage.getDocument("a"))?.version).toBe(5)
    })

    it("keeps snapshots and finds the latest at or before a version", async () => {
      const at = (version: number): DocJSON => ({ type: "doc", content: [{ type: "paragraph", attrs: { version } }] })
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.commit("a", ops(1, 3), { version: 3, doc: at(3) })
      await storage.commit("a", ops(4, 6))
      await storage.putSnapshot("a", { version: 6, doc: at(6) })
      await storage.putSnapshot("a", { version: 6, doc: at(6) })
      expect(await storage.latestSnapshot("a")).toEqual({ version: 6, doc: at(6) })
      expect(await storage.latestSnapshot("a", 6)).toEqual({ version: 6, doc: at(6) })
      expect(await storage.latestSnapshot("a", 5)).toEqual({ version: 3, doc: at(3) })
      expect(await storage.latestSnapshot("a", 2)).toEqual({ version: 0, doc: initial })
      expect(await storage.latestSnapshot("a", -1)).toBeNull()
      expect(await storage.latestSnapshot("missing")).toBeNull()
      await expect(storage.putSnapshot("a", { version: 7, doc: at(7) })).rejects.toMatchObject({ code: "ERR_STORAGE" })
      await expect(storage.putSnapshot("missing", { version: 0, doc: initial })).rejects.toMatchObject({ code: "ERR_UNKNOWN_DOCUMENT" })
      expect(await storage.latestSnapshot("a")).toEqual({ version: 6, doc: at(6) })
    })

    it("gives a snapshot's document as JSON text, the same one latestSnapshot finds", async () => {
      const at = (version: number): DocJSON => ({ type: "doc", content: [{ type: "paragraph", attrs: { version }, content: [{ type: "text", text: "é \"q\" 😀" }] }] })
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      await storage.commit("a", ops(1, 3), { version: 3, doc: at(3) })
      const text = async (atOrBefore?: number) => {
        const found = await storage.latestSnapshotText("a", atOrBefore)
        return found && { version: found.version, doc: JSON.parse(found.json) as DocJSON }
      }
      expect(await text()).toEqual({ version: 3, doc: at(3) })
      expect(await text(2)).toEqual({ version: 0, doc: initial })
      expect(await text(-1)).toBeNull()
      expect(await storage.latestSnapshotText("missing")).toBeNull()
    })

    it("lands 200 concurrent commits across 10 documents with consecutive versions", async () => {
      const docs = Array.from({ length: 10 }, (_, i) => `doc-${i}`)
      for (const id of docs) await storage.createDocument(id, "ot", initial, 100, links(id))
      const calls: Promise<void>[] = []
      for (let version = 1; version <= 20; version++)
        for (const id of docs) calls.push(storage.commit(id, [op(version, { clientId: id })]))
      await Promise.all(calls)
      for (const id of docs) {
        expect((await storage.getDocument(id))?.version).toBe(20)
        expect(await storage.getOps(id, 0)).toEqual(ops(1, 20, id))
      }
    })

    it("commits only after the op the caller built on (a hub's chain of commits), else ERR_COMMIT_CONFLICT and nothing written", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      const conflict = { name: "ConcordError", code: "ERR_COMMIT_CONFLICT" }
      await expect(storage.commit("a", [op(1)], undefined, { clientId: "c1", seq: 7 })).rejects.toMatchObject(conflict)
      await storage.commit("a", [op(1)], undefined, null)
      // Another hub's op took version 2; this hub's next op, built on its own version 2, must not land on it.
      await storage.commit("a", [op(2, { clientId: "other", seq: 1 })], undefined, { clientId: "c1", seq: 1 })
      await expect(storage.commit("a", [op(3)], undefined, { clientId: "c1", seq: 2 })).rejects.toMatchObject(conflict)
      await expect(storage.commit("a", [op(3)], undefined, null)).rejects.toMatchObject(conflict)
      expect((await storage.getDocument("a"))?.version).toBe(2)
      await storage.commit("a", [op(3)], { version: 3, doc: initial }, { clientId: "other", seq: 1 })
      await storage.commit("a", [op(4)])
      expect((await storage.getOps("a", 0)).map(o => [o.version, o.clientId])).toEqual([[1, "c1"], [2, "other"], [3, "c1"], [4, "c1"]])
    })

    it("fails one call of a group alone and commits the others", async () => {
      for (const id of ["a", "b", "c"]) await storage.createDocument(id, "ot", initial, 100, links(id))
      const results = await Promise.allSettled([
        storage.commit("a", [op(1)]),
        storage.commit("b", [op(2)], { version: 2, doc: initial }),
        storage.commit("a", [op(2)]),
        storage.commit("a", [op(2, { seq: 20 })]),
        storage.commit("c", [op(1)], { version: 1, doc: initial }),
        storage.commit("a", [op(3)])
      ])
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected", "fulfilled", "fulfilled"])
      const reasons = results.flatMap(result => result.status == "rejected" ? [(result.reason as { code: string }).code] : [])
      expect(reasons).toEqual(["ERR_STORAGE", "ERR_COMMIT_CONFLICT"])
      expect(await storage.getOps("a", 0)).toEqual(ops(1, 3))
      expect((await storage.getDocument("b"))?.version).toBe(0)
      expect(await storage.latestSnapshot("b")).toEqual({ version: 0, doc: initial })
      expect(await storage.getOps("c", 0)).toEqual([op(1)])
      expect(await storage.latestSnapshot("c")).toEqual({ version: 1, doc: initial })
    })

    it("applies one document's calls in call order, whatever kind each is", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      // In call order the snapshot at version 2 comes before version 2 exists, and fails.
      const results = await Promise.allSettled([
        storage.commit("a", [op(1)]),
        storage.putSnapshot("a", { version: 2, doc: initial }),
        storage.commit("a", [op(2)]),
        storage.replaceLinks("a", "edit", "a-edit-2", 200),
        storage.commit("a", [op(3)])
      ])
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"])
      expect(await storage.getOps("a", 0)).toEqual(ops(1, 3))
      expect(await storage.latestSnapshot("a")).toEqual({ version: 0, doc: initial })
    })

    it("finishes commits asked for before close and refuses work after it", async () => {
      await storage.createDocument("a", "ot", initial, 100, links("a"))
      const pending = storage.commit("a", ops(1, 2))
      await storage.close()
      await expect(pending).resolves.toBeUndefined()
      await expect(storage.commit("a", [op(3)])).rejects.toMatchObject({ code: "ERR_STORAGE" })
      await expect(storage.getDocument("a")).rejects.toMatchObject({ code: "ERR_STORAGE" })
    })
  })
}
