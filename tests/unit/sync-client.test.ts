import { describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { history, redo, undo, undoDepth } from "prosemirror-history"
import type { Transaction } from "prosemirror-state"
import { setBlockType } from "prosemirror-commands"
import { wrapInList } from "prosemirror-schema-list"
import type { Node } from "prosemirror-model"
import { Transform } from "prosemirror-transform"
import { SyncClient, type LocalDrop } from "../../lib/ot"
import { schema } from "../../lib/schema"
import { limits } from "../../lib/protocol"
import { CollabHarness } from "../support/collab-harness"
import { b } from "../support/builders"

const { doc, p, h1 } = b

function text(node: Node) {
  return node.textBetween(0, node.content.size, "|")
}

/** A client of `options` that took back `work`, as a reloaded page does. */
function restoreClient(options: ConstructorParameters<typeof SyncClient>[0], work: ReturnType<SyncClient["work"]>): SyncClient {
  const client = new SyncClient({ ...options })
  client.resumeWork(work)
  return client
}

/** Undo client k's last edit and settle: the hub's text after it. */
function undone(h: CollabHarness, k = 0): string {
  h.undo(k)
  h.settle()
  h.assertConverged()
  return text(h.hub.doc)
}

/** Client k types `char` at `pos`, and the hub commits it; with `back`, client k receives it too. */
function typed(h: CollabHarness, k: number, char: string, pos: number, back = true): void {
  h.edit(k, s => s.tr.insertText(char, pos))
  h.deliverToHub(k)
  if (back) h.deliverToClient(k)
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
    h.undo(0)
    expect(text(h.clients[0].doc)).toBe("Xhello")
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("Xhello")
  })

  it("keeps undo working after the hub split a step of its batch in flight between two it kept", () => {
    // Typing, a deletion and another deletion, sent as one batch; meanwhile someone types twice inside
    // the first deletion's range, so the hub commits it as three pieces between the batch's other two
    // steps. Undo history pairs those two with their committed steps; the pieces' maps must not be lost.
    const h = new CollabHarness(doc(p("0123456789abcdefghij")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("X", 21).delete(4, 16).delete(2, 3))
    h.edit(1, s => s.tr.insertText("A", 6))
    h.deliverToHub(1)
    h.deliverToClient(1)
    h.edit(1, s => s.tr.insertText("B", 12))
    h.deliverToHub(1)
    h.deliverToHub(0)
    expect(h.hub.ops[2].origins).toEqual([0, 1, 1, 1, 2])
    h.settle()
    expect(text(h.hub.doc)).toBe("02ABfghijX")
    // The batch is one undo event, the split deletion one item of it (before, the batch was left out of
    // undo history, and earlier still undo threw RangeError: a position out of range).
    expect(undoDepth(h.clients[0].sync.state)).toBe(1)
    h.edit(0, s => s.tr.insertText("Y", 1))
    h.undo(0)
    h.undo(0)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("01234A56789Babcdefghij")
  })

  it("adds its plugin to the state it is given, once", () => {
    const state = EditorState.create({ doc: doc(p("x")), plugins: [history()] })
    const client = new SyncClient({ clientId: "a", version: 0, state })
    expect(client.state.plugins).toHaveLength(2)
    const again = new SyncClient({ clientId: "b", version: 0, state: client.state })
    expect(again.state).toBe(client.state)
  })
})

describe("SyncClient keeping others' typing inside its own deletions", () => {
  // Client 0 deletes offline; client 1 types a key at each of `at` meanwhile, each committed.
  function offlineDeletion(from: number, to: number, at: number[]): CollabHarness {
    const h = new CollabHarness(doc(p("first"), p("hello world foo")), 2, { history: true })
    h.disconnect(0)
    h.edit(0, s => s.tr.delete(from, to))
    at.forEach((pos, i) => typed(h, 1, "XY"[i], pos))
    expect(text(h.clients[1].doc)).toBe(at.length == 2 ? "first|hello wXorld fYoo" : "first|hello wXorld foo")
    h.settle()
    h.assertConverged()
    return h
  }

  it("keeps typing at two places inside a deletion made offline, which undo takes back as one", () => {
    const h = offlineDeletion(9, 23, [15, 22])
    expect(text(h.hub.doc)).toBe("first|hXY")
    expect(undoDepth(h.clients[0].sync.state)).toBe(1)
    expect(undone(h)).toBe("first|hello wXorld fYoo")
  })

  it("keeps typing inside a deletion across paragraphs made offline, which undo takes back", () => {
    const h = offlineDeletion(4, 23, [15])
    expect(text(h.hub.doc)).toBe("firX")
    expect(undone(h)).toBe("first|hello wXorld foo")
  })

  it("undoes a deletion in flight that the hub split around typing at two places, the typing kept", () => {
    const h = new CollabHarness(doc(p("hello world foo")), 2, { history: true })
    h.edit(0, s => s.tr.delete(1, 16))
    typed(h, 1, "X", 8)
    typed(h, 1, "Y", 15, false)
    h.deliverToHub(0)
    expect(h.hub.ops[2].origins).toEqual([0, 0, 0])
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("XY")
    expect(undoDepth(h.clients[0].sync.state)).toBe(1)
    expect(undone(h)).toBe("hello wXorld fYoo")
  })
})

