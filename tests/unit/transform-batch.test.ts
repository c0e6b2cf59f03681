import { describe, expect, it } from "vitest"
import { TextSelection, type Transaction } from "prosemirror-state"
import { undo } from "prosemirror-history"
import { Transform, Step } from "prosemirror-transform"
import { splitBlock, joinBackward, toggleMark, setBlockType } from "prosemirror-commands"
import { wrapInList } from "prosemirror-schema-list"
import { Fragment, type Node, Slice } from "prosemirror-model"
import { schema } from "../../lib/schema"
import { transformBatch } from "../../lib/ot"
import { CollabHarness } from "../support/collab-harness"
import { b, tags } from "../support/builders"

const { doc, p, h1, ul, li, strong } = b

function type(h: CollabHarness, k: number, text: string, at?: number) {
  h.edit(k, s => (at == null ? s.tr.insertText(text) : s.tr.insertText(text, at)))
}

/**
 * Client 0 of two deletes from..to of `start` while client 1 types `typed` at `at`, which reaches the hub
 * first; every message delivered, the text all agree on, and the harness to go on with.
 */
function deletedWhileTyped(start: Node, from: number, to: number, typed: string, at: number): { h: CollabHarness; text: string } {
  const h = new CollabHarness(start, 2, { history: true })
  h.edit(0, s => s.tr.delete(from, to))
  type(h, 1, typed, at)
  h.deliverToHub(1)
  h.settle()
  h.assertConverged()
  return { h, text: text(h.hub.doc) }
}

/** A heading, a list, a quote and a paragraph: deletions across them cannot go around typing in pieces. */
function sections(): Node {
  return doc(h1("title words"), ul(li(p("one two")), li(p("three four"))), b.quote(p("five six"), p("seven")), p("eight nine"))
}

function text(node: Node) {
  return node.textBetween(0, node.content.size, "|")
}

