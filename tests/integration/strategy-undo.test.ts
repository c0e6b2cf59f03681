import { describe, expect, it } from "vitest"
import { TextSelection } from "prosemirror-state"
import { history, redo, undo } from "prosemirror-history"
import { wrapInList } from "prosemirror-schema-list"
import type { Command } from "prosemirror-state"
import { schema } from "../../lib/schema"
import { hubStrategies } from "../../lib/protocol"
import { serverSuite } from "../support/server-suite"
import { TestClient, settleAll } from "../support/test-client"

const suite = serverSuite()

describe.each(hubStrategies.filter(s => s != "crdt"))("undo and redo on a %s document", strategy => {
  it("take typing, Enter and a list back and bring them again as typed", async () => {
    const a = new TestClient(suite.server.url, `undo-${strategy}`, "typist")
    a.plugins = [history()]
    await a.join(true, strategy)
    suite.closeAtEnd(a)
    a.edit(s => s.tr.setSelection(TextSelection.create(s.doc, 1)))
    const key = async (build: Parameters<TestClient["edit"]>[0]) => {
      a.edit(build)
      await settleAll([a])
    }
    const command = (cmd: Command) => key(s => { let made = s.tr; expect(cmd(s, tr => { made = tr })).toBe(true); return made })
    for (const ch of "One") await key(s => s.tr.insertText(ch))
    await key(s => s.tr.split(s.selection.from))
    for (const ch of "Two") await key(s => s.tr.insertText(ch))
    await key(s => s.tr.split(s.selection.from))
    await command(wrapInList(schema.nodes.bullet_list))
    for (const ch of "item") await key(s => s.tr.insertText(ch))
    const typed = a.sync!.state.doc
    expect(a.text).toBe("One|Two|item")
    let undos = 0
    while (a.text != "" && undos < 10) { await command(undo); undos++ }
    expect(a.text).toBe("")
    for (let i = 0; i < undos; i++) await command(redo)
    expect(a.text).toBe("One|Two|item")
    expect(a.sync!.state.doc.toString()).toBe(typed.toString())
  })
})
