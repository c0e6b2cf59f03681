import "fake-indexeddb/auto"
import { afterEach, describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { Step } from "prosemirror-transform"
import { WorkDiffer, type WorkDelta } from "../../lib/client/work-delta"
import { LocalStore } from "../../lib/client/local-store"
import { SyncClient } from "../../lib/ot"
import { schema } from "../../lib/schema"

const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("hello")])])
let names = 0
const opened: LocalStore[] = []
afterEach(() => opened.splice(0).forEach(store => store.close()))

/** A differ and a LocalStore given its deltas, as the page and the storage worker are. */
async function pair(client: SyncClient) {
  const store = await LocalStore.open({ name: `work-delta-test-${++names}` })
  opened.push(store)
  const differ = new WorkDiffer()
  let serial = 0
  const record = () => ({ docId: "d", clientId: client.clientId, secret: "s", strategy: "ot" as const, version: client.version, unsent: client.unconfirmedCount, savedAt: 1, serial: ++serial })
  return {
    differ,
    store,
    /** Write `client`'s work (with a copy of its confirmed document) and check that the store reads back exactly SyncClient.work(). */
    async write(): Promise<WorkDelta> {
      const delta = differ.delta(client.workView())
      await store.write({ record: record(), work: delta, doc: JSON.stringify(client.confirmedDoc.toJSON()) })
      expect((await store.load("d", client.clientId))!.record.work).toEqual(client.work())
      return delta
    }
  }
}

describe("WorkDiffer", () => {
  it("carries a keystroke typed offline as its own step, and the store ends with exactly the client's work", async () => {
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    const { write } = await pair(client)
    await write()
    for (let i = 0; i < 20; i++) {
      client.apply(client.state.tr.insertText(String.fromCharCode(97 + i), 6 + i))
      const delta = await write()
      expect(delta.steps).toEqual({ keep: i, add: [JSON.stringify(client.workView().pending[i].step.toJSON())] })
      expect(delta.inflight).toBeNull()
    }
  })

  it("follows a batch going out (moving no step), steps typed after it, a remote op rebasing both, and the confirmation", async () => {
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    const { write } = await pair(client)
    client.apply(client.state.tr.insertText(" world", 6))
    await write()
    const batch = client.nextBatch()!
    const sent = await write()
    expect(sent).toMatchObject({ inflight: { batch: JSON.stringify(batch), count: 1 }, steps: { keep: 1, add: [] } })
    client.apply(client.state.tr.insertText("!", 12))
    const typed = await write()
    // The batch in flight is the same: its text is not sent again, nor its origins.
    expect(typed.inflight).toEqual({ count: 1 })
    expect(typed.steps.keep).toBe(1)
    const remote = Step.fromJSON(schema, { stepType: "replace", from: 1, to: 1, slice: { content: [schema.text("Oh, ").toJSON()] } })
    client.receive([{ version: 1, clientId: "other", seq: 1, baseVersion: 0, steps: [remote.toJSON()] }])
    const rebased = await write()
    expect(rebased.steps.keep).toBe(0)
    expect(rebased.inflight?.origins).toBe("[0]")
    // The hub commits the batch as rebased over the remote op.
    const committed = client.workView().inflight!.steps.map(u => u.step.toJSON())
    client.receive([{ version: 2, clientId: "me", seq: batch.seq, baseVersion: 0, steps: committed }])
    const confirmed = await write()
    expect(confirmed.inflight).toBeNull()
    expect(client.state.doc.textContent).toBe("Oh, hello world!")
  })

  it("gives deltas the store refuses when it never saw the ones before, and a whole one after a reset", async () => {
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    const { differ, store } = await pair(client)
    client.apply(client.state.tr.insertText("a", 6))
    differ.delta(client.workView())
    client.apply(client.state.tr.insertText("b", 7))
    const record = { docId: "d", clientId: "me", secret: "s", strategy: "ot" as const, version: 0, unsent: 2, savedAt: 1, serial: 1 }
    // This store never got the first delta (it was lost with a worker that died, say).
    await expect(store.write({ record, work: differ.delta(client.workView()), doc: JSON.stringify(start.toJSON()) })).rejects.toMatchObject({ code: "ERR_LOCAL_STORAGE" })
    differ.reset()
    await store.write({ record, work: differ.delta(client.workView()), doc: JSON.stringify(start.toJSON()) })
    expect((await store.load("d", "me"))!.record.work).toEqual(client.work())
  })
})
