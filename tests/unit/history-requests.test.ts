import { afterEach, describe, expect, it } from "vitest"
import { Step } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { ConcordError, limits, parse } from "../../lib/protocol"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage } from "../../server/storage"

let hub: Hub | null = null
afterEach(async () => {
  await hub?.close()
  hub = null
})

/** A hub with one document of `count` ops (one character each), committing a snapshot every 10 versions. */
async function documentWith(count: number) {
  const storage = new MemoryStorage()
  hub = new Hub({ storage, snapshotEvery: 10 })
  const docId = "paged"
  await hub.open(docId, true)
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
    expect(() => parse.history({ docId, limit: limits.maxOpsPerPage + 1 })).toThrow(ConcordError)
  })

  it("serves the document at every version from the nearest snapshot plus the ops after it", async () => {
    const { docId, hub, storage } = await documentWith(25)
    let doc = schema.nodeFromJSON((await storage.latestSnapshot(docId, 0))!.doc)
    const ops = await storage.getOps(docId, 0)
    for (let version = 0; version <= 25; version++) {
      if (version > 0) for (const json of ops[version - 1].steps) doc = Step.fromJSON(schema, json).apply(doc).doc!
      const served = await hub.docAt({ docId, version })
      expect([served.version, schema.nodeFromJSON(served.doc).eq(doc)]).toEqual([version, true])
    }
    await expect(hub.docAt({ docId, version: 26 })).rejects.toMatchObject({ code: "ERR_VERSION_FROM_FUTURE" })
  })
})
