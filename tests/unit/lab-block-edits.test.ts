import { describe, expect, it } from "vitest"
import { joinBackward, splitBlock, deleteSelection } from "prosemirror-commands"
import type { Node } from "prosemirror-model"
import { EditorState, TextSelection, type Command, type Transaction } from "prosemirror-state"
import { applyEdits, blockEdits, labEditorPlugins, textChange, withoutBlockIds } from "../../lib/lab"
import { schema } from "../../lib/schema"
import type { Edit } from "../../lib/strategies"
import { b, tags } from "../support/builders"

const { doc, p, h1, ul, li } = b

// A lab editor's state on `start`, with the caret at tag <a> (and <b>, when given), giving new blocks ids n1, n2...
function editor(start: Node & { tag: Record<string, number> }): EditorState {
  let n = 0
  const { a, b: head } = tags(start)
  const state = EditorState.create({ doc: start, plugins: labEditorPlugins(() => `n${++n}`) })
  return a == null ? state : state.apply(state.tr.setSelection(TextSelection.create(start, a, head ?? a)))
}

function run(state: EditorState, command: Command): EditorState {
  let next: EditorState | null = null
  if (!command(state, (tr: Transaction) => (next = state.apply(tr)))) throw new Error("command did not apply")
  return next!
}

function type(state: EditorState, text: string): EditorState {
  return state.apply(state.tr.insertText(text))
}

// The edits that turn `before` into `after`, checked to do exactly that when replayed.
function derive(before: Node, after: Node, hint?: number): Edit[] {
  const result = blockEdits(before, after, hint)
  if (!result.ok) throw new Error(result.reason)
  const applied = applyEdits(before, result.edits)
  if (!applied.ok) throw new Error(applied.reason)
  expect(applied.tr.doc.toJSON()).toEqual(after.toJSON())
  return result.edits
}

describe("textChange", () => {
  it("finds the replaced range", () => {
    expect(textChange("PM speaks at 5 PM", "PM speaks at 6 PM")).toEqual({ from: 13, to: 14, text: "6" })
    expect(textChange("abc", "abc")).toBeNull()
    expect(textChange("", "new")).toEqual({ from: 0, to: 0, text: "new" })
    expect(textChange("gone", "")).toEqual({ from: 0, to: 4, text: "" })
  })

  it("places an ambiguous change where the hint says, else as late as it can", () => {
    expect(textChange("foo", "fooo")).toEqual({ from: 3, to: 3, text: "o" })
    expect(textChange("foo", "fooo", 2)).toEqual({ from: 1, to: 1, text: "o" })
    expect(textChange("foo", "fooo", 0)).toEqual({ from: 1, to: 1, text: "o" })
    expect(textChange("aaaa", "aaa", 1)).toEqual({ from: 1, to: 2, text: "" })
  })

  it("never splits a surrogate pair", () => {
    const change = textChange("a😀b", "a😃b")!
    expect(change).toEqual({ from: 1, to: 3, text: "😃" })
  })
})

