import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Transform } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage, openSqliteStorage, type Storage } from "../../server/storage"
import { createLogger } from "../../server/log"

const author = { name: "a", color: "#000000" }

/** A submit typing `text` at the start of the document's head, from `clientId` under `seq`. */
async function type(hub: Hub, docId: string, clientId: string, seq: number, text: string) {
  const doc = await hub.open(docId)
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
  it("knows a client's newest seq from the store once its ops left memory, and refuses older ones", async () => {
    const { storage, cleanup } = open()
    try {
      const hub = new Hub({ storage, log: createLogger("silent"), window: 4, idleMs: 0 })
      await hub.open("doc", true)
      for (let seq = 1; seq <= 3; seq++) await type(hub, "doc", "c", seq, "c")
      for (let seq = 1; seq <= 10; seq++) await type(hub, "doc", "d", seq, "d")
      // Evicted and loaded again: what the hub knows of c comes from the store alone.
      expect(hub.evictIdle(Date.now() + 1)).toBe(1)
      const again = await type(hub, "doc", "c", 3, "c")
      expect(again).toEqual({ seq: 3, version: 3, duplicate: true })
      await expect(type(hub, "doc", "c", 3, "other")).rejects.toMatchObject({ code: "ERR_SEQ_REUSED" })
      await expect(type(hub, "doc", "c", 2, "c")).rejects.toMatchObject({ code: "ERR_SEQ_REUSED" })
      await expect(type(hub, "doc", "d", 9, "d")).rejects.toMatchObject({ code: "ERR_SEQ_REUSED" })
      expect((await storage.getOps("doc", 0)).length).toBe(13)
      expect(await type(hub, "doc", "c", 4, "c")).toEqual({ seq: 4, version: 14 })
      expect(await type(hub, "doc", "new", 1, "n")).toEqual({ seq: 1, version: 15 })
      expect((await storage.lastOp("doc", "c"))?.version).toBe(14)
      await hub.close()
    } finally {
      await storage.close()
      cleanup()
    }
  })
})
