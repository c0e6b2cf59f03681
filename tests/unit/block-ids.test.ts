import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { EditorState, Plugin, TextSelection } from "prosemirror-state"
import { splitBlock, setBlockType } from "prosemirror-commands"
import { wrapInList } from "prosemirror-schema-list"
import { AddMarkStep, AttrStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import { Fragment, Slice } from "prosemirror-model"
import { appendBlockIds, keepsBlockIds, schema, withFreshIds } from "../../lib/schema"

/** A paragraph with id `id` holding `text`. */
const para = (id: string | null, text: string) => schema.nodes.paragraph.create({ id }, text ? schema.text(text) : null)

function stateOf(...blocks: Node[]): EditorState {
  return EditorState.create({ doc: schema.nodes.doc.create(null, blocks), plugins: [new Plugin({ appendTransaction: appendBlockIds })] })
}

/** The ids of every block that has the id attribute, in document order. */
function ids(doc: Node): (string | null)[] {
  const result: (string | null)[] = []
  doc.descendants(node => {
    if (node.isBlock && node.type.spec.attrs?.id) result.push(node.attrs.id)
    return !node.isTextblock
  })
  return result
}

/** True when every block has an id and no two share one. */
function idsSound(doc: Node): boolean {
  const all = ids(doc)
  return all.every(id => typeof id == "string") && new Set(all).size == all.length
}

describe("block ids", () => {
  it("gives the second half of a split paragraph an id of its own, the first keeping its id", () => {
    let state = stateOf(para("a1", "hello"), para("b2", "world"))
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 3)))
    splitBlock(state, tr => (state = state.apply(tr)))
    expect(state.doc.childCount).toBe(3)
    expect(ids(state.doc).slice(0, 1)).toEqual(["a1"])
    expect(ids(state.doc)[2]).toBe("b2")
    expect(idsSound(state.doc)).toBe(true)
  })

  it("repairs a pasted block that repeats an id, keeping the first", () => {
    let state = stateOf(para("a1", "hello"), para("b2", "world"))
    const end = state.doc.content.size
    state = state.apply(state.tr.replace(end, end, new Slice(Fragment.from(para("a1", "copy")), 0, 0)))
    expect(ids(state.doc)[0]).toBe("a1")
    expect(ids(state.doc)[2]).not.toBe("a1")
    expect(idsSound(state.doc)).toBe(true)
  })

  it("repairs an id set to one another block has", () => {
    let state = stateOf(para("a1", "hello"), para("b2", "world"))
    state = state.apply(state.tr.step(new AttrStep(7, "id", "a1")))
    expect(ids(state.doc)[0]).toBe("a1")
    expect(idsSound(state.doc)).toBe(true)
  })

  it("gives the blocks a list wraps around a paragraph ids", () => {
    let state = stateOf(para("a1", "hello"))
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 2)))
    wrapInList(schema.nodes.bullet_list)(state, tr => (state = state.apply(tr)))
    expect(state.doc.firstChild!.type.name).toBe("bullet_list")
    expect(ids(state.doc)).toContain("a1")
    expect(idsSound(state.doc)).toBe(true)
  })

  it("gives a block whose type changed without its id a fresh one", () => {
    let state = stateOf(para("a1", "hello"), para("b2", "world"))
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 2)))
    setBlockType(schema.nodes.heading, { level: 1 })(state, tr => (state = state.apply(tr)))
    expect(state.doc.firstChild!.type.name).toBe("heading")
    expect(ids(state.doc)[1]).toBe("b2")
    expect(idsSound(state.doc)).toBe(true)
  })

  it("appends nothing to typing, deleting, joining and marking", () => {
    const state = stateOf(para("a1", "hello"), para("b2", "world"))
    const typed = state.tr.insertText("xy", 3)
    const deleted = state.tr.delete(2, 4)
    const joined = state.tr.delete(6, 8)
    const marked = state.tr.addMark(1, 4, schema.marks.strong.create())
    for (const tr of [typed, deleted, joined, marked]) {
      expect(appendBlockIds([tr], state, state.apply(tr))).toBeNull()
      expect(idsSound(tr.doc)).toBe(true)
    }
    expect(joined.doc.childCount).toBe(1)
    expect(ids(joined.doc)).toEqual(["a1"])
  })

  it("tells steps that cannot break the ids from those that can", () => {
    const doc = schema.nodes.doc.create(null, [para("a1", "hello"), para("b2", "world")])
    const inline = new Slice(Fragment.from(schema.text("x")), 0, 0)
    const split = new Slice(Fragment.from([para(null, ""), para(null, "")]), 1, 1)
    const keeps: Step[] = [
      new ReplaceStep(3, 3, inline), new ReplaceStep(2, 4, Slice.empty), new ReplaceStep(6, 8, Slice.empty),
      new AddMarkStep(1, 4, schema.marks.em.create()), new AttrStep(0, "vv", { c: 1 })
    ]
    const breaks: Step[] = [
      new ReplaceStep(3, 3, split), new ReplaceStep(7, 7, new Slice(Fragment.from(para("a1", "copy")), 0, 0)),
      new AttrStep(7, "id", "a1"),
      new ReplaceAroundStep(0, doc.content.size, 0, doc.content.size, new Slice(Fragment.from(schema.nodes.blockquote.create()), 0, 0), 1, true)
    ]
    expect(keeps.map(keepsBlockIds)).toEqual(keeps.map(() => true))
    expect(breaks.map(keepsBlockIds)).toEqual(breaks.map(() => false))
  })
})

describe("pasted blocks", () => {
  it("arrive with ids: fresh ones for blocks without one or with one already taken, their own otherwise, nested blocks too", () => {
    const pasted = Fragment.from([
      para(null, "no id"),
      para("a1", "a copy of a block in the document"),
      para("z9", "a block cut from the document"),
      schema.nodes.bullet_list.create(null, schema.nodes.list_item.create(null, para(null, "in a list")))
    ])
    const taken = new Set(["a1"])
    const result = withFreshIds(pasted, taken)
    const resultIds = ids(schema.nodes.doc.create(null, result))
    expect(resultIds[2]).toBe("z9")
    expect(resultIds).not.toContain("a1")
    expect(resultIds.every(id => typeof id == "string")).toBe(true)
    expect(new Set(resultIds).size).toBe(resultIds.length)
    // Nothing for the block-id plugin to repair: no step after a paste of them.
    const state = stateOf(para("a1", "hello"))
    const tr = state.tr.insert(state.doc.content.size, result)
    expect(appendBlockIds([tr], state, state.apply(tr))).toBeNull()
  })
})