describe("blockEdits from editor transactions", () => {
  it("typing is a replaceText at the caret", () => {
    const before = editor(doc(p({ id: "b1" }, "PM at 5<a> PM"), p({ id: "b2" }, "Second")))
    const after = type(before, ":30")
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([{ type: "replaceText", block: "b1", from: 7, to: 7, text: ":30" }])
  })

  it("typing over a selection replaces it", () => {
    const before = editor(doc(p({ id: "b1" }, "PM at <a>5<b> PM")))
    const after = type(before, "6")
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([{ type: "replaceText", block: "b1", from: 6, to: 7, text: "6" }])
  })

  it("typing a repeated letter lands where the caret is", () => {
    const before = editor(doc(p({ id: "b1" }, "fo<a>o")))
    const after = type(before, "o")
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([{ type: "replaceText", block: "b1", from: 2, to: 2, text: "o" }])
  })

  it("Enter in a paragraph cuts its text and inserts the rest as a new block", () => {
    const before = editor(doc(p({ id: "b1" }, "Lunch: <a>rice"), p({ id: "b2" }, "dal")))
    const after = run(before, splitBlock)
    expect(after.doc.child(1).attrs.id).toBe("n1")
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([
      { type: "insertBlock", after: "b1", text: "rice", id: "n1" },
      { type: "replaceText", block: "b1", from: 7, to: 11, text: "" }
    ])
  })

  it("Enter at the start of the first block inserts an empty block at the top", () => {
    const before = editor(doc(p({ id: "b1" }, "<a>Title")))
    const after = run(before, splitBlock)
    const edits = derive(before.doc, after.doc, after.selection.head)
    expect(edits).toEqual([{ type: "insertBlock", after: "b1", text: "Title", id: "n1" }, { type: "replaceText", block: "b1", from: 0, to: 5, text: "" }])
  })

  it("Backspace at a block's start joins it to the previous one: a deletion and a text edit", () => {
    const before = editor(doc(p({ id: "b1" }, "One"), p({ id: "b2" }, "<a>Two")))
    const after = run(before, joinBackward)
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([
      { type: "replaceText", block: "b1", from: 3, to: 3, text: "Two" },
      { type: "deleteBlock", block: "b2" }
    ])
  })

  it("deleting a selection across blocks edits the first, deletes the rest", () => {
    const before = editor(doc(p({ id: "b1" }, "Keep <a>this"), p({ id: "b2" }, "gone"), p({ id: "b3" }, "and th<b>at")))
    const after = run(before, deleteSelection)
    expect(after.doc.childCount).toBe(1)
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([
      { type: "replaceText", block: "b1", from: 5, to: 9, text: "at" },
      { type: "deleteBlock", block: "b2" },
      { type: "deleteBlock", block: "b3" }
    ])
  })

  it("replacing everything keeps a block to edit before deleting the others", () => {
    const before = editor(doc(p({ id: "b1" }, "<a>One"), p({ id: "b2" }, "Two<b>")))
    const after = type(before, "New")
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([
      { type: "replaceText", block: "b1", from: 0, to: 3, text: "New" },
      { type: "deleteBlock", block: "b2" }
    ])
  })

  it("pasting paragraphs inserts them in order, with new ids", () => {
    const before = editor(doc(p({ id: "b1" }, "First<a>"), p({ id: "b2" }, "Last")))
    const pasted = withoutBlockIds(doc(p({ id: "b2" }, "A"), p({ id: "b9" }, "B"), p({ id: "b1" }, "C")).slice(1, 8))
    expect(pasted.content.child(0).attrs.id).toBeNull()
    const after = before.apply(before.tr.replaceSelection(pasted))
    expect(after.doc.childCount).toBe(4)
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([
      { type: "insertBlock", after: "b1", text: "B", id: "n1" },
      { type: "insertBlock", after: "n1", text: "C", id: "n2" },
      { type: "replaceText", block: "b1", from: 5, to: 5, text: "A" }
    ])
  })

  it("gives no edit for a change of formatting, so the replay keeps the text unformatted", () => {
    const before = editor(doc(p({ id: "b1" }, "<a>Bold<b> text")))
    const after = before.apply(before.tr.addMark(1, 5, schema.marks.strong.create()))
    expect(blockEdits(before.doc, after.doc)).toEqual({ ok: true, edits: [] })
    const replay = applyEdits(before.doc, [])
    expect(replay.ok && replay.tr.doc.eq(after.doc)).toBe(false)
  })

  it("records a heading's text like a paragraph's", () => {
    const before = editor(doc(h1({ id: "h" }, "Head<a>line"), p({ id: "b1" }, "Body")))
    const after = type(before, "s")
    expect(derive(before.doc, after.doc, after.selection.head)).toEqual([{ type: "replaceText", block: "h", from: 4, to: 4, text: "s" }])
  })
})

describe("blockEdits failures", () => {
  it("refuses a moved block", () => {
    const result = blockEdits(doc(p({ id: "a" }, "A"), p({ id: "b" }, "B")), doc(p({ id: "b" }, "B"), p({ id: "a" }, "A")))
    expect(result).toEqual({ ok: false, reason: "the lab does not record blocks moving" })
  })

  it("refuses text typed inside a list", () => {
    const result = blockEdits(doc(ul({ id: "l" }, li({ id: "i" }, p({ id: "p" }, "item")))), doc(ul({ id: "l" }, li({ id: "i" }, p({ id: "p" }, "items")))))
    expect(result.ok).toBe(false)
  })

  it("refuses a new list, and a block without an id", () => {
    expect(blockEdits(doc(p({ id: "a" }, "A")), doc(p({ id: "a" }, "A"), ul({ id: "l" }, li({ id: "i" }, p({ id: "p" }, "x"))))).ok).toBe(false)
    expect(blockEdits(doc(p({ id: "a" }, "A")), doc(p({ id: "a" }, "A"), p("B"))).ok).toBe(false)
  })
})