describe("SyncClient undoing a deletion split around others' typing", () => {
  // Client 0 deletes "hello world foo" offline; client 1 types X and Y inside it; settled: "XY".
  function splitDeletion(): CollabHarness {
    const h = new CollabHarness(doc(p("hello world foo")), 2, { history: true })
    h.disconnect(0)
    h.edit(0, s => s.tr.delete(1, 16))
    typed(h, 1, "X", 8)
    typed(h, 1, "Y", 15)
    h.settle()
    expect(text(h.hub.doc)).toBe("XY")
    return h
  }
  const redone = (h: CollabHarness) => {
    h.edit(0, s => { let tr: Transaction | null = null; redo(s, t => (tr = t)); return tr })
    h.settle()
    h.assertConverged()
    return text(h.hub.doc)
  }

  it("puts the deleted pieces back where they were and leaves the typing between them as it is then", () => {
    let h = splitDeletion()
    h.edit(1, s => s.tr.insertText("Z", 2))
    h.settle()
    expect(undone(h)).toBe("hello wXZorld fYoo")
    h = splitDeletion()
    h.edit(1, s => s.tr.delete(1, 2))
    h.settle()
    expect(undone(h)).toBe("hello world fYoo")
    h = splitDeletion()
    h.edit(1, s => s.tr.addMark(1, 3, schema.marks.strong.create()))
    h.settle()
    undone(h)
    expect(h.hub.doc.eq(doc(p("hello w", b.strong("X"), "orld f", b.strong("Y"), "oo")))).toBe(true)
  })

  it("keeps typing made while the undo or the redo travels where it was typed", () => {
    let h = splitDeletion()
    h.undo(0)
    h.edit(1, s => s.tr.insertText("Z", 2))
    h.deliverToHub(1)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("hello wXZorld fYoo")
    h = splitDeletion()
    expect(undone(h)).toBe("hello wXorld fYoo")
    h.edit(1, s => s.tr.delete(8, 9))
    h.settle()
    expect(redone(h)).toBe("Y")
    h.edit(1, s => s.tr.insertText("W", 1))
    h.edit(0, s => { let tr: Transaction | null = null; undo(s, t => (tr = t)); return tr })
    h.deliverToHub(1)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("hello world fWYoo")
  })

  it("undoes deletions split over typing that arrived while they were rebased without repeating any of it", () => {
    const h = new CollabHarness(doc(p("alpha beta gamma"), p("delta epsilon"), p("zeta eta theta")), 2, { history: true })
    h.edit(1, s => s.tr.insertText("1", 28))
    h.deliverToHub(1)
    h.edit(1, s => s.tr.insertText("23", 3))
    h.edit(1, s => s.tr.insertText("X", 13))
    h.edit(0, s => s.tr.delete(4, 28))
    h.deliverToClient(1, 1)
    h.edit(0, s => s.tr.delete(2, 20))
    h.deliverToHub(1, 1)
    h.deliverToClient(0)
    h.edit(1, s => s.tr.insertText("45", 9))
    h.edit(1, s => s.tr.insertText("6", 20))
    h.deliverToClient(1)
    h.deliverToHub(1)
    h.undo(0)
    h.settle()
    h.assertConverged()
    const merged = text(h.hub.doc)
    expect(merged.replace(/[0-9X]/g, "")).toBe("alpha beta gamma|delta epsilon|zeta eta theta")
    for (const typed of ["1", "23", "X", "45", "6"]) expect(merged.split(typed)).toHaveLength(2)
  })
})

