import { describe, expect, it } from "vitest"
import { Transform } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage } from "../../server/storage"
import { logLines } from "../support/log-lines"

const author = { name: "a", color: "#000000" }

async function type(hub: Hub, docId: string, seq: number, text: string) {
  const doc = await hub.documents.open(docId)
  const step = new Transform(doc.doc).insert(1, schema.text(text)).steps[0]
  return hub.submit({ docId, clientId: "c", seq, baseVersion: doc.version, steps: [step.toJSON()] }, author)
}

describe("hub: one logger per open document", () => {
  it("logs each document's load, head packing and eviction with its docId bound", async () => {
    const { log, lines } = logLines("debug")
    const hub = new Hub({ storage: new MemoryStorage(), log, packAfterMs: 0, idleMs: 1_000 })
    for (const docId of ["a", "b"]) await hub.create({ docId })
    await type(hub, "a", 1, "x")
    await hub.documents.open("b")
    expect(await hub.documents.packIdle()).toBe(2)
    expect(hub.documents.evictIdle(Date.now() + 1_000)).toBe(2)
    const perDocument = lines.filter(line => line.msg != "document-created").map(({ msg, docId, version }) => ({ msg, docId, version }))
    expect(perDocument).toEqual([
      { msg: "document-loaded", docId: "a", version: 0 },
      { msg: "document-loaded", docId: "b", version: 0 },
      { msg: "head-packed", docId: "a", version: 1 },
      { msg: "head-packed", docId: "b", version: 0 },
      { msg: "document-evicted", docId: "a", version: 1 },
      { msg: "document-evicted", docId: "b", version: 0 }
    ])
    expect(hub.documents.peek("a")).toBeUndefined()
  })

  it("logs a failed commit at error level with the document's id and the error", async () => {
    const storage = new MemoryStorage()
    const { log, lines } = logLines("warn")
    const hub = new Hub({ storage, log })
    await hub.create({ docId: "doc" })
    storage.commit = () => Promise.reject(new Error("disk I/O error"))
    await expect(type(hub, "doc", 1, "x")).rejects.toMatchObject({ code: "ERR_STORAGE" })
    expect(lines).toEqual([
      expect.objectContaining({ level: "error", msg: "commit-failed", docId: "doc", version: 1, err: expect.objectContaining({ message: "disk I/O error" }) })
    ])
  })
})
