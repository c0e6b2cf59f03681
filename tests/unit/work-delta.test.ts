import { describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { Step } from "prosemirror-transform"
import { WorkDiffer, type WorkDelta } from "../../lib/client/work-delta"
import { WorkAssembly } from "../../lib/client/work-assembly"
import { SyncClient } from "../../lib/ot"
import { schema } from "../../lib/schema"

const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("hello")])])

/** A differ and an assembly fed its deltas, as the page and the storage worker are. */
function pair() {
  const differ = new WorkDiffer()
  const assembly = new WorkAssembly()
  const deltas: WorkDelta[] = []
  return {
    deltas,
    differ,
    assembly,
    /** Write `client`'s work and check that the assembly holds exactly SyncClient.work()'s JSON. */
    write(client: SyncClient) {
      const delta = differ.delta(client.workView())
      deltas.push(delta)
      assembly.apply(delta)
      expect(assembly.text()).toBe(JSON.stringify(client.work()))
      return delta
    }
  }
}

describe("WorkDiffer and WorkAssembly", () => {
  it("carry a keystroke typed offline as its own step, and the assembly ends with exactly the client's work", () => {
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    const { write } = pair()
    write(client)
    for (let i = 0; i < 20; i++) {
      client.apply(client.state.tr.insertText(String.fromCharCode(97 + i), 6 + i))
      const delta = write(client)
      expect(delta.pending).toEqual({ keep: i, add: [JSON.stringify(client.workView().pending[i].step.toJSON())] })
      expect(delta.inflight).toBeNull()
    }
  })

  it("follow a batch going out, steps typed after it, a remote op rebasing both, and the confirmation", () => {
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    const { write } = pair()
    client.apply(client.state.tr.insertText(" world", 6))
    write(client)
    const batch = client.nextBatch()!
    const sent = write(client)
    expect(sent.inflight?.batch).toBe(JSON.stringify(batch))
    client.apply(client.state.tr.insertText("!", 12))
    const typed = write(client)
    // The batch in flight is the same: its text is not sent again, its steps are kept.
    expect(typed.inflight).toEqual({ steps: { keep: 1, add: [] } })
    expect(typed.pending.keep).toBe(0)
    const remote = schema.text("Oh, ")
    client.receive([{ version: 1, clientId: "other", seq: 1, baseVersion: 0, steps: [Step.fromJSON(schema, { stepType: "replace", from: 1, to: 1, slice: { content: [remote.toJSON()] } }).toJSON()] }])
    const rebased = write(client)
    expect(rebased.inflight?.steps.keep).toBe(0)
    // The hub commits the batch as rebased over the remote op.
    const committed = client.workView().inflight!.steps.map(u => u.step.toJSON())
    client.receive([{ version: 2, clientId: "me", seq: batch.seq, baseVersion: 0, steps: committed }])
    const confirmed = write(client)
    expect(confirmed.inflight).toBeNull()
    expect(client.state.doc.textContent).toBe("Oh, hello world!")
  })

  it("refuse a delta that does not follow what the assembly holds, and take a whole one after a reset", () => {
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    const differ = new WorkDiffer()
    client.apply(client.state.tr.insertText("a", 6))
    differ.delta(client.workView())
    client.apply(client.state.tr.insertText("b", 7))
    const assembly = new WorkAssembly()
    // This assembly never saw the first delta (a worker that restarted, say).
    expect(() => assembly.apply(differ.delta(client.workView()))).toThrow(expect.objectContaining({ code: "ERR_LOCAL_STORAGE" }))
    differ.reset()
    assembly.apply(differ.delta(client.workView()))
    expect(assembly.text()).toBe(JSON.stringify(client.work()))
  })
})
