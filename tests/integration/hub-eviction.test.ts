import { describe, expect, it } from "vitest"
import { Transform } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage } from "../../server/storage"
import { createLogger } from "../../server/log"
import { testSecret } from "../support/test-client"

const author = { name: "a", color: "#000000" }

async function type(hub: Hub, docId: string, clientId: string, seq: number, text: string) {
  const doc = await hub.documents.open(docId)
  const step = new Transform(doc.doc).insert(1, schema.text(text)).steps[0]
  return hub.submit({ docId, clientId, seq, baseVersion: doc.version, steps: [step.toJSON()] }, author)
}

describe("hub: loading and eviction", () => {
  it("evicts an idle document and reloads it from its latest snapshot plus the ops after it", async () => {
    const storage = new MemoryStorage()
    const hub = new Hub({ storage, log: createLogger("silent"), snapshotEvery: 5, idleMs: 1_000 })
    await hub.create({ docId: "doc" })
    await hub.documents.open("doc")
    for (let seq = 1; seq <= 12; seq++) await type(hub, "doc", "c", seq, String(seq % 10))
    const before = hub.documents.peek("doc")!.doc
    expect(hub.documents.evictIdle(Date.now())).toBe(0)
    expect(hub.documents.evictIdle(Date.now() + 1_000)).toBe(1)
    expect(hub.documents.size).toBe(0)
    expect((await storage.latestSnapshot("doc"))!.version).toBe(10)
    const reloaded = await hub.documents.open("doc")
    expect(reloaded.version).toBe(12)
    expect(reloaded.doc.eq(before)).toBe(true)
    // A resend of a batch committed before the eviction is still recognised.
    const again = await type(hub, "doc", "c", 12, "2")
    expect(again).toEqual({ seq: 12, version: 12, duplicate: true })
  })

  it("keeps no more than maxDocuments idle documents in memory", async () => {
    const hub = new Hub({ storage: new MemoryStorage(), log: createLogger("silent"), maxDocuments: 3 })
    for (let i = 0; i < 6; i++) {
      await hub.create({ docId: "d" + i })
      await hub.documents.open("d" + i)
    }
    expect(hub.documents.size).toBeLessThanOrEqual(3)
    await expect(hub.documents.open("d0")).resolves.toBeTruthy()
  })

  it("does not evict a document someone is connected to", async () => {
    const hub = new Hub({ storage: new MemoryStorage(), log: createLogger("silent"), idleMs: 0 })
    const { links } = await hub.create({ docId: "busy" })
    await hub.join({ docId: "busy", clientId: "c", secret: testSecret("c"), token: links.edit, version: null, user: author }, "socket-1", () => {})
    expect(hub.documents.evictIdle(Date.now() + 60_000)).toBe(0)
    hub.leave("busy", "c", "socket-1")
    expect(hub.documents.evictIdle(Date.now() + 60_000)).toBe(1)
  })
})
