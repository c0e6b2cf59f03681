import { describe, expect, it } from "vitest"
import { EditorState, Plugin, PluginKey } from "prosemirror-state"
import { closeHistory } from "prosemirror-history"
import { copyMeta } from "../../../lib/ot/internals/transaction-meta"
import { b } from "../../support/builders"

const { doc, p } = b

// lib/ot/internals/transaction-meta.ts relies on prosemirror-state's private Transaction.meta.
describe("Transaction.meta, private to prosemirror-state", () => {
  it("holds every metadata property, by name, plugin keys' included", () => {
    const key = new PluginKey("guard")
    const plugin = new Plugin({})
    const state = EditorState.create({ doc: doc(p("hello")), plugins: [plugin] })
    const from = closeHistory(state.tr.setMeta("uiEvent", "cut").setMeta(key, { a: 1 }).setMeta(plugin, 2))
    const to = state.tr
    copyMeta(from, to)
    expect([to.getMeta("uiEvent"), to.getMeta(key), to.getMeta(plugin)]).toEqual(["cut", { a: 1 }, 2])
    // prosemirror-history's closeHistory, whose key is its own: the new transaction starts an undo event too.
    expect(Object.keys((to as unknown as { meta: object }).meta)).toEqual(Object.keys((from as unknown as { meta: object }).meta))
    expect(Object.keys((from as unknown as { meta: object }).meta).some(name => name.startsWith("closeHistory"))).toBe(true)
  })
})
