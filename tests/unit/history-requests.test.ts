import { afterEach, describe, expect, it } from "vitest"
import { Step } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { ConcordError, limits, parse } from "../../lib/protocol"
import { Hub } from "../../server/hub/hub"
import { Authorship, fetchedVersion } from "../../lib/history"
import { MemoryStorage } from "../../server/storage"

let hub: Hub | null = null
afterEach(async () => {
  await hub?.close()
  hub = null
})

/** A hub with one document of `count` ops (one character each), committing a snapshot every 10 versions. */
async function documentWith(count: number, snapshotEvery = 10) {
  const storage = new MemoryStorage()
  hub = new Hub({ storage, snapshotEvery })
  const docId = "paged"
  await hub.create({ docId })
  await hub.documents.open(docId)
  for (let i = 1; i <= count; i++) {
    const step = { stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: String(i % 10) }] } }
    await hub.submit({ docId, clientId: "c", seq: i, baseVersion: i - 1, steps: [step] }, { name: "C", color: "#123456" })
  }
  return { docId, storage, hub }
}

describe("history and docAt on the hub", () => {
  it("pages through every op newest first, bounded by the page limit", async () => {
    const { docId, hub } = await documentWith(35)
    const seen: number[] = []
    let before: number | undefined
    for (;;) {
      const page = await hub.history({ docId, before, limit: 10 })
      expect(page.ops.length).toBeLessThanOrEqual(10)
      seen.push(...page.ops.map(op => op.version))
      if (page.next == null) break
      before = page.next
    }
    expect(seen).toEqual(Array.from({ length: 35 }, (_, i) => 35 - i))
    expect((await hub.history({ docId })).ops).toHaveLength(35)
    expect((await hub.history({ docId, before: 1_000 })).ops[0].version).toBe(35)
    expect(() => parse.history({ docId, limit: limits.maxReadOps + 1 })).toThrow(ConcordError)
  })

  it("serves the document at every version from the nearest snapshot plus the ops after it", async () => {
    const { docId, hub, storage } = await documentWith(25)
    let doc = schema.nodeFromJSON((await storage.latestSnapshot(docId, 0))!.doc)
    const ops = await storage.getOps(docId, 0)
    for (let version = 0; version <= 25; version++) {
      if (version > 0) for (const json of ops[version - 1].steps) doc = Step.fromJSON(schema, json).apply(doc).doc!
      const served = await hub.docAt({ docId, version })
      // The snapshot as stored and the steps after it, except at the head, which comes whole from memory.
      const base = version == 25 ? 25 : version - (version % 10)
      expect([served.version, served.base, served.steps.length, fetchedVersion(served).eq(doc)]).toEqual([version, base, version - base, true])
      expect(Buffer.isBuffer(served.doc)).toBe(true)
    }
    await expect(hub.docAt({ docId, version: 26 })).rejects.toMatchObject({ code: "ERR_VERSION_FROM_FUTURE" })
  })

  it("sends a version further than a page of ops from its snapshot whole, replayed on the hub", async () => {
    const count = limits.maxDocAtOps + 3
    const { docId, hub } = await documentWith(count, 10_000)
    const served = await hub.docAt({ docId, version: count - 1 })
    expect([served.base, served.steps]).toEqual([count - 1, []])
    const text = fetchedVersion(served).textContent
    expect([text.length, text.slice(0, 3)]).toEqual([count - 1, String((count - 1) % 10) + String((count - 2) % 10) + String((count - 3) % 10)])
    const near = await hub.docAt({ docId, version: limits.maxDocAtOps })
    expect([near.base, near.steps.length, fetchedVersion(near).textContent.length]).toEqual([0, limits.maxDocAtOps, limits.maxDocAtOps])
  })

  it("fails clearly when a fetched version's steps do not apply to its document", async () => {
    const { docId, hub } = await documentWith(5)
    const served = await hub.docAt({ docId, version: 3 })
    expect(() => fetchedVersion({ ...served, steps: [...served.steps, { stepType: "replace", from: 0, to: 1 }] })).toThrow(/docAt 0..3 do not apply/)
    expect(() => fetchedVersion({ ...served, steps: [...served.steps, { stepType: "replace", from: 50, to: 60 }] })).toThrow(RangeError)
    expect(() => fetchedVersion({ ...served, doc: Buffer.from("{\"type\":\"doc\",\"content\":[{\"type\":\"nope\"}]}") })).toThrow(RangeError)
  })

  it("counts who wrote what at a version as the page's tracker does from the document and ops before it", async () => {
    const storage = new MemoryStorage()
    hub = new Hub({ storage, snapshotEvery: 10 })
    const docId = "authors"
    await hub.create({ docId })
    await hub.documents.open(docId)
    const people = [{ name: "Ada", color: "#1971c2" }, { name: "Bob", color: "#e03131" }]
    for (let i = 1; i <= 40; i++) {
      // Ada types at the start, Bob at the end of the paragraph, now and then deleting a character.
      const head = hub.documents.peek(docId)!
      const end = head.doc.content.size - 1
      const step = i % 7 == 0 && end > 2
        ? { stepType: "replace", from: 1, to: 2 }
        : { stepType: "replace", from: i % 2 ? 1 : end, to: i % 2 ? 1 : end, slice: { content: [{ type: "text", text: "ab"[i % 2] }] } }
      await hub.submit({ docId, clientId: people[i % 2].name, seq: Math.ceil(i / 2), baseVersion: head.version, steps: [step] }, people[i % 2])
    }
    for (const [version, window] of [[40, 15], [33, 500], [25, 1], [10, 10], [0, 5]]) {
      const counted = await hub.authorship({ docId, version, window })
      const from = Math.max(0, version - window)
      const tracker = new Authorship(fetchedVersion(await hub.docAt({ docId, version: from })), from)
      tracker.addAll(await storage.getOps(docId, from, version), fetchedVersion(await hub.docAt({ docId, version })))
      expect(counted).toEqual({ version, from, spans: tracker.spans })
    }
    const whole = await hub.authorship({ docId, version: 40 })
    expect(whole.from).toBe(0)
    expect(new Set(whole.spans.map(span => span.author.name))).toEqual(new Set(["Ada", "Bob"]))
    await expect(hub.authorship({ docId, version: 41 })).rejects.toMatchObject({ code: "ERR_VERSION_FROM_FUTURE" })
    // A CRDT document's ops carry Yjs updates, not steps: nothing to count authorship over.
    await hub.create({ docId: "authors-crdt", strategy: "crdt" })
    await hub.documents.open("authors-crdt")
    await expect(hub.authorship({ docId: "authors-crdt", version: 0 })).rejects.toMatchObject({ code: "ERR_STRATEGY_MISMATCH" })
    expect(() => parse.authorship({ docId, version: 1, window: 0 })).toThrow(ConcordError)
    expect(() => parse.authorship({ docId, version: 1, window: limits.maxReadOps + 1 })).toThrow(ConcordError)
  })
})