describe("SyncClient rebasing runs of typing", () => {
  // Keystrokes typed one transaction each: the first goes in flight, the rest wait as a run.
  function typeKeys(h: CollabHarness, k: number, keys: string, pos: number, marks = false): void {
    for (const [i, key] of [...keys].entries())
      h.edit(k, s => s.tr.replaceWith(pos + i, pos + i, schema.text(key, marks ? [schema.marks.strong.create()] : null)))
  }

  it("moves a run over a remote insertion before it, each keystroke still its own undoable step", () => {
    const h = new CollabHarness(doc(p("hello")), 2, { history: true })
    typeKeys(h, 0, "abcd", 6)
    h.edit(1, s => s.tr.insertText("X", 1))
    h.deliverToHub(1)
    h.deliverToClient(0)
    expect(text(h.clients[0].doc)).toBe("Xhelloabcd")
    expect(h.clients[0].sync.unconfirmedCount).toBe(4)
    h.undo(0)
    expect(text(h.clients[0].doc)).toBe("Xhello")
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("Xhello")
  })

  it("keeps a run whose place was deleted together at the deletion's point, as the hub does", () => {
    const h = new CollabHarness(doc(p("hello"), p("world")), 2, { history: true })
    typeKeys(h, 0, "abcd", 3)
    h.edit(1, s => s.tr.delete(2, 10))
    h.deliverToHub(1)
    h.deliverToClient(0)
    expect(text(h.clients[0].doc)).toBe("habcdrld")
    h.settle()
    h.assertConverged()
    h.undo(0)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("hrld")
  })

  it("maps a run step by step when it does not land whole: bold typing in a paragraph made a code block", () => {
    const h = new CollabHarness(doc(p("hello"), p("x")), 2, { history: true })
    typeKeys(h, 0, "abcd", 6, true)
    h.edit(1, s => s.tr.setBlockType(1, 1, schema.nodes.code_block))
    h.deliverToHub(1)
    h.deliverToClient(0)
    h.settle()
    h.assertConverged()
    expect(h.hub.doc.eq(h.clients[0].doc)).toBe(true)
  })
})

describe("SyncClient dropping local steps", () => {
  it("reports a step it never sent that no longer applies after a remote op", () => {
    const h = new CollabHarness(doc(p("item")), 2)
    const drops: LocalDrop[] = []
    const sync = h.clients[0].sync
    const receive = sync.receive.bind(sync)
    sync.receive = ops => {
      const result = receive(ops)
      drops.push(...result.dropped)
      return result
    }
    h.edit(0, s => s.tr.insertText("!", 5))
    h.edit(0, s => { let tr = null; wrapInList(schema.nodes.bullet_list)(s, t => (tr = t)); return tr })
    h.edit(1, s => { let tr = null; setBlockType(schema.nodes.heading, { level: 1 })(s, t => (tr = t)); return tr })
    h.deliverToHub(1)
    h.deliverToClient(0)
    // The wrap was pending behind the batch in flight: a list item cannot start with a heading, so it is gone.
    expect(drops.map(d => d.step.stepType)).toEqual(["replaceAround"])
    expect(drops[0].text).toBe("")
    h.settle()
    h.assertConverged()
    expect(h.hub.doc.eq(doc(h1("item!")))).toBe(true)
    expect(h.hub.dropped).toEqual([])
  })
})

describe("SyncClient knowing the hub would refuse its batch", () => {
  it("says so once the ops received since its base hold more steps than the hub transforms past, and requeues it onto the new version", () => {
    const start = doc(p("ab"))
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    client.apply(client.state.tr.insertText("X", 2))
    const batch = client.nextBatch()!
    const remote = (version: number, count: number) => ({
      version, clientId: "other", seq: version, baseVersion: version - 1, author: { name: "o", color: "#000000" }, time: 0,
      steps: Array.from({ length: count }, () => new Transform(start).insert(1, schema.text("y")).steps[0].toJSON())
    })
    // Before receiving them it can tell whether the batch still fits, to send it first.
    expect(client.inflightFitsAfter([remote(1, limits.maxConcurrentSteps)])).toBe(true)
    expect(client.inflightFitsAfter([remote(1, limits.maxConcurrentSteps), remote(2, 1)])).toBe(false)
    expect(client.inflightFitsAfter([remote(2, 1)])).toBe(false)
    expect(client.inflightFitsAfter([{ ...remote(1, 1), clientId: "me", seq: batch.seq }])).toBe(false)
    client.receive([remote(1, limits.maxConcurrentSteps)])
    expect(client.inflightTooOld).toBe(false)
    client.receive([remote(2, 1)])
    expect(client.inflightTooOld).toBe(true)
    client.requeue()
    const again = client.nextBatch()!
    expect(again).toMatchObject({ seq: batch.seq, baseVersion: 2 })
    expect(client.inflightTooOld).toBe(false)
    expect(text(client.state.doc)).toBe("y".repeat(limits.maxConcurrentSteps + 1) + "aXb")
  })
})

describe("SyncClient confirming its own batch in another form", () => {
  it("keeps unsent typing in place when the hub's steps make the same document", () => {
    const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("ab")])])
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    client.apply(client.state.tr.insertText("X", 2))
    const batch = client.nextBatch()!
    client.apply(client.state.tr.insertText("Y", 3))
    // The hub rewrote the paragraph as one replace (as a last-writer-wins hub does): same result, other form.
    const hubStep = new Transform(start).replaceWith(1, 3, schema.text("aXb")).steps[0]
    const result = client.receive([{ version: 1, clientId: "me", seq: batch.seq, baseVersion: 0, steps: [hubStep.toJSON()] }])
    expect(result.gap).toBe(false)
    expect(client.state.doc.textContent).toBe("aXYb")
    expect(client.version).toBe(1)
    expect(client.nextBatch()!.steps).toHaveLength(1)
  })
})

