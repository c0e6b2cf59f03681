import { describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { closeHistory, history, undoDepth } from "prosemirror-history"
import type { Node } from "prosemirror-model"
import { Step } from "prosemirror-transform"
import { maxMergedContent, SyncClient, type Batch } from "../../lib/ot"
import { schema } from "../../lib/schema"
import { CollabHarness } from "../support/collab-harness"
import { b, tags } from "../support/builders"

const { doc, p, strong } = b

function text(node: Node) {
  return node.textBetween(0, node.content.size, "|")
}

/** An offline client of its own on `start`, sending at most `maxStepsPerBatch` steps a batch. */
function offlineClient(start: Node, maxStepsPerBatch?: number): SyncClient {
  return new SyncClient({ clientId: "me", version: 0, state: EditorState.create({ doc: start }), maxStepsPerBatch })
}

/** Type `chars` one transaction a character from `at` on, as keys do. */
function type(client: SyncClient, at: number, chars: string): void {
  for (const [i, char] of [...chars].entries()) client.apply(client.state.tr.insertText(char, at + i))
}

/** The document `batches` make from `start`, each step applied as the hub would. */
function replay(start: Node, batches: Batch[]): Node {
  let node = start
  for (const batch of batches) for (const json of batch.steps) node = Step.fromJSON(schema, json).apply(node).doc!
  return node
}

/** Every batch the client sends, each confirmed by the hub as sent before the next. */
function sendAll(client: SyncClient): Batch[] {
  const batches: Batch[] = []
  for (let batch = client.nextBatch(); batch; batch = client.nextBatch()) {
    batches.push(batch)
    client.receive([{ version: client.version + 1, clientId: client.clientId, seq: batch.seq, baseVersion: batch.baseVersion, steps: batch.steps }])
  }
  return batches
}

describe("SyncClient merging its work before sending it", () => {
  it("sends single-character typing as one step that makes the same document", () => {
    const start = doc(p("hello"))
    const client = offlineClient(start)
    type(client, 6, " offline world")
    expect(client.unconfirmedCount).toBe(14)
    const batch = client.nextBatch()!
    expect(batch.steps).toHaveLength(1)
    expect(replay(start, [batch]).eq(client.state.doc)).toBe(true)
    expect(text(client.state.doc)).toBe("hello offline world")
  })

  it("takes the merged steps for its confirmed document when the hub commits them as sent", () => {
    // One step a batch: " world" goes first, "!!" waits.
    const start = doc(p("hello"))
    const client = offlineClient(start, 1)
    type(client, 6, " world")
    type(client, 1, "!!")
    const batch = client.nextBatch()!
    expect(batch.steps).toHaveLength(1)
    client.receive([{ version: 1, clientId: "me", seq: batch.seq, baseVersion: 0, steps: batch.steps }])
    expect(client.confirmedDoc.eq(doc(p("hello world")))).toBe(true)
    const next = client.nextBatch()!
    expect(next.steps).toHaveLength(1)
    expect(replay(client.confirmedDoc, [next]).eq(client.state.doc)).toBe(true)
    expect(text(client.state.doc)).toBe("!!hello world")
  })

  it("sends backspaces and presses of the delete key as one step each", () => {
    const start = doc(p("0123456789"), p("abcdefghij"))
    const client = offlineClient(start)
    for (let pos = 11; pos > 6; pos--) client.apply(client.state.tr.delete(pos - 1, pos))
    for (let i = 0; i < 4; i++) client.apply(client.state.tr.delete(8, 9))
    const batch = client.nextBatch()!
    expect(batch.steps).toHaveLength(2)
    expect(replay(start, [batch]).eq(client.state.doc)).toBe(true)
    expect(text(client.state.doc)).toBe("01234|efghij")
  })

  it("keeps deleting and the typing after it apart, as the hub may split the deletion around others' typing", () => {
    const start = doc(p("hello"))
    const client = offlineClient(start)
    for (let pos = 6; pos > 3; pos--) client.apply(client.state.tr.delete(pos - 1, pos))
    type(client, 3, "y!")
    const batch = client.nextBatch()!
    expect(batch.steps).toHaveLength(2)
    expect(replay(start, [batch]).eq(client.state.doc)).toBe(true)
    expect(text(client.state.doc)).toBe("hey!")
  })

  it("keeps splits, marks and typing in other places as steps of their own, and still makes the same document", () => {
    const start = doc(p("<a>one<b> two<c>"))
    const { a, b: end, c } = tags(start)
    const client = offlineClient(start)
    type(client, c, "!!")
    client.apply(client.state.tr.split(c + 2))
    type(client, c + 4, "new")
    client.apply(client.state.tr.addMark(a, end, schema.marks.strong.create()))
    client.apply(client.state.tr.insertText("bold", c + 7, c + 7).addMark(c + 7, c + 11, schema.marks.strong.create()))
    // Bold and plain typing side by side merge into one step of two text nodes.
    client.apply(client.state.tr.insert(c + 11, schema.text("B", [schema.marks.strong.create()])))
    client.apply(client.state.tr.insert(c + 12, schema.text("c")))
    // Typed before bold text, the keys take its mark.
    type(client, a, "at start ")
    const batch = client.nextBatch()!
    expect(batch.steps.map(s => s.stepType)).toEqual(["replace", "replace", "replace", "addMark", "replace", "addMark", "replace", "replace"])
    expect(replay(start, [batch]).eq(client.state.doc)).toBe(true)
    expect(client.state.doc.eq(doc(p(strong("at start one"), " two!!"), p("new", strong("boldB"), "c")))).toBe(true)
  })

  it("converges with a concurrent writer, the hub committing the merged steps as one op", () => {
    const h = new CollabHarness(doc(p("abc"), p("xyz")), 2)
    h.disconnect(0)
    for (const [i, char] of [..."typed offline"].entries()) h.edit(0, s => s.tr.insertText(char, 4 + i))
    for (const [i, char] of [..."online "].entries()) h.edit(1, s => s.tr.insertText(char, 6 + i))
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("abctyped offline|online xyz")
    const offline = h.hub.ops.filter(op => op.clientId == "c0")
    expect(offline).toHaveLength(1)
    expect(offline[0].steps).toHaveLength(1)
  })

  it("undoes the user's own edits after a merged batch is confirmed in the hub's transformed form", () => {
    const h = new CollabHarness(doc(p("hello"), p("world")), 2, { history: true })
    h.disconnect(0)
    // Two undo events, adjacent: on the wire they are one step.
    for (const [i, char] of [..."abc"].entries()) h.edit(0, s => s.tr.insertText(char, 6 + i))
    h.edit(0, s => closeHistory(s.tr))
    for (const [i, char] of [..."XYZ"].entries()) h.edit(0, s => s.tr.insertText(char, 9 + i))
    h.reconnect(0)
    // A remote op commits first: the hub transforms the merged step over it, and the client rebases its own.
    h.edit(1, s => s.tr.insertText("remote ", 1))
    h.deliverToHub(1)
    h.deliverToHub(0)
    h.settle()
    h.assertConverged()
    const mine = h.hub.ops.find(op => op.clientId == "c0")!
    expect(mine.baseVersion).toBe(0)
    expect(mine.steps).toHaveLength(1)
    expect(text(h.clients[0].doc)).toBe("remote helloabcXYZ|world")
    expect(undoDepth(h.clients[0].sync.state)).toBe(2)
    expect(h.undo(0)).toBe(true)
    expect(text(h.clients[0].doc)).toBe("remote helloabc|world")
    expect(h.undo(0)).toBe(true)
    expect(text(h.clients[0].doc)).toBe("remote hello|world")
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("remote hello|world")
  })

  it("undoes merged typing sent behind a batch in flight, after both were transformed", () => {
    const h = new CollabHarness(doc(p("hello")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("!", 6))
    for (const [i, char] of [..."abc"].entries()) h.edit(0, s => s.tr.insertText(char, 7 + i))
    // "!" is in flight alone and "abc" waits; remote typing commits before each of them.
    h.edit(1, s => s.tr.insertText("R", 1))
    h.deliverToHub(1)
    h.deliverToHub(0)
    h.deliverToClient(0)
    h.edit(1, s => s.tr.insertText("S", 1))
    h.deliverToClient(1)
    h.deliverToHub(1)
    h.deliverToHub(0)
    h.settle()
    h.assertConverged()
    expect(h.hub.ops.map(op => [op.clientId, op.steps.length])).toEqual([["c1", 1], ["c0", 1], ["c1", 1], ["c0", 1]])
    expect(text(h.clients[0].doc)).toBe("SRhello!abc")
    h.undo(0)
    expect(text(h.clients[0].doc)).toBe("SRhello")
    h.settle()
    h.assertConverged()
  })

  it("splits merged typing back into its keystrokes when the hub committed the batch in another form, for undo and later steps to follow", () => {
    const h = new CollabHarness(doc(p("0123456789abcdefghij")), 2, { history: true })
    h.edit(0, s => s.tr.insertText("!", 21))
    // Behind that batch: a deletion, then (an undo event of its own) "XYZ" a key at a time.
    h.edit(0, s => s.tr.delete(4, 16))
    h.edit(0, s => closeHistory(s.tr))
    for (const [i, char] of [..."XYZ"].entries()) h.edit(0, s => s.tr.insertText(char, 10 + i))
    h.deliverToHub(0)
    h.deliverToClient(0)
    expect(h.clients[0].toHub[0].steps).toHaveLength(2)
    // Written inside the merged typing while its batch is in flight: it must still land on "Y".
    h.edit(0, s => closeHistory(s.tr))
    h.edit(0, s => s.tr.addMark(11, 12, schema.marks.strong.create()))
    // Meanwhile another writer types twice inside the deletion's range: the hub keeps that typing, so
    // its form of the batch makes another document than the client's, which takes the hub's steps.
    h.edit(1, s => s.tr.insertText("A", 6))
    h.deliverToHub(1)
    h.deliverToClient(1)
    h.edit(1, s => s.tr.insertText("B", 13))
    h.deliverToHub(1)
    h.deliverToHub(0)
    expect(h.hub.ops[3].origins).toEqual([0, 0, 0, 1])
    h.settle()
    h.assertConverged()
    expect(h.hub.doc.eq(doc(p("012ABfghij!X", strong("Y"), "Z")))).toBe(true)
    // The deletion's pieces are one undo item, as the deletion was; the typing, split back, keeps its own.
    expect(undoDepth(h.clients[0].sync.state)).toBe(4)
    h.undo(0)
    expect(h.clients[0].doc.eq(doc(p("012ABfghij!XYZ")))).toBe(true)
    h.undo(0)
    expect(text(h.clients[0].doc)).toBe("012ABfghij!")
    h.undo(0)
    expect(text(h.clients[0].doc)).toBe("01234A56789aBbcdefghij!")
    h.settle()
    h.assertConverged()
  })

  it("sends at most maxStepsPerBatch merged steps a batch, taking as many typed steps as fit", () => {
    const start = doc(p("abcdefg"))
    const client = offlineClient(start, 2)
    // After each letter, from the last: seven runs of typing, none adjacent to the one before.
    for (let at = 8; at > 1; at--) type(client, at, "xyz")
    const batches = sendAll(client)
    expect(batches.map(batch => batch.steps.length)).toEqual([2, 2, 2, 1])
    expect(replay(start, batches).eq(client.state.doc)).toBe(true)
    expect(text(client.state.doc)).toBe("axyzbxyzcxyzdxyzexyzfxyzgxyz")
  })

  it("merges no more content into a batch than maxMergedContent", () => {
    const start = doc(p(""))
    const client = offlineClient(start)
    const half = "x".repeat(maxMergedContent / 2 + 1)
    client.apply(client.state.tr.insertText(half, 1))
    client.apply(client.state.tr.insertText(half, 1 + half.length))
    const batches = sendAll(client)
    expect(batches.map(batch => batch.steps.length)).toEqual([1, 1])
    expect(replay(start, batches).eq(client.state.doc)).toBe(true)
  })
})
