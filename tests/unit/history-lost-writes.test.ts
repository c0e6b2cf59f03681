import { afterEach, describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { EditorState, type Transaction } from "prosemirror-state"
import { renameStep, schema, titleOf } from "../../lib/schema"
import { HistoryModel, fetchedVersion, lostWrites, restoreLostWrite, type HistorySource } from "../../lib/history"
import { blockWrites, type LwwGranularity } from "../../lib/strategies/block-writes"
import type { CommittedOp, StepJSON, StrategyName } from "../../lib/protocol"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage } from "../../server/storage"

const para = (id: string, text: string) => schema.node("paragraph", { id }, text ? [schema.text(text)] : [])
const bold = (id: string, text: string) => schema.node("paragraph", { id }, [schema.text(text, [schema.marks.strong.create()])])
const texts = (doc: Node) => { const all: string[] = []; doc.forEach(block => all.push(block.textContent)); return all }

/** A last-writer-wins document on an in-memory hub, written to the way a client of that strategy writes. */
async function lwwHub(strategy: StrategyName) {
  const storage = new MemoryStorage()
  let hub = new Hub({ storage, now: () => 1_000 })
  const docId = "lww"
  await hub.create({ docId, strategy })
  await hub.documents.open(docId)
  const granularity: LwwGranularity = strategy == "lww" ? "block" : "document"
  const seqs = new Map<string, number>()
  const docAt = async (version: number) => fetchedVersion(await hub.docAt({ docId, version }))
  /** Submit `tr` (made on the document at `baseVersion`) as `clientId` with writer clock `clock`; the committed op. */
  const write = async (clientId: string, clock: number, baseVersion: number, tr: Transaction): Promise<CommittedOp> => {
    const seq = (seqs.get(clientId) ?? 0) + 1
    seqs.set(clientId, seq)
    const blocks = blockWrites(await docAt(baseVersion), tr.doc, granularity)
    const steps = tr.steps.map(step => step.toJSON() as StepJSON)
    const ack = await hub.submit({ docId, clientId, seq, baseVersion, steps, clock, blocks }, { name: clientId, color: "#1971c2" })
    return (await storage.getOps(docId, ack.version - 1, ack.version))[0]
  }
  /** A transaction on the document at `version` that replaces everything with `blocks`. */
  const edit = async (version: number, ...blocks: Node[]) => {
    const state = EditorState.create({ doc: await docAt(version) })
    return state.tr.replaceWith(0, state.doc.content.size, blocks)
  }
  const head = async () => docAt((await storage.getOps(docId, 0)).length)
  /** Stop the hub and start another on the same store, as a restart does. */
  const restart = async () => {
    await hub.close()
    hub = new Hub({ storage, now: () => 1_000 })
  }
  return { storage, write, edit, docAt, head, restart, close: async () => { await hub.close(); await storage.close() } }
}

let h: Awaited<ReturnType<typeof lwwHub>> | null = null
afterEach(async () => {
  await h?.close()
  h = null
})

