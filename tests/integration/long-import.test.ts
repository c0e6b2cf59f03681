import { describe, expect, it } from "vitest"
import { closeHistory, history, undo } from "prosemirror-history"
import { AllSelection, type Transaction } from "prosemirror-state"
import { replaceDocument } from "../../lib/editor/replace-document"
import { ownUndoStep } from "../../lib/editor/own-undo"
import { importedDoc } from "../../lib/formats/imported-document"
import { serverSuite } from "../support/server-suite"
import { TestClient, settleAll } from "../support/test-client"

const suite = serverSuite()

/** Markdown of `count` paragraphs of about a hundred characters, numbered. */
function paragraphs(count: number, word: string): string {
  return Array.from({ length: count }, (_, i) => `${word} ${i}: ` + "a line of an imported file, long enough to fill a paragraph of text.").join("\n\n")
}

/** Ada, with undo history, and Bob on document `docId`, which Ada fills with `count` paragraphs. */
async function twoTabs(docId: string, count: number, word: string): Promise<{ ada: TestClient; bob: TestClient }> {
  const ada = suite.closeAtEnd(new TestClient(suite.server.url, docId, "ada"))
  ada.plugins = [history()]
  await ada.join(true)
  const bob = suite.closeAtEnd(await TestClient.open(suite.server.url, docId, "bob"))
  ada.edit(s => replaceDocument(s, importedDoc(`${word}.md`, paragraphs(count, word), true)))
  await settleAll([ada, bob])
  return { ada, bob }
}

/** Undo Ada's last edit and wait for both tabs to have it. */
async function undoAndSettle(ada: TestClient, bob: TestClient): Promise<void> {
  ada.edit(s => {
    let tr: Transaction | null = null
    expect(undo(s, t => (tr = t))).toBe(true)
    return tr!
  })
  await settleAll([ada, bob])
}

describe("a long import on a document of steps", () => {
  it("goes to the hub a chunk of blocks at a time, reaches every tab, and undo takes it back whole", async () => {
    // A document already longer than one message, replaced by a longer one (some 1.3 MB of text).
    const { ada, bob } = await twoTabs("long-import", 6_000, "First")
    const text = paragraphs(16_000, "Second")
    expect(() => importedDoc("second.md", text)).toThrow(/too large to import/)
    const second = importedDoc("second.md", text, true)
    const before = ada.sync!.state.doc
    ada.edit(s => ownUndoStep(s, replaceDocument(s, second)))
    await settleAll([ada, bob])
    expect(ada.sync!.state.doc.childCount).toBe(16_000)
    expect(ada.text).toBe(bob.text)
    expect(ada.sync!.state.doc.child(15_999).textContent).toMatch(/^Second 15999: /)
    expect(ada.errors).toEqual([])
    await undoAndSettle(ada, bob)
    expect(bob.sync!.state.doc.eq(before)).toBe(true)
    expect(ada.errors).toEqual([])
  })

  it("a deletion of a whole long document goes in chunks, and undo brings it back through the hub", async () => {
    const { ada, bob } = await twoTabs("long-delete", 16_000, "Long")
    const before = bob.sync!.state.doc
    // Select all and delete (some 1.3 MB of text): putting it back in one step would not fit a message.
    // (An undo event of its own: within half a second of the import, undo history would join the two.)
    ada.edit(s => closeHistory(s.tr.setSelection(new AllSelection(s.doc)).deleteSelection()))
    await settleAll([ada, bob])
    expect(bob.sync!.state.doc.childCount).toBe(1)
    await undoAndSettle(ada, bob)
    expect(bob.sync!.state.doc.eq(before)).toBe(true)
    expect(ada.errors).toEqual([])
  })
})
