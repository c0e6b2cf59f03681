import { describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { history, undo } from "prosemirror-history"
import type { Node } from "prosemirror-model"
import { SyncClient } from "../../lib/ot"
import { CollabHarness } from "../support/collab-harness"
import { b } from "../support/builders"

const { doc, p } = b

function text(node: Node) {
  return node.textBetween(0, node.content.size, "|")
}

function runUndo(h: CollabHarness, k: number) {
  h.edit(k, s => {
    let tr = null
    undo(s, t => (tr = t))
    return tr
  })
}

describe("SyncClient with undo history", () => {
  it("undoes a whole event of several steps after rebasing it over a remote op", () => {
    // Two adjacent insertions in one transaction: prosemirror-history merges them into one item
    // unless told to keep items apart, and its rebase then pairs that item with the wrong step.
    const h = new CollabHarness(doc(p("hello")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("a", 6).insertText("b", 7))
    h.edit(1, s => s.tr.insertText("X", 1))
    h.deliverToHub(1)
    h.deliverToHub(0)
    h.deliverToClient(0)
    expect(text(h.clients[0].doc)).toBe("Xhelloab")
    runUndo(h, 0)
    expect(text(h.clients[0].doc)).toBe("Xhello")
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("Xhello")
  })

  it("adds its plugin to the state it is given, once", () => {
    const state = EditorState.create({ doc: doc(p("x")), plugins: [history()] })
    const client = new SyncClient({ clientId: "a", version: 0, state })
    expect(client.state.plugins).toHaveLength(2)
    const again = new SyncClient({ clientId: "b", version: 0, state: client.state })
    expect(again.state).toBe(client.state)
  })
})
