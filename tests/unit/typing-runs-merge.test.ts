import { describe, expect, it } from "vitest"
import type { EditorState, Transaction } from "prosemirror-state"
import type { Node } from "prosemirror-model"
import { CollabHarness } from "../support/collab-harness"
import { b } from "../support/builders"

const { doc, p } = b

function text(node: Node): string {
  return node.textBetween(0, node.content.size, "|")
}

/** Where client k's word ends: after the last character it typed, found by its letters (each writer's are its own). */
function endOf(h: CollabHarness, k: number, typed: string): number {
  const d = h.clients[k].doc
  let found = -1
  d.descendants((node, pos) => {
    if (node.isText) for (let i = 0; i < node.text!.length; i++) if (node.text![i] == typed[typed.length - 1]) found = pos + i + 1
  })
  return found
}

/** A writer's keys: the one of each round, as an edit of its state (null when it has stopped typing). */
type Keys = (round: number) => ((state: EditorState) => Transaction) | null

/** A word typed forward at `at`, each key after the one before. */
function forward(h: CollabHarness, k: number, word: string, at: number): Keys {
  return round => round >= word.length ? null : s => s.tr.insertText(word[round], round == 0 ? at : endOf(h, k, word.slice(0, round)))
}

/**
 * Writers type at once, a key each per round: every round each types a key, then the hub takes every
 * batch in `order(round)`, then every writer hears of the ops committed the round before (what reaches it
 * takes a round, so each types its next key before it has heard of the others' last ones). After every
 * round, each writer still sees `typed(k, round)` whole: its prediction never splits its own word.
 */
function typeAtOnce(h: CollabHarness, writers: Keys[], typed: (k: number, round: number) => string, order: (round: number) => number[] = () => writers.map((_, k) => k)): void {
  let heard = 0
  for (let round = 0; writers.some(keys => keys(round)); round++) {
    writers.forEach((keys, k) => {
      const key = keys(round)
      if (key) h.edit(k, key)
    })
    for (const k of order(round)) h.deliverToHub(k)
    writers.forEach((_, k) => {
      h.deliverToClient(k, heard - h.clients[k].sync.version)
      expect(text(h.clients[k].doc)).toContain(typed(k, round))
    })
    heard = h.hub.version
  }
  h.settle()
  h.assertConverged()
}

/** typeAtOnce for words typed forward at `at`. */
function wordsAtOnce(h: CollabHarness, words: string[], at: number, order?: (round: number) => number[]): void {
  typeAtOnce(h, words.map((word, k) => forward(h, k, word, at)), (k, round) => words[k].slice(0, round + 1), order)
}

function expectWhole(h: CollabHarness, words: string[]): void {
  const result = text(h.hub.doc)
  for (const word of words) expect(result, result).toContain(word)
}

describe("concurrent words typed at one point", () => {
  it("stay whole with two writers typing forward, a key per batch", () => {
    const h = new CollabHarness(doc(p("start end")), 2)
    wordsAtOnce(h, ["abcd", "1234"], 7)
    expectWhole(h, ["abcd", "1234"])
  })

  it("stay whole with three writers, whatever order their keys reach the hub in", () => {
    for (const rotate of [0, 1, 2]) {
      const h = new CollabHarness(doc(p("start end")), 3)
      const words = ["abc", "12345", "xyzw"]
      wordsAtOnce(h, words, 7, round => [0, 1, 2].map(k => (k + round + rotate) % 3))
      expectWhole(h, words)
    }
  })

  it("stay whole when the writers' keys arrive several to a batch", () => {
    const h = new CollabHarness(doc(p("start end")), 2)
    // Writer 0's keys pile up while its first is in flight, and go as one batch.
    h.edit(0, s => s.tr.insertText("a", 7))
    h.edit(1, s => s.tr.insertText("1", 7))
    h.deliverToHub(1)
    h.edit(1, s => s.tr.insertText("2", 8))
    h.deliverToHub(0)
    for (const [i, key] of [..."bcd"].entries()) h.edit(0, s => s.tr.insertText(key, 8 + i))
    h.deliverToClient(0)
    h.deliverToHub(0)
    h.deliverToHub(1)
    h.settle()
    h.assertConverged()
    expectWhole(h, ["abcd", "12"])
  })

  it("keep a word typed backward whole: keys typed one after another at the same point", () => {
    const h = new CollabHarness(doc(p("start end")), 2)
    // Writer 0 types "abcd" backward: "d", then "c" before it, and so on, each at the point it started at.
    const backward: Keys = round => round >= 4 ? null : s => s.tr.insertText("dcba"[round], 7)
    typeAtOnce(h, [backward, forward(h, 1, "1234", 7)], (k, round) => k == 0 ? "abcd".slice(3 - round) : "1234".slice(0, round + 1))
    expectWhole(h, ["abcd", "1234"])
  })

  it("keep the runs around a paragraph split whole", () => {
    const h = new CollabHarness(doc(p("start end")), 2)
    // Writer 0 types "ab", a paragraph break, "cd"; writer 1 types "12345" at the same point meanwhile.
    const a: Keys = round => [
      (s: EditorState) => s.tr.insertText("a", 7),
      (s: EditorState) => s.tr.insertText("b", endOf(h, 0, "a")),
      (s: EditorState) => s.tr.split(endOf(h, 0, "ab")),
      (s: EditorState) => s.tr.insertText("c", endOf(h, 0, "ab") + 2),
      (s: EditorState) => s.tr.insertText("d", endOf(h, 0, "abc"))
    ][round] ?? null
    typeAtOnce(h, [a, forward(h, 1, "12345", 7)], (k, round) => k == 0 ? ["a", "ab", "ab|", "ab|c", "ab|cd"][round] : "12345".slice(0, round + 1))
    expectWhole(h, ["ab|", "|cd", "12345"])
  })
})

describe("a word typed over a selection", () => {
  it("stays whole when another writer types at the selection's end meanwhile", () => {
    const h = new CollabHarness(doc(p("I like the cat")), 2)
    h.disconnect(0)
    // Writer 0 selects "cat" and types "dog" over it; writer 1 makes it "cats" meanwhile.
    h.edit(0, s => s.tr.insertText("d", 12, 15))
    h.edit(0, s => s.tr.insertText("o", 13))
    h.edit(0, s => s.tr.insertText("g", 14))
    h.edit(1, s => s.tr.insertText("s", 15))
    h.deliverToHub(1)
    h.reconnect(0)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc)).toBe("I like the dogs")
  })
})

describe("words typed after a long offline time", () => {
  it("keep sticking to the writer's text after a rebase too large to follow every edge through", () => {
    const h = new CollabHarness(doc(p("start")), 2)
    h.disconnect(0)
    // More keystrokes than TextEdges follows a rebase of (twice the unconfirmed steps, plus the remote ones).
    for (let i = 0; i < 600; i++) h.edit(0, s => s.tr.insertText(i == 599 ? "a" : "x", 6 + i))
    h.edit(1, s => s.tr.insertText("Z", 1))
    h.deliverToHub(1)
    h.reconnect(0)
    h.settle()
    h.assertConverged()
    // Both type at the end at once: writer 1's key commits first, writer 0's continues its own "a".
    const end = endOf(h, 0, "a")
    h.edit(1, s => s.tr.insertText("1", end))
    h.edit(0, s => s.tr.insertText("b", end))
    h.deliverToHub(1)
    h.deliverToHub(0)
    h.settle()
    h.assertConverged()
    expect(text(h.hub.doc).endsWith("ab1")).toBe(true)
  })
})
