import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import * as Y from "yjs"
import { takeCrdtJournals, writeCrdtJournal } from "../../lib/client/leave-journal"
import { decodeUpdate, encodeUpdate } from "../../lib/strategies/crdt/updates"
import { MemoryStorage } from "../support/memory-storage"

describe("a CRDT document's leave journal", () => {
  beforeEach(() => vi.stubGlobal("localStorage", new MemoryStorage()))
  afterEach(() => vi.unstubAllGlobals())

  it("brings what a tab changed since its stored copy into the next page's copy, once, and drops what is not an update", () => {
    // The stored copy, as both tabs read it from IndexedDB.
    const stored = new Y.Doc()
    stored.getText("t").insert(0, "Start")
    const closing = new Y.Doc()
    Y.applyUpdate(closing, Y.encodeStateAsUpdate(stored))
    const vector = Y.encodeStateVector(closing)
    closing.getText("t").insert(5, " Q0yv")
    expect(writeCrdtJournal("doc-1", closing.clientID, encodeUpdate(Y.encodeStateAsUpdate(closing, vector)))).toBe(true)
    localStorage.setItem("concord-leave-crdt:doc-1:7", JSON.stringify("not an update"))
    localStorage.setItem("concord-leave-crdt:doc-2:7", JSON.stringify(encodeUpdate(Y.encodeStateAsUpdate(closing))))
    const next = new Y.Doc()
    Y.applyUpdate(next, Y.encodeStateAsUpdate(stored))
    let taken = 0
    takeCrdtJournals("doc-1", update => {
      taken++
      Y.applyUpdate(next, decodeUpdate(update))
    })
    expect(taken).toBe(2)
    expect(next.getText("t").toString()).toBe("Start Q0yv")
    // Gone once taken; another document's journal stays for it.
    takeCrdtJournals("doc-1", () => taken++)
    expect(taken).toBe(2)
    expect(localStorage.length).toBe(1)
  })
})
