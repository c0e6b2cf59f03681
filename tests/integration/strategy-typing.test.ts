import { describe, expect, it } from "vitest"
import { TextSelection } from "prosemirror-state"
import { hubStrategies } from "../../lib/protocol"
import { serverSuite } from "../support/server-suite"
import { TestClient, settleAll } from "../support/test-client"

// Plain typing, a key at a time as a person types, on a document of each step-based strategy: the
// document is what was typed and the caret where the person left it, whatever form the hub commits.

const suite = serverSuite()

describe.each(hubStrategies.filter(s => s != "crdt"))("typing on a %s document", strategy => {
  it("keeps every key in order and the caret after the last one, across Enter", async () => {
    const a = suite.closeAtEnd(await TestClient.open(suite.server.url, `typing-${strategy}`, "typist", true, strategy))
    a.edit(s => s.tr.setSelection(TextSelection.create(s.doc, 1)))
    const key = async (build: Parameters<TestClient["edit"]>[0]) => {
      a.edit(build)
      await settleAll([a])
    }
    for (const ch of "Hello there") await key(s => s.tr.insertText(ch))
    await key(s => s.tr.split(s.selection.from))
    expect(a.sync!.state.selection.$from.parent.textContent).toBe("")
    for (const ch of "Two") await key(s => s.tr.insertText(ch))
    expect(a.text).toBe("Hello there|Two")
    expect(a.sync!.state.selection.from).toBe(a.sync!.state.doc.content.size - 1)
    const late = suite.closeAtEnd(await TestClient.open(suite.server.url, `typing-${strategy}`, "reader"))
    expect(late.text).toBe("Hello there|Two")
  })
})
