import { describe, expect, it, vi } from "vitest"
import * as Y from "yjs"
import { serverSuite } from "../support/server-suite"
import { until } from "../support/test-client"
import { CrdtConnection } from "../../lib/client/crdt-connection"
import { createDocument } from "../../lib/client/create-document"
import { HistoryModel } from "../../lib/history"
import { crdtFragment } from "../../lib/strategies/crdt/updates"

const suite = serverSuite()

/** Ada creates a CRDT document and Bob opens it with its edit link. */
async function adaAndBob(): Promise<[CrdtConnection, CrdtConnection]> {
  const docId = `crdt-history-${Date.now()}`
  const { links } = await createDocument({ docId, strategy: "crdt" }, suite.server.url)
  const ada = suite.closeAtEnd(new CrdtConnection({ docId, token: links.owner, user: { name: "Ada", color: "#c2255c" }, url: suite.server.url }))
  const bob = suite.closeAtEnd(new CrdtConnection({ docId, token: links.edit, user: { name: "Bob", color: "#1971c2" }, url: suite.server.url }))
  for (const c of [ada, bob]) await until(() => c.status == "online", wake => c.subscribe(wake), 20_000, "online")
  return [ada, bob]
}

/** Type `text` at the end of the first paragraph, as the editor's binding writes it into Yjs. */
function type(c: CrdtConnection, text: string): void {
  const block = c.ydoc.getXmlFragment(crdtFragment).get(0) as Y.XmlElement
  c.ydoc.transact(() => {
    if (!(block.get(0) instanceof Y.XmlText)) block.insert(0, [new Y.XmlText()])
    const last = block.get(block.length - 1) as Y.XmlText
    last.insert(last.length, text)
  })
}

function acknowledged(c: CrdtConnection): Promise<void> {
  return until(() => c.unconfirmedCount == 0 && c.status == "online", wake => c.subscribe(wake), 20_000, "acknowledged")
}

function summaries(model: HistoryModel): string[] {
  return model.entries().map(entry => `${entry.author.name}: ${entry.summary}`)
}

describe("a CRDT document's history, from the hub", () => {
  it("lists who typed what, follows live ops, and fetches those missed while offline", async () => {
    const [ada, bob] = await adaAndBob()
    type(ada, "Hello")
    await acknowledged(ada)
    type(bob, " world")
    await acknowledged(bob)
    const model = new HistoryModel(ada.historySource(), { throttleMs: 0 })
    try {
      model.start()
      const listed = (expected: string[]) => until(() => !model.snapshot.loading && summaries(model).join("\n") == expected.join("\n"),
        wake => model.subscribe(wake), 20_000, expected.join(", "))
      await listed(["Bob: typed ' world' in paragraph 1", "Ada: typed 'Hello' in paragraph 1"])
      expect(model.authors().map(person => person.clientId)).toEqual([bob.clientId, ada.clientId])

      // A live op arrives whole (the connection asked for detail) and is described at once.
      await until(() => bob.version == 2, wake => bob.subscribe(wake), 20_000, "Bob caught up")
      const pages = vi.spyOn(ada, "fetchHistory")
      type(bob, "!")
      await listed(["Bob: typed ' world!' in paragraph 1", "Ada: typed 'Hello' in paragraph 1"])
      expect(pages).not.toHaveBeenCalled()

      // While Ada is away Bob types; her join brings the Yjs state, and her history fetches the ops.
      ada.goOffline()
      type(bob, " Bye")
      await acknowledged(bob)
      ada.goOnline()
      await listed(["Bob: typed ' world! Bye' in paragraph 1", "Ada: typed 'Hello' in paragraph 1"])
      expect(model.log.newest).toBe(bob.version)
    } finally {
      model.close()
    }
  })
})
