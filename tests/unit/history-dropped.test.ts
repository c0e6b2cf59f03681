import { afterEach, describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { Step } from "prosemirror-transform"
import { wrapInList } from "prosemirror-schema-list"
import { schema } from "../../lib/schema"
import { blameDropped, describeDropped, droppedContents, explainMerge, groupTimeline, restoreDropped } from "../../lib/history"
import type { CommittedOp, StepJSON } from "../../lib/protocol"
import { b, tags } from "../support/builders"
import { ada, bob, carol, historyHub, type HistoryHub } from "./history-hub"

const { doc, p, ul, li, strong } = b

let h: HistoryHub | null = null
afterEach(async () => {
  await h?.close()
  h = null
})

/** The dropped items of `op` with their explanation, as the panel shows them. */
async function explainDropped(hub: HistoryHub, op: CommittedOp) {
  const base = await hub.docAt(op.baseVersion)
  const concurrent = (await hub.ops()).slice(op.baseVersion, op.version - 1)
  return droppedContents(op, base).map(item => ({ item, text: describeDropped(item, blameDropped(item, concurrent, base)) }))
}

describe("dropped changes", () => {
  it("shows formatting lost in a deleted paragraph, names who deleted it, and restores the text", async () => {
    const start = doc(p("keep"), p("<a>some <b>word<c> here<d>"), p("tail"))
    h = await historyHub(start)
    const { a, b: from, c: to, d } = tags(start)
    await h.submit(carol, 1, tr => tr.insertText("!", 5))
    await h.submit(bob, 2, tr => tr.delete(a, d + 2))
    const op = await h.submit(ada, 1, tr => tr.addMark(from, to, schema.marks.strong.create()))
    expect(op.dropped).toHaveLength(1)
    const [{ item, text }] = await explainDropped(h, op)
    expect(text).toBe("bold on 'word' could not be applied: Bob deleted the paragraph it was in")
    expect(item.blocks?.toString()).toBe(`<paragraph(strong("word"))>`)

    let pos = item.from
    for (const later of (await h.ops()).slice(op.baseVersion)) for (const json of later.steps) pos = Step.fromJSON(schema, json).getMap().map(pos, -1)
    const tr = restoreDropped(EditorState.create({ doc: await h.docAt(op.version) }), item.blocks!, pos)
    expect(tr.doc.textBetween(0, tr.doc.content.size, "|")).toBe("keep!|word|tail")
    expect(tr.doc.child(1).child(0).marks.map(m => m.type.name)).toEqual(["strong"])
  })

  it("names the list when the list around the change was deleted", async () => {
    const start = doc(p("intro"), ul(li(p("<a>one <b>two<c>")), li(p("three"))), p("end"))
    h = await historyHub(start)
    const list = start.child(1)
    const listStart = start.child(0).nodeSize
    await h.submit(bob, 1, tr => tr.delete(listStart, listStart + list.nodeSize))
    const op = await h.submit(ada, 1, tr => tr.addMark(tags(start).b, tags(start).c, schema.marks.em.create()))
    const [{ text }] = await explainDropped(h, op)
    expect(text).toBe("italics on 'two' could not be applied: Bob deleted the list it was in")
  })

  it("words a wrapping that could not be applied, which has nothing to restore, and names the paragraph deleted around it", async () => {
    const start = doc(p("one"), p("<a>two"), p("three"))
    h = await historyHub(start)
    const at = tags(start).a
    const second = start.child(1)
    await h.submit(bob, 1, tr => tr.delete(at - 1, at - 1 + second.nodeSize))
    const listed = await h.submit(ada, 1, tr => {
      const range = tr.doc.resolve(at).blockRange()!
      tr.wrap(range, [{ type: schema.nodes.bullet_list }, { type: schema.nodes.list_item }])
    })
    const items = await explainDropped(h, listed)
    expect(items.map(i => i.text)).toEqual(["making 'two' a list could not be applied: Bob deleted the paragraph it was in"])
    expect(items[0].item.blocks).toBeNull()
  })

  it("neither counts nor shows a dropped block id, nor an op that only gives blocks ids", () => {
    const idStep = { stepType: "attr", pos: 0, attr: "id", value: "b9" } as StepJSON
    const typed = { stepType: "replace", from: 3, to: 3, slice: { content: [{ type: "text", text: "x" }] } } as StepJSON
    const author = { name: "Ada", color: ada.color }
    const before: CommittedOp = { version: 1, clientId: "bob", seq: 1, baseVersion: 0, steps: [typed], author: { name: "Bob", color: bob.color }, time: 0 }
    const op: CommittedOp = {
      version: 2, clientId: "ada", seq: 1, baseVersion: 0, steps: [], author, time: 0, original: [typed, idStep, idStep],
      dropped: [{ index: 0, step: typed, text: "x", reason: "does not fit" }, { index: 1, step: idStep, text: "", reason: "no node" }, { index: 2, step: idStep, text: "", reason: "no node" }]
    }
    expect(explainMerge(op, v => (v == 1 ? before : undefined))!.text).toMatch(/1 change could not be applied$/)
    const ids: CommittedOp = { version: 3, clientId: "carol", seq: 1, baseVersion: 1, steps: [idStep], author: { name: "Carol", color: carol.color }, time: 0 }
    const entries = groupTimeline([before, op, ids])
    expect(entries.map(e => [e.first, e.summary, e.dropped])).toEqual([[2, "could not apply 1 change", 1], [1, "changed the document", 0]])
  })

  it("joins adjacent dropped keystrokes into one piece of text", () => {
    const steps = [..."xyz"].map((text, i) => ({ stepType: "replace", from: 3 + i, to: 3 + i, slice: { content: [{ type: "text", text }] } }))
    const op: CommittedOp = {
      version: 5, clientId: "ada", seq: 1, baseVersion: 3, steps: [], author: { name: "Ada", color: ada.color }, time: 0,
      original: steps as StepJSON[],
      dropped: steps.map((step, index) => ({ index, step: step as StepJSON, text: step.slice.content[0].text, reason: "does not fit" }))
    }
    const items = droppedContents(op, null)
    expect(items.map(i => [i.label, i.indices, i.from])).toEqual([["'xyz'", [0, 1, 2], 3]])
    expect(describeDropped(items[0], { author: null, container: null, concurrentAuthors: [] })).toBe("'xyz' could not be applied: does not fit")
    expect(describeDropped(items[0], { author: null, container: null, concurrentAuthors: [bob, carol] })).toBe("'xyz' could not be applied: it clashed with changes by Bob and Carol")
  })

  it("puts restored blocks after the textblock around the position, inside a list item when it can", () => {
    const start = doc(ul(li(p("one<a>")), li(p("two"))), p("end"))
    const state = EditorState.create({ doc: start })
    const blocks = doc(p(strong("back"))).content
    const tr = restoreDropped(state, blocks, tags(start).a)
    expect(tr.doc.eq(doc(ul(li(p("one"), p(strong("back"))), li(p("two"))), p("end")))).toBe(true)
    expect(tr.selection.from).toBe(tags(start).a + 2 + 4)
  })
})
