import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import type { Transaction } from "prosemirror-state"
import { undoDepth } from "prosemirror-history"
import { redoOwn } from "../../lib/editor/own-undo"
import { schema } from "../../lib/schema"
import { CollabHarness } from "../support/collab-harness"
import { b } from "../support/builders"

const { doc, p } = b
const text = (node: Node) => node.textBetween(0, node.content.size, "|")
/** Every message delivered: the text every client and the hub agree on. */
function settled(h: CollabHarness): string {
  h.settle()
  h.assertConverged()
  return text(h.hub.doc)
}
const redoOn = (h: CollabHarness, k: number) => h.edit(k, s => { let tr: Transaction | null = null; redoOwn(s, t => (tr = t)); return tr })

/** Client 0 pastes "big red fox " into "hello world"; client 1 then types "QQ " inside it; all settled. */
function pasteTypedInto(): CollabHarness {
  const h = new CollabHarness(doc(p("hello world")), 2, { history: true })
  h.edit(0, s => s.tr.insertText("big red fox ", 7))
  h.settle()
  h.edit(1, s => s.tr.insertText("QQ ", 11))
  h.settle()
  expect(text(h.hub.doc)).toBe("hello big QQ red fox world")
  return h
}

describe("undo and redo keep what others typed inside the text they take away", () => {
  it("undo of a paste keeps the words another typed inside it, in every client", () => {
    const h = pasteTypedInto()
    h.undo(0)
    expect(settled(h)).toBe("hello QQ world")
    // One Ctrl+Z, one undo: the history holds nothing more of client 0's.
    expect(undoDepth(h.clients[0].sync.state)).toBe(0)
  })

  it("redo after it brings the paste back next to the words, once, and undo again keeps them", () => {
    const h = pasteTypedInto()
    h.undo(0)
    h.settle()
    redoOn(h, 0)
    expect(settled(h)).toBe("hello QQ big red fox world")
    h.undo(0)
    expect(settled(h)).toBe("hello QQ world")
  })

  it("redo of a deletion keeps what another typed into the text the undo brought back", () => {
    const h = new CollabHarness(doc(p("hello world")), 2, { history: true })
    h.edit(0, s => s.tr.delete(1, 7))
    h.settle()
    h.undo(0)
    h.settle()
    h.edit(1, s => s.tr.insertText("Z", 3))
    expect(settled(h)).toBe("heZllo world")
    redoOn(h, 0)
    expect(settled(h)).toBe("Zworld")
  })

  it("keeps others' words at several places, in their order and with their marks", () => {
    const h = new CollabHarness(doc(p("ab")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("0123456789", 2))
    h.settle()
    h.edit(1, s => s.tr.insertText("X", 4).addMark(4, 5, schema.marks.strong.create()))
    h.settle()
    h.edit(1, s => s.tr.insertText("Y", 10))
    expect(settled(h)).toBe("a01X23456Y789b")
    h.undo(0)
    expect(settled(h)).toBe("aXYb")
    expect(h.hub.doc.firstChild!.child(1).marks.map(m => m.type.name)).toEqual(["strong"])
  })

  it("keeps a paragraph break another made inside the paste", () => {
    const h = new CollabHarness(doc(p("ab")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("0123", 2))
    h.settle()
    h.edit(1, s => s.tr.split(4))
    expect(settled(h)).toBe("a01|23b")
    h.undo(0)
    expect(settled(h)).toBe("a|b")
  })

  it("still takes away this user's own typing inside the paste, and what others deleted stays deleted", () => {
    const h = new CollabHarness(doc(p("hello world")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("big red fox ", 7))
    h.settle()
    h.edit(1, s => s.tr.delete(11, 15))
    expect(settled(h)).toBe("hello big fox world")
    h.undo(0)
    expect(settled(h)).toBe("hello world")
  })

  it("keeps what another typed into a word this user typed over a selection, and brings the word back", () => {
    const h = new CollabHarness(doc(p("the cat sat")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("dog", 5, 8))
    h.settle()
    h.edit(1, s => s.tr.insertText("X", 7))
    expect(settled(h)).toBe("the doXg sat")
    h.undo(0)
    expect(settled(h)).toBe("the Xcat sat")
  })
})
