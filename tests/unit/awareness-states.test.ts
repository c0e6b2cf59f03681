import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { Awareness, encodeAwarenessUpdate } from "y-protocols/awareness"
import { awarenessUpdateProblem, caretStateProblem } from "../../lib/strategies/crdt/awareness-states"

const position = { type: null, tname: "prosemirror", item: null, assoc: 0 }

function update(state: Record<string, unknown> | null): Uint8Array {
  const awareness = new Awareness(new Y.Doc())
  awareness.setLocalState(state)
  return encodeAwarenessUpdate(awareness, [awareness.clientID])
}

describe("awareness states", () => {
  it("takes the states a caret is drawn from, and a client leaving", () => {
    for (const state of [null, {}, { user: { name: "Ann", color: "#3366cc" } }, { user: { name: "Ann" }, cursor: null }, { user: { name: "Ann", color: "#3366cc" }, cursor: { anchor: position, head: position } }])
      expect([state, caretStateProblem(state), awarenessUpdateProblem(update(state))]).toEqual([state, null, null])
  })

  it("refuses what y-prosemirror's cursor plugin throws on, and bytes that are no awareness update", () => {
    for (const state of [{ user: "Ann" }, { user: { name: 7 } }, { user: { name: "x".repeat(65) } }, { cursor: "here" }, { cursor: { anchor: null, head: null } }, { cursor: { anchor: position } }, { user: null }]) {
      expect(caretStateProblem(state), JSON.stringify(state)).not.toBeNull()
      expect(awarenessUpdateProblem(update(state)), JSON.stringify(state)).not.toBeNull()
    }
    expect(caretStateProblem([])).not.toBeNull()
    expect(awarenessUpdateProblem(new Uint8Array([1, 2]))).toMatch(/not an awareness update/)
    expect(awarenessUpdateProblem(Uint8Array.from([...update({}), 0]))).toBe("bytes past the last state")
  })
})