describe("transformBatch", () => {
  it("applies a batch unchanged when nothing happened concurrently", () => {
    const start = doc(p("hello"))
    const tr = new Transform(start).insert(6, schema.text("!")).insert(6, schema.text(" world"))
    const result = transformBatch(start, tr.steps, [])
    expect(result.doc.eq(tr.doc)).toBe(true)
    expect(result.dropped).toEqual([])
    expect(result.origins).toEqual([0, 1])
  })

  it("maps a batch of several steps over several concurrent ops", () => {
    const start = doc(p("<a>one <b>two"))
    const mine = new Transform(start).insert(tags(start).b, schema.text("X")).insert(tags(start).b + 1, schema.text("Y"))
    const theirs = new Transform(start).insert(tags(start).a, schema.text("AAA")).delete(tags(start).a + 3, tags(start).a + 4)
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("AAAne XYtwo")
    expect(result.moves.map(m => [m.from, m.mappedFrom])).toEqual([[5, 7], [6, 8]])
  })

  it("keeps text typed inside a range deleted concurrently, at the deletion point", () => {
    const start = doc(p("<a>keep this<b> tail"))
    const theirs = new Transform(start).delete(tags(start).a, tags(start).b)
    const mine = new Transform(start).insert(tags(start).a + 4, schema.text("typed"))
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("typed tail")
    expect(result.dropped).toEqual([])
  })

  it("deletes around text typed concurrently inside the deleted range, keeping it", () => {
    const start = doc(p("the <a>brown <b>fox<c> jumps"))
    const { a, b: at, c } = tags(start)
    const theirs = new Transform(start).insert(at, schema.text("quick "))
    const mine = new Transform(start).delete(a, c)
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("the quick  jumps")
    expect(result.dropped).toEqual([])
    // One step for the one submitted: a replace around the typing, the typing its gap.
    expect(result.steps.map(step => step.toJSON())).toEqual([{ stepType: "replaceAround", from: a, to: c + 6, gapFrom: at, gapTo: at + 6, insert: 0 }])
    expect(result.origins).toEqual([0])
    // One move for the submitted step, over the range it now spans.
    expect(result.moves).toEqual([{ index: 0, from: a, to: c, mappedFrom: a, mappedTo: c + 6 }])
  })

  it("puts what a replace inserts where its range began, before text typed into the range concurrently", () => {
    const start = doc(p("the <a>brown <b>fox<c> jumps"))
    const theirs = new Transform(start).insert(tags(start).b, schema.text("quick "))
    const mine = new Transform(start).replaceWith(tags(start).a, tags(start).c, schema.text("red cat"))
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("the red catquick  jumps")
  })

  it("keeps several concurrent insertions in one deletion, and still deletes the batch's own typing", () => {
    const start = doc(p("0123456789"))
    // Theirs: "A" after 2 and "B" after 6. Mine: "x" typed after 4, then 1..8 deleted, "x" with it.
    const theirs = new Transform(start).insert(3, schema.text("A")).insert(8, schema.text("B"))
    const mine = new Transform(start).insert(5, schema.text("x"))
    mine.delete(2, 10)
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("0AB89")
    expect(result.origins).toEqual([0, 1, 1, 1])
  })

  it("drops a deletion whose range holds only concurrent typing, the text it meant gone already", () => {
    const start = doc(p("ab<a>cd<b>ef"))
    const { a, b: at } = tags(start)
    // Theirs typed "XY" between "c" and "d", then deleted "c" and "d": mine maps onto exactly "XY".
    const theirs = new Transform(start).insert(a + 1, schema.text("XY")).delete(a, a + 1).delete(a + 2, a + 3)
    const mine = new Transform(start).delete(a, at)
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("abXYef")
    expect(result.steps).toEqual([])
    expect(result.dropped).toMatchObject([{ index: 0, text: "", reason: expect.stringMatching(/already deleted/) }])
  })

  it("deletes across blocks around text typed concurrently in the first, a middle or the last block, keeping it in the joined block", () => {
    const start = doc(p("one <a>two<x>"), p("mid<y>dle"), p("three<b> four"))
    const { a, b: end, x, y } = tags(start)
    for (const [at, expected] of [[a + 2, "one Z four"], [y, "one Z four"], [end - 2, "one Z four"], [x, "one Z four"]] as const) {
      const theirs = new Transform(start).insert(at, schema.text("Z"))
      const mine = new Transform(start).delete(a, end)
      const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
      expect([text(result.doc), result.doc.childCount], `typed at ${at}`).toEqual([expected, 1])
      // Committed as two replace steps of the one submitted, the typing between them.
      expect(result.steps.map(step => step.toJSON().stepType)).toEqual(["replace", "replace"])
      expect(result.origins).toEqual([0, 0])
      expect(result.dropped).toEqual([])
    }
    // What the step inserts goes where it began, the typing after it.
    const theirs = new Transform(start).insert(y, schema.text("Z"))
    const mine = new Transform(start).replaceWith(a, end, schema.text("new"))
    expect(text(transformBatch(theirs.doc, mine.steps, theirs.mapping.maps).doc)).toBe("one newZ four")
  })

  it("keeps what others typed into whole paragraphs deleted concurrently, in the first paragraph's shell, in every client", () => {
    // Paragraphs selected whole (Shift+Down from a line's start) and deleted while someone types in them.
    const start = doc(p("FIRST"), p("<a>MIDDLE <x>WORDS"), p("SECOND<y>MID"), p("<b>LAST"))
    const { a, b: end, x, y } = tags(start)
    const from = a - 1, to = end - 1
    for (const [typedAt, count] of [[[x], 1], [[x, y], 2], [[y], 1]] as const) {
      let theirs = new Transform(start)
      for (const at of typedAt) theirs = theirs.insert(theirs.mapping.map(at), schema.text("bob"))
      const mine = new Transform(start).delete(from, to)
      expect(mine.steps).toHaveLength(1)
      const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
      expect([text(result.doc), result.dropped], `typed at ${typedAt}`).toEqual([count == 2 ? "FIRST|bobbob|LAST" : "FIRST|bob|LAST", []])
    }
    // The deleter's tab predicts the same, and every tab ends alike.
    expect(deletedWhileTyped(start, from, to, "bob", x).text).toBe("FIRST|bob|LAST")
    // Nobody typed in them: they go whole.
    expect(text(transformBatch(start, new Transform(start).delete(from, to).steps, []).doc)).toBe("FIRST|LAST")
  })

  it("still deletes across blocks as mapped when the concurrent change only made a block", () => {
    // Someone pressed Enter inside the range: deleting around that would leave a block the deleter joined.
    const start = doc(p("one <a>two"), p("thr<x>ee<b> four"))
    const { a, b: end, x } = tags(start)
    const split = new Transform(start).split(x)
    const result = transformBatch(split.doc, new Transform(start).delete(a, end).steps, split.mapping.maps)
    expect([text(result.doc), result.origins]).toEqual(["one  four", [0]])
  })

  it("keeps the words typed inside a deletion whose ends are blocks of other depths, where the deletion closes", () => {
    // From a paragraph into a list item's paragraph: ProseMirror deletes it with a replace-around step
    // that lifts the rest of the item's paragraph; no pieces can go around the typing, so the step goes
    // whole, and the typing is put back after what it left of the first paragraph.
    const nested = doc(p("one <a>two"), ul(li(p("thr<y>ee<b> four"))))
    const typed = new Transform(nested).insert(tags(nested).y, schema.text("Z"))
    const deletion = new Transform(nested).delete(tags(nested).a, tags(nested).b)
    const result = transformBatch(typed.doc, deletion.steps, typed.mapping.maps)
    expect(result.dropped).toEqual([])
    expect([text(result.doc), result.origins]).toEqual(["one Z four", [0]])
    // Every client predicts the same, the deleter's too, and undo brings it all back.
    const { h, text: merged } = deletedWhileTyped(nested, tags(nested).a, tags(nested).b, "Z", tags(nested).y)
    expect(merged).toBe("one Z four")
    h.undo(0)
    h.settle()
    h.assertConverged()
    expect(h.hub.doc.toString()).toBe(doc(p("one two"), ul(li(p("thrZee four")))).toString())
  })

  it("keeps the words typed inside a deletion between paragraphs with a quote or list between them, and of typing that made a block", () => {
    const start = doc(p("one <a>two"), b.quote(p("mid<y>dle")), p("three<b> four"))
    const { a, b: end, y } = tags(start)
    expect(deletedWhileTyped(start, a, end, "Z", y).text).toBe("one Z four")
    // Typing with an Enter in it: the words stay, the block it made goes with the deletion.
    const flat = doc(p("one <a>two"), p("thr<x>ee<b> four"))
    const theirs = new Transform(flat).insert(tags(flat).x, schema.text("AB"))
    theirs.split(tags(flat).x + 1)
    const result = transformBatch(theirs.doc, new Transform(flat).delete(tags(flat).a, tags(flat).b).steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("one AB four")
  })

  it("keeps the words a deletion put back from a later step of its batch over them", () => {
    // The deletion puts the Z typed in the quote back where it closes ("one Z four"); the writer's next
    // step, made where the two spaces met, now reaches over the Z, and goes around it.
    const start = doc(p("one <a>two"), b.quote(p("mid<y>dle")), p("three<b> four"))
    const { a, b: end, y } = tags(start)
    const typed = new Transform(start).insert(y, schema.text("Z"))
    const mine = new Transform(start).delete(a, end).delete(a - 1, a + 1)
    expect(text(mine.doc)).toBe("onefour")
    const result = transformBatch(typed.doc, mine.steps, typed.mapping.maps)
    expect(result.dropped).toEqual([])
    expect(text(result.doc)).toBe("oneZfour")
  })

  it("keeps words typed while the deleter's undo waited to be sent", () => {
    // c0's deletion, in flight, keeps the 七 typed into it; c0 undoes, and before the undo goes out
    // more typing (万丈) arrives that the deletion, rebased, also keeps: the undo goes around it.
    const start = sections()
    const h = new CollabHarness(start, 3, { history: true })
    type(h, 2, "七", 54)
    h.edit(0, s => s.tr.delete(12, 66))
    type(h, 2, "万丈", 22)
    h.deliverToHub(2, 1)
    h.deliverToClient(2)
    h.deliverToClient(0)
    expect(text(h.clients[0].doc)).toBe("title words七nine")
    h.undo(0)
    h.deliverToHub(2)
    h.settle()
    h.assertConverged()
    // The undo puts 七 back where it was typed; 万丈 came after the undo was made, and stays where the deletion put it.
    expect(text(h.hub.doc)).toBe("title words|one two|three four|five six|se七ven|eight 万丈nine")
  })

  it("puts typing back in the order it came, so that a deletion rebased once per change commits as the client predicted", () => {
    // c0's deletion and its undo wait behind c0's "x" while c1 types Z, then Q, into the range, then R
    // once c0 has sent them: the deletion puts Z, Q and R back in that order (the hub adds R to the ZQ
    // that c0's rebases made), and the undo, which c0 predicted around Q, goes around Q and R at the
    // hub too and puts Z back where it was typed: no second Z.
    const start = sections()
    const h = new CollabHarness(start, 2, { history: true })
    type(h, 0, "x", 1)
    h.edit(0, s => s.tr.delete(13, 67))
    type(h, 1, "Z", 54)
    h.deliverToHub(1)
    h.deliverToClient(0)
    h.undo(0)
    h.deliverToClient(1)
    type(h, 1, "Q", 22)
    h.deliverToHub(1)
    h.deliverToHub(0)
    h.deliverToClient(0)
    h.deliverToClient(1)
    type(h, 1, "R", 31)
    h.deliverToHub(1)
    h.deliverToHub(0)
    h.settle()
    h.assertConverged()
    // Q and R arrived after the undo was made: they stay where the deletion put them, once each.
    expect(text(h.hub.doc)).toBe("xtitle words|one two|three four|five six|seZven|eight QRnine")
  })

  it("deletes around paragraphs pasted into a deletion inside one paragraph, keeping them", () => {
    // c1 deletes "cd" in one paragraph while c0 pastes two paragraphs between c and d: the deletion
    // takes c and d and leaves the paste as it was made, its line break included. Before, it took the
    // line break too and copied the pasted text into its own step, which a later change to that text
    // (a deletion, an undo of one) then did not reach.
    const start = doc(p("ab<a>c<x>d<b>ef"))
    const { a, b: end, x } = tags(start)
    const paste = new Slice(Fragment.from([p("XY"), p("ZW")]), 1, 1)
    const theirs = new Transform(start).replace(x, x, paste)
    const result = transformBatch(theirs.doc, new Transform(start).delete(a, end).steps, theirs.mapping.maps)
    expect(result.dropped).toEqual([])
    expect(text(result.doc)).toBe("abXY|ZWef")
    expect(result.steps).toHaveLength(2)
    expect(new Set(result.origins)).toEqual(new Set([0]))
  })

  it("has the deleter's tab predict the deletion around pasted paragraphs as the hub commits it", () => {
    const start = doc(p("alpha beta"), p("gamma"))
    const h = new CollabHarness(start, 2, { history: true })
    // c1 deletes "ha be" while its "x" is in flight; c0's paste between "ha" and " be" reaches it first.
    type(h, 1, "x", 18)
    h.edit(1, s => s.tr.delete(4, 9))
    h.edit(0, s => s.tr.replace(6, 6, new Slice(Fragment.from([p("XY"), p("ZW")]), 1, 1)))
    h.deliverToHub(0)
    h.deliverToClient(1)
    expect(text(h.clients[1].doc)).toBe("alpXY|ZWta|gammax")
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("alpXY|ZWta|gammax")
    // Undo in c1's tab takes back its deletion, pieces and all: the paste stays.
    h.undo(1)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("alphaXY|ZW beta|gammax")
  })

  it("keeps typing inside a deletion across blocks in every client, the deleter's own too", () => {
    const start = doc(p("one <a>two"), p("mid<y>dle"), p("three<b> four"))
    const h = new CollabHarness(start, 2, { history: true })
    h.edit(0, s => s.tr.delete(tags(start).a, tags(start).b))
    type(h, 1, "Z", tags(start).y)
    // The typing reaches the hub first: the deletion, in flight, is transformed over it and split.
    h.deliverToHub(1)
    h.deliverToHub(0)
    expect(h.hub.ops[1].origins).toEqual([0, 0])
    h.settle()
    for (const c of h.clients) expect(text(c.sync.state.doc)).toBe("one Z four")
    expect(text(h.hub.doc)).toBe("one Z four")
    // Undo in the deleter's tab undoes its typing since, then the split deletion, one item of undo
    // history as it was one step when made: the text comes back around the typing kept.
    type(h, 0, "!", 1)
    h.settle()
    h.edit(0, s => {
      let tr: Transaction | undefined
      undo(s, t => (tr = t))
      return tr
    })
    h.edit(0, s => {
      let tr: Transaction | undefined
      undo(s, t => (tr = t))
      return tr
    })
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("one two|midZdle|three four")
  })

  it("reports a deletion of text already deleted as dropped, with no text lost", () => {
    const start = doc(p("<a>abc<b>def"))
    const theirs = new Transform(start).delete(tags(start).a, tags(start).b)
    const mine = new Transform(start).delete(tags(start).a + 1, tags(start).a + 2)
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(text(result.doc)).toBe("def")
    expect(result.dropped).toHaveLength(1)
    expect(result.dropped[0].text).toBe("")
  })

  it("drops a mark over text deleted concurrently and reports it", () => {
    const start = doc(p("<a>abc<b>def"))
    const theirs = new Transform(start).delete(tags(start).a, tags(start).b)
    const mine = new Transform(start).addMark(tags(start).a, tags(start).b, schema.marks.strong.create())
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(result.doc.eq(doc(p("def")))).toBe(true)
    expect(result.dropped.map(d => d.index)).toEqual([0])
  })

  it("is deterministic: the same inputs give the same JSON", () => {
    const start = doc(p("<a>abc"))
    const theirs = new Transform(start).insert(tags(start).a, schema.text("x"))
    const mine = new Transform(start).insert(tags(start).a, schema.text("y"))
    const one = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    const two = transformBatch(theirs.doc, mine.steps.map(s => Step.fromJSON(schema, s.toJSON())), theirs.mapping.maps)
    expect(JSON.stringify(one.steps)).toBe(JSON.stringify(two.steps))
    expect(text(one.doc)).toBe("xyabc")
  })
})

describe("collaboration through the harness", () => {
  it("orders concurrent inserts at the same position by commit order, earliest first", () => {
    const h = new CollabHarness(doc(p("ab")), 3)
    type(h, 0, "X", 2)
    type(h, 1, "Y", 2)
    type(h, 2, "Z", 2)
    h.deliverToHub(1); h.deliverToHub(2); h.deliverToHub(0)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("aYZXb")
  })

  it("keeps typing inside a range another client deleted", () => {
    const h = new CollabHarness(doc(p("0123456789")), 2)
    h.edit(0, s => s.tr.delete(2, 9))
    type(h, 1, "hi", 5)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("0hi89")
  })

  it("keeps typing that reached the hub before a deletion of the range it was typed in, in every client", () => {
    const h = new CollabHarness(doc(p("0123456789")), 2)
    type(h, 0, "hi", 5)
    h.edit(1, s => s.tr.delete(2, 9))
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("0hi89")
    expect(h.hub.ops[1].origins).toBeUndefined()
  })

  it("predicts the hub's deletion around typing in the deleter's own document, for a deletion not yet sent too", () => {
    const h = new CollabHarness(doc(p("0123456789")), 2)
    // Client 1 types (in flight), then deletes 2..9 (not sent yet); client 0's typing lands first.
    type(h, 1, "!", 11)
    h.edit(1, s => s.tr.delete(2, 9))
    type(h, 0, "hi", 5)
    h.deliverToHub(0)
    h.deliverToClient(1)
    // Before the hub has seen the deletion, client 1 already shows client 0's typing kept.
    expect(text(h.clients[1].doc)).toBe("0hi89!")
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("0hi89!")
  })

  it("keeps typing that reaches the hub after a deletion the client already made around other typing", () => {
    const h = new CollabHarness(doc(p("the quick brown fox jumps")), 2)
    type(h, 0, "!", 26)
    h.edit(0, s => s.tr.delete(5, 16))
    // Client 1 types "XX" before "brown": client 0 gets it while its deletion waits, and makes the deletion go around it.
    type(h, 1, "XX", 11)
    h.deliverToHub(1)
    h.deliverToClient(0)
    expect(text(h.clients[0].doc)).toBe("the XX fox jumps!")
    // Client 0's batch in flight is confirmed, so it sends the deletion; then client 1 types "YY" inside "brown".
    h.deliverToHub(0)
    h.deliverToClient(0)
    h.deliverToClient(1)
    type(h, 1, "YY", 15)
    h.deliverToHub(1)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("the XXYY fox jumps!")
  })

  it("lets the steps not sent yet follow the batch's own typing when the hub split a deletion of that batch", () => {
    const h = new CollabHarness(doc(p("the quick brown fox jumps")), 3)
    // Client 0 deletes "quick brown" and types "hello" there, in one batch; clients 1 and 2 type into the range meanwhile.
    h.edit(0, s => s.tr.delete(5, 16).insertText("hello", 5))
    type(h, 1, "XX", 7)
    type(h, 2, "YY", 13)
    h.deliverToHub(1)
    h.deliverToHub(2)
    // Before its batch is confirmed, client 0 deletes the first "l" of "hello" (not sent yet).
    h.edit(0, s => s.tr.delete(7, 8))
    h.settle()
    h.assertConverged()
    const committed = h.hub.ops.find(op => op.clientId == "c0" && op.origins)
    expect(committed?.origins).toEqual([0, 0, 0, 1])
    expect(text(h.hub.doc)).toBe("the XXYYhelo fox jumps")
  })

  it("lets the deleter undo a deletion the hub made around concurrent typing: the text comes back around the typing", () => {
    const h = new CollabHarness(doc(p("0123456789")), 2, { history: true })
    type(h, 0, "hi", 5)
    h.edit(1, s => s.tr.delete(2, 9))
    h.settle()
    expect(text(h.hub.doc)).toBe("0hi89")
    h.edit(1, s => {
      let tr: Transaction | undefined
      undo(s, t => (tr = t))
      return tr
    })
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("0123hi456789")
  })

  it("merges a split with typing after the split point", () => {
    const h = new CollabHarness(doc(p("hello world")), 2)
    h.edit(0, s => { let tr: any; splitBlock(s.apply(s.tr.setSelection(TextSelection.create(s.doc, 6))), t => (tr = t)); return tr && rebaseSel(s, tr) })
    type(h, 1, "big ", 7)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("hello| big world")
  })

  it("merges a join with typing in the joined paragraph", () => {
    const h = new CollabHarness(doc(p("one"), p("two")), 2)
    h.edit(0, s => s.tr.join(5))
    type(h, 1, "!", 9)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("onetwo!")
  })

  it("merges wrapping in a list with typing inside the wrapped paragraph", () => {
    const h = new CollabHarness(doc(p("item")), 2)
    h.edit(0, s => { let tr: any; wrapInList(schema.nodes.bullet_list)(s, t => (tr = t)); return tr })
    type(h, 1, "first ", 1)
    h.settle()
    h.assertConverged()
    expect(h.hub.doc.eq(doc(ul(li(p("first item")))))).toBe(true)
  })

  it("merges a heading change with typing", () => {
    const h = new CollabHarness(doc(p("title")), 2)
    h.edit(0, s => { let tr: any; setBlockType(schema.nodes.heading, { level: 1 })(s, t => (tr = t)); return tr })
    type(h, 1, "The ", 1)
    h.settle()
    h.assertConverged()
    expect(h.hub.doc.eq(doc(h1("The title")))).toBe(true)
  })

  it("merges bold with typing inside the bold range", () => {
    const h = new CollabHarness(doc(p("abcdef")), 2)
    h.edit(0, s => { let tr: any; toggleMark(schema.marks.strong)(s.apply(s.tr.setSelection(TextSelection.create(s.doc, 2, 6))), t => (tr = t)); return tr && rebaseSel(s, tr) })
    type(h, 1, "Z", 4)
    h.settle()
    h.assertConverged()
    expect(h.hub.doc.eq(doc(p("a", strong("bc"), "Z", strong("de"), "f")))).toBe(true)
  })

  it("applies a resent batch exactly once when the first ack was lost", () => {
    const h = new CollabHarness(doc(p("x")), 2)
    type(h, 0, "once", 2)
    h.disconnect(0, true)
    type(h, 1, "!", 1)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("!xonce")
    expect(h.hub.ops.filter(op => op.clientId == "c0")).toHaveLength(1)
  })

  it("merges an offline branch after reconnect", () => {
    const h = new CollabHarness(doc(p("shared")), 2)
    h.disconnect(0)
    for (let i = 0; i < 20; i++) type(h, 0, "a", 1)
    for (let i = 0; i < 20; i++) type(h, 1, "b", 7)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("a".repeat(20) + "shared" + "b".repeat(20))
  })

  it("a client drops a step locally when the hub dropped it", () => {
    const h = new CollabHarness(doc(p("abcdef")), 2)
    h.edit(0, s => s.tr.delete(1, 7))
    h.edit(1, s => s.tr.addMark(2, 5, schema.marks.em.create()))
    h.deliverToHub(0)
    h.deliverToHub(1)
    h.settle()
    h.assertConverged()
    expect(h.hub.dropped).toHaveLength(1)
  })
})

// Commands above ran on a state with a moved selection; strip the selection step so the transaction applies to `s`.
function rebaseSel(s: import("prosemirror-state").EditorState, tr: import("prosemirror-state").Transaction) {
  const out = s.tr
  for (const step of tr.steps) out.step(step)
  return out
}
