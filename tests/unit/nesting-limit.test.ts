import { afterEach, describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import type { EditorState } from "prosemirror-state"
import { findWrapping, Transform } from "prosemirror-transform"
import { schema, stepPlaceProblem } from "../../lib/schema"
import { limits } from "../../lib/protocol"
import { transformBatch } from "../../lib/ot"
import { CollabHarness } from "../support/collab-harness"
import { b } from "../support/builders"
import { ada, bob, historyHub, type HistoryHub } from "./history-hub"

const { doc, p } = b

/** A paragraph of `text` inside `quotes` blockquotes, and the position of its start. */
function quoted(quotes: number, text = "hello"): { doc: Node; start: number } {
  let node: Node = p(text)
  for (let i = 0; i < quotes; i++) node = schema.node("blockquote", null, [node])
  return { doc: doc(node), start: quotes + 1 }
}

/** Wrap the block around `pos` of `tr`'s document in one more blockquote. */
function wrapAt<T extends Transform>(tr: T, pos: number): T {
  const range = tr.doc.resolve(pos).blockRange()!
  return tr.wrap(range, findWrapping(range, schema.nodes.blockquote)!) as T
}

const wrap = (pos: number) => (state: EditorState) => wrapAt(state.tr, pos)
const tooDeep = `The document's nodes would nest deeper than ${limits.maxNodeDepth}`
// Quotes one short of the limit: doc > quote^n > paragraph > text nests n + 2 deep.
const mostQuotes = limits.maxNodeDepth - 2

let h: HistoryHub | null = null
afterEach(async () => {
  await h?.close()
  h = null
})

describe("a step that concurrent changes moved deeper than the nesting limit", () => {
  it("is dropped from its batch with the reason, and the rest of the batch is committed", () => {
    const { doc: start, start: at } = quoted(mostQuotes - 1)
    const theirs = wrapAt(new Transform(start), 1)
    const mine = wrapAt(new Transform(start).insert(at + 1, schema.text("x")), at + 1)
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps, { check: stepPlaceProblem })
    expect(result.dropped.map(d => [d.index, d.reason])).toEqual([[1, tooDeep]])
    expect(result.steps.length).toBe(1)
    expect(result.doc.textContent).toBe("hxello")
  })

  it("is dropped by the hub, which commits the rest of the batch, and refused in a batch written on the head", async () => {
    const { doc: start, start: at } = quoted(mostQuotes - 1)
    h = await historyHub(start)
    await h.submit(bob, 1, tr => wrapAt(tr, 1))
    const op = await h.submit(ada, 1, tr => wrapAt(tr.insertText("x", at + 1), at + 1))
    expect(op.dropped?.map(d => [d.index, d.reason])).toEqual([[1, tooDeep]])
    expect((await h.docAt(3)).textContent).toBe("hxello")
    await expect(h.submit(ada, 3, tr => wrapAt(tr, at + 2))).rejects.toMatchObject({ code: "ERR_SCHEMA_VIOLATION" })
  })

  it("in flight: the hub drops it, and everyone ends with the other wrap and the typing", () => {
    const { doc: start, start: at } = quoted(mostQuotes - 1)
    const h = new CollabHarness(start, 2, { history: true })
    h.edit(0, state => wrapAt(state.tr.insertText("x", at + 1), at + 1))
    h.edit(1, wrap(1))
    h.deliverToHub(1)
    h.settle()
    h.assertConverged()
    expect(h.hub.dropped.map(d => d.reason)).toEqual([tooDeep])
    expect(h.hub.doc.textContent).toBe("hxello")
  })

  it("not sent yet: the tab drops it as it rebases, reports it, and never sends it", () => {
    const { doc: start, start: at } = quoted(mostQuotes - 1)
    const h = new CollabHarness(start, 2, { history: true })
    h.edit(0, state => state.tr.insertText("x", at + 1))
    h.edit(0, wrap(at + 1))
    h.edit(1, wrap(1))
    h.deliverToHub(1)
    const client = h.clients[0]
    const result = client.sync.receive(client.fromHub.splice(0))
    expect(result.dropped.length).toBe(1)
    h.settle()
    h.assertConverged()
    expect(h.hub.dropped).toEqual([])
    expect(h.hub.doc.textContent).toBe("hxello")
  })
})

describe("a local edit past the nesting limit", () => {
  it("is not made, and the edits within the limit are", () => {
    const { doc: start, start: at } = quoted(mostQuotes)
    const h = new CollabHarness(start, 1, { history: true })
    h.edit(0, wrap(at + 1))
    expect(h.clients[0].doc.eq(start)).toBe(true)
    expect(h.clients[0].sync.idle).toBe(true)
    h.edit(0, state => state.tr.insertText("x", at + 1))
    h.edit(0, state => state.tr.lift(state.doc.resolve(at + 1).blockRange()!, mostQuotes - 1))
    h.edit(0, wrap(at))
    h.settle()
    h.assertConverged()
    expect(h.hub.dropped).toEqual([])
    expect(h.hub.doc.eq(quoted(mostQuotes, "hxello").doc)).toBe(true)
  })
})