describe("lost last-writer-wins writes", () => {
  it("lists the discarded write of a block with its content and writes it again as an ordinary, undoable write", async () => {
    h = await lwwHub("lww")
    await h.write("setup", 100, 0, await h.edit(0, para("h", "PM speaks at 5"), para("b", "body")))
    // Delhi's clock is ahead: its write wins although Mumbai's arrives later.
    await h.write("delhi", 900, 1, await h.edit(1, para("h", "PM speaks at 5 in Delhi"), para("b", "body")))
    const op = await h.write("mumbai", 500, 1, await h.edit(1, bold("h", "PM speaks at 5 in Mumbai"), para("b", "body")))
    expect(texts(await h.head())).toEqual(["PM speaks at 5 in Delhi", "body"])

    const [lost, ...more] = lostWrites(op)
    expect(more).toEqual([])
    expect(lost).toMatchObject({ version: op.version, block: "h", text: "'PM speaks at 5 in Mumbai' was discarded: delhi's write of the same block had a later clock" })
    expect(lost.blocks!.map(b => b.toString())).toEqual([`paragraph(strong("PM speaks at 5 in Mumbai"))`])

    // Restored by someone whose clock is past Delhi's: one write of the same block, which wins.
    const state = EditorState.create({ doc: await h.head() })
    const tr = restoreLostWrite(state, lost)!
    expect(tr.doc.firstChild!.eq(lost.blocks![0])).toBe(true)
    const restored = await h.write("carol", 1_000, op.version, tr)
    expect(restored.writes!.map(w => [w.block, w.won])).toEqual([["h", true]])
    expect((await h.head()).eq(tr.doc)).toBe(true)

    // Undone like any edit: the inverse steps, written again with a later clock.
    const undo = EditorState.create({ doc: tr.doc }).tr
    for (let i = tr.steps.length - 1; i >= 0; i--) undo.step(tr.steps[i].invert(tr.docs[i]))
    await h.write("carol", 1_100, restored.version, undo)
    expect(texts(await h.head())).toEqual(["PM speaks at 5 in Delhi", "body"])
  })

  it("a restore stamped with a clock behind the one holding the block is discarded again, and listed", async () => {
    h = await lwwHub("lww")
    await h.write("setup", 100, 0, await h.edit(0, para("h", "headline")))
    await h.write("delhi", 900, 1, await h.edit(1, para("h", "headline A")))
    const op = await h.write("mumbai", 500, 1, await h.edit(1, para("h", "headline B")))
    const tr = restoreLostWrite(EditorState.create({ doc: await h.head() }), lostWrites(op)[0])!
    const again = await h.write("mumbai", 600, op.version, tr)
    expect(lostWrites(again).map(l => l.text)).toEqual(["'headline B' was discarded: delhi's write of the same block had a later clock"])
    expect(texts(await h.head())).toEqual(["headline A"])
  })

  for (const strategy of ["lww", "lww-doc"] as const) {
    it(`${strategy}: renames by the writer's clock like any block, and lists a discarded rename without a restore`, async () => {
      h = await lwwHub(strategy)
      await h.write("setup", 100, 0, await h.edit(0, para("a", "notes")))
      const rename = async (clientId: string, clock: number, base: number, title: string) =>
        h!.write(clientId, clock, base, EditorState.create({ doc: await h!.docAt(base) }).tr.step(renameStep(title)))
      // Delhi's clock is ahead: its rename wins although Mumbai's arrives later.
      const first = await rename("delhi", 900, 1, "Delhi plan")
      expect(first.writes).toMatchObject([{ block: "", won: true, text: "Delhi plan" }])
      const op = await rename("mumbai", 500, 1, "Mumbai plan")
      expect(titleOf(await h.head())).toBe("Delhi plan")
      expect(op.steps).toEqual([])
      expect(lostWrites(op)).toMatchObject([{ block: "", blocks: null, text: "Renaming the document to 'Mumbai plan' was discarded: delhi's rename had a later clock" }])
      const removal = await rename("mumbai", 600, op.version, "")
      expect(lostWrites(removal).map(l => l.text)).toEqual(["Removing the document's title was discarded: delhi's rename had a later clock"])
      // The text beside the title is a register of its own, and the register outlives the hub's copy.
      await h.restart()
      expect((await rename("carol", 800, removal.version, "Carol plan")).writes).toMatchObject([{ won: false }])
      const later = await rename("carol", 1_000, removal.version + 1, "Carol plan")
      expect(later.writes).toMatchObject([{ won: true }])
      expect(titleOf(await h.head())).toBe("Carol plan")
      expect(texts(await h.head())).toEqual(["notes"])
    })
  }

  it("adds a block deleted since back at the end under a new id", async () => {
    h = await lwwHub("lww")
    await h.write("setup", 100, 0, await h.edit(0, para("a", "one"), para("b", "two")))
    await h.write("delhi", 900, 1, await h.edit(1, para("a", "one"), para("b", "two, Delhi")))
    const op = await h.write("mumbai", 500, 1, await h.edit(1, para("a", "one"), para("b", "two, Mumbai")))
    await h.write("delhi", 950, op.version, await h.edit(op.version, para("a", "one")))
    const tr = restoreLostWrite(EditorState.create({ doc: await h.head() }), lostWrites(op)[0])!
    expect(texts(tr.doc)).toEqual(["one", "two, Mumbai"])
    expect(tr.doc.lastChild!.attrs.id).toBeNull()
  })

  it("restores a whole-document write on a document-wide last-writer-wins document", async () => {
    h = await lwwHub("lww-doc")
    await h.write("setup", 100, 0, await h.edit(0, para("a", "x"), para("b", "y")))
    await h.write("delhi", 900, 1, await h.edit(1, para("a", "x, Delhi"), para("b", "y")))
    const op = await h.write("mumbai", 500, 1, await h.edit(1, para("a", "x"), para("b", "y, Mumbai")))
    const [lost] = lostWrites(op)
    expect(lost).toMatchObject({ block: "document", text: "'x y, Mumbai' was discarded: delhi's write of the same block had a later clock" })
    const tr = restoreLostWrite(EditorState.create({ doc: await h.head() }), lost)!
    await h.write("carol", 1_000, op.version, tr)
    expect(texts(await h.head())).toEqual(["x", "y, Mumbai"])
  })

  it("has nothing to restore for a lost deletion or content the document already holds", async () => {
    h = await lwwHub("lww")
    await h.write("setup", 100, 0, await h.edit(0, para("a", "one"), para("b", "two")))
    await h.write("delhi", 900, 1, await h.edit(1, para("a", "one"), para("b", "two!")))
    const op = await h.write("mumbai", 500, 1, await h.edit(1, para("a", "one")))
    expect(lostWrites(op)).toEqual([])
    expect(op.writes!.map(w => [w.block, w.won, w.content])).toEqual([["b", false, undefined]])
    const lost = { key: "x", version: 3, block: "b", text: "", blocks: [para("b", "two!")] }
    expect(restoreLostWrite(EditorState.create({ doc: await h.head() }), lost)).toBeNull()
  })

  it("the history model offers a lost write back once, as a local edit of the viewer's", async () => {
    h = await lwwHub("lww")
    await h.write("setup", 100, 0, await h.edit(0, para("h", "headline"), para("b", "body")))
    await h.write("delhi", 900, 1, await h.edit(1, para("h", "headline A"), para("b", "body")))
    const op = await h.write("mumbai", 500, 1, await h.edit(1, para("h", "headline B"), para("b", "body")))
    const dispatched: Transaction[] = []
    const source: HistorySource = {
      user: { name: "Carol", color: "#2b8a3e" }, clientId: "carol", version: op.version, state: EditorState.create({ doc: await h.head() }), status: "offline",
      subscribe: () => () => {}, onOps: () => () => {}, mapConfirmed: pos => pos, dispatch: tr => void dispatched.push(tr),
      fetchHistory: () => Promise.reject(new Error("not used")), fetchVersion: () => Promise.reject(new Error("not used")), fetchAuthorship: () => Promise.reject(new Error("not used"))
    }
    const model = new HistoryModel(source)
    const [view] = model.lostOf(op)
    expect([view.text, view.restored]).toEqual(["'headline B' was discarded: delhi's write of the same block had a later clock", false])
    expect(model.restoreLost(view)).toBe(true)
    expect(dispatched.map(tr => texts(tr.doc))).toEqual([["headline B", "body"]])
    expect(model.lostOf(op)[0].restored).toBe(true)
    model.close()
  })

  it("the history model says when the hub discarded the viewer's restore again, and whose later clock holds the block", async () => {
    h = await lwwHub("lww")
    await h.write("setup", 100, 0, await h.edit(0, para("h", "headline"), para("b", "body")))
    await h.write("delhi", 900, 1, await h.edit(1, para("h", "headline A"), para("b", "body")))
    const op = await h.write("mumbai", 500, 1, await h.edit(1, para("h", "headline B"), para("b", "body")))
    const outcomes: (string | null)[] = []
    for (const clock of [600, 1_000]) {
      // Mumbai restores its own lost write, first with its clock behind Delhi's, then with one past it.
      const dispatched: Transaction[] = []
      let deliver: (ops: readonly CommittedOp[]) => void = () => {}
      const head = (await h.storage.getOps("lww", 0)).length
      const source: HistorySource = {
        user: { name: "mumbai", color: "#1971c2" }, clientId: "mumbai", version: head, state: EditorState.create({ doc: await h.head() }), status: "offline",
        subscribe: () => () => {}, onOps: listener => { deliver = listener; return () => {} }, mapConfirmed: pos => pos, dispatch: tr => void dispatched.push(tr),
        fetchHistory: () => Promise.reject(new Error("not used")), fetchVersion: () => Promise.reject(new Error("not used")), fetchAuthorship: () => Promise.reject(new Error("not used"))
      }
      const model = new HistoryModel(source)
      model.start()
      const [view] = model.lostOf(op)
      expect(model.restoreLost(view)).toBe(true)
      expect(model.lostOf(op)[0]).toMatchObject({ restored: true, lostAgainTo: null })
      // Someone else's write of the same text to the same block is not the viewer's restore.
      deliver([{ ...op, version: head + 1, clientId: "carol", author: { name: "carol", color: "#2b8a3e" }, writes: [{ ...op.writes![0], text: "headline B" }] }])
      expect(model.lostOf(op)[0].lostAgainTo).toBeNull()
      deliver([await h.write("mumbai", clock, head, dispatched[0])])
      outcomes.push(model.lostOf(op)[0].lostAgainTo)
      model.close()
    }
    expect(outcomes).toEqual(["delhi", null])
    expect(texts(await h.head())).toEqual(["headline B", "body"])
  })
})