describe("SyncClient taking the hub's next seq from a join", () => {
  it("keeps its batch's seq when the join was answered before the op that confirmed the one before", () => {
    // Joins overlap after a reconnect: one answered while seq 1 was uncommitted (next seq 1) is read after
    // the op that committed seq 1 arrived and seq 2 went out. Renumbering seq 2 to 1 made the hub refuse
    // it for good (ERR_SEQ_REUSED: seq 1 was committed with other steps).
    const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("ab")])])
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    client.apply(client.state.tr.insertText("X", 2))
    const first = client.nextBatch()!
    client.apply(client.state.tr.insertText("Y", 3))
    client.receive([{ version: 1, clientId: "me", seq: first.seq, baseVersion: 0, steps: first.steps }])
    const second = client.nextBatch()!
    expect(second.seq).toBe(2)
    client.resume(1)
    expect(client.inflightBatch!.seq).toBe(2)
    // A join that says the client is further on still renumbers the batch the hub has not committed.
    client.resume(5)
    expect(client.inflightBatch!.seq).toBe(2)
    client.resume(2)
    expect(client.inflightBatch!.seq).toBe(2)
  })

  it("renumbers a batch in flight down to the hub's next seq when the hub refused the ones before", () => {
    const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("ab")])])
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }), nextSeq: 7 })
    client.apply(client.state.tr.insertText("X", 2))
    expect(client.nextBatch()!.seq).toBe(7)
    client.resume(3)
    expect(client.inflightBatch!.seq).toBe(3)
    expect(client.nextSeq).toBe(4)
  })
})

describe("SyncClient restored from its stored work", () => {
  const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("ab")])])

  /** A client with a batch in flight ("X") and a step not sent ("Y"), after a remote op ("R") rebased them. */
  function busyClient() {
    const client = new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) })
    client.apply(client.state.tr.insertText("X", 2))
    const batch = client.nextBatch()!
    client.apply(client.state.tr.insertText("Y", 4))
    const remote = new Transform(start).insert(1, schema.text("R")).steps[0]
    client.receive([{ version: 1, clientId: "other", seq: 1, baseVersion: 0, steps: [remote.toJSON()] }])
    return { client, batch }
  }

  it("shows the work at once, resends the batch in flight as sent, and confirms it exactly once", () => {
    const { client, batch } = busyClient()
    expect(client.state.doc.textContent).toBe("RaXbY")
    // Through JSON, as IndexedDB would keep it.
    const stored = JSON.parse(JSON.stringify({ doc: client.confirmedDoc.toJSON(), version: client.version, work: client.work() }))
    const restored = restoreClient({ clientId: "me", version: stored.version, state: EditorState.create({ doc: schema.nodeFromJSON(stored.doc) }) }, stored.work)
    expect(restored.state.doc.textContent).toBe("RaXbY")
    expect(restored.version).toBe(1)
    expect(restored.unconfirmedCount).toBe(2)
    expect(restored.inflightBatch).toEqual(batch)
    expect(restored.nextBatch()).toBeNull()
    // The hub had committed the batch before the page went: its op confirms it, and only "Y" is left to send.
    const committed = new Transform(start).insert(1, schema.text("R")).insert(3, schema.text("X")).steps[1]
    restored.receive([{ version: 2, clientId: "me", seq: batch.seq, baseVersion: 0, steps: [committed.toJSON()] }])
    expect(restored.state.doc.textContent).toBe("RaXbY")
    const next = restored.nextBatch()!
    expect(next.seq).toBe(batch.seq + 1)
    expect(next.baseVersion).toBe(2)
    expect(next.steps).toHaveLength(1)
  })

  it("keeps the seqs it had: a join answered before the confirmed seq cannot renumber the next batch onto it", () => {
    const { client, batch } = busyClient()
    client.receive([{ version: 2, clientId: "me", seq: batch.seq, baseVersion: 0, steps: batch.steps }])
    const restored = restoreClient({ clientId: "me", version: client.version, state: EditorState.create({ doc: client.confirmedDoc }) }, client.work())
    const next = restored.nextBatch()!
    restored.resume(batch.seq)
    expect(restored.inflightBatch!.seq).toBe(next.seq)
    expect(next.seq).toBe(batch.seq + 1)
  })

  it("refuses work that does not apply to the document it is given", () => {
    const { client } = busyClient()
    expect(() => restoreClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }) }, { ...client.work(), pending: [{ stepType: "replace", from: 40, to: 41 }] }))
      .toThrow(expect.objectContaining({ code: "ERR_STEP_INVALID" }))
  })
})
