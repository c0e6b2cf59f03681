import "fake-indexeddb/auto"
import { afterEach, describe, expect, it } from "vitest"
import { IndexeddbPersistence } from "y-indexeddb"
import * as Y from "yjs"
import { WrittenVector } from "../../lib/client/written-vector"

const opened: IndexeddbPersistence[] = []
afterEach(async () => {
  for (const local of opened.splice(0)) await local.destroy()
})

async function stored(name: string, doc = new Y.Doc()): Promise<{ doc: Y.Doc; local: IndexeddbPersistence }> {
  const local = new IndexeddbPersistence(name, doc)
  opened.push(local)
  await local.whenSynced
  return { doc, local }
}

describe("what y-indexeddb has written of a Yjs document", () => {
  it("follows the writes as they complete, so that a leave journal holds only what came after them", async () => {
    const name = `written-${Math.random()}`
    const { doc, local } = await stored(name)
    const written = new WrittenVector(local, doc, Y.encodeStateVector(doc))
    doc.on("update", () => written.updated())
    const text = doc.getText("t")
    const typed = "the quick brown fox jumps over the lazy dog ".repeat(20)
    for (const char of typed) text.insert(text.length, char)
    // Everything typed so far would go to a journal until the writes complete.
    expect(Y.encodeStateAsUpdate(doc, written.vector).length).toBeGreaterThan(typed.length)
    await written.settled()
    expect(written.vector).toEqual(Y.encodeStateVector(doc))
    // IndexedDB holds all of it: a copy read now has the text.
    const { doc: copy } = await stored(name)
    expect(copy.getText("t").toString()).toBe(typed)

    // One more keystroke: the journal is that keystroke, and it completes the stored copy.
    text.insert(text.length, "!")
    const journal = Y.encodeStateAsUpdate(doc, written.vector)
    expect(journal.length).toBeLessThan(40)
    Y.applyUpdate(copy, journal)
    expect(copy.getText("t").toString()).toBe(typed + "!")
  })

  it("stays where it was when the store is closed before a write completes", async () => {
    const { doc, local } = await stored(`written-${Math.random()}`)
    const start = Y.encodeStateVector(doc)
    const written = new WrittenVector(local, doc, start)
    doc.on("update", () => written.updated())
    await local.destroy()
    doc.getText("t").insert(0, "after")
    await written.settled()
    expect(written.vector).toEqual(start)
  })
})
