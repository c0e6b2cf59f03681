import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { bringsNews } from "../../lib/strategies/crdt/updates"

function textDoc(text: string): Y.Doc {
  const doc = new Y.Doc()
  doc.getText("t").insert(0, text)
  return doc
}

describe("bringsNews", () => {
  it("tells a Yjs update with new items or unrecorded deletions from one with only the deletions the receiver holds", () => {
    const hub = textDoc("Hello world")
    hub.getText("t").delete(5, 6)
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(hub))
    const hubAnswer = () => Y.encodeStateAsUpdate(hub, Y.encodeStateVector(client))
    const missing = () => Y.encodeStateAsUpdate(client, Y.encodeStateVector(hub))
    // The same state: the update still holds the whole record of deletions, which is no news.
    expect(Y.decodeUpdate(missing()).ds.clients.size).toBe(1)
    expect(bringsNews(missing(), hubAnswer())).toBe(false)
    // A deletion of text the hub has, made here: news, though it adds no item.
    client.getText("t").delete(0, 1)
    expect(Y.decodeUpdate(missing()).structs).toHaveLength(0)
    expect(bringsNews(missing(), hubAnswer())).toBe(true)
    Y.applyUpdate(hub, missing())
    expect(bringsNews(missing(), hubAnswer())).toBe(false)
    // Typing: news.
    client.getText("t").insert(0, "J")
    expect(bringsNews(missing(), hubAnswer())).toBe(true)
  })
})
