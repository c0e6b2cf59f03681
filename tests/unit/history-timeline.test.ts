import { afterEach, describe, expect, it } from "vitest"
import { schema } from "../../lib/schema"
import { explainMerge, filterTimeline, groupTimeline, isKeystrokeOp, peopleOf, type TimelineEntry } from "../../lib/history"
import type { CommittedOp } from "../../lib/protocol"
import { b, tags } from "../support/builders"
import { ada, bob, carol, historyHub, typeAt, type HistoryHub } from "./history-hub"

const { doc, p } = b

let h: HistoryHub | null = null
afterEach(async () => {
  await h?.close()
  h = null
})

const summaries = (entries: TimelineEntry[]) => entries.map(e => [e.author.name, e.summary])

describe("history timeline", () => {
  it("collapses one person's keystrokes into one entry and keeps each op", async () => {
    const start = doc(p("one"), p("two<a>"))
    h = await historyHub(start)
    await typeAt(h, ada, tags(start).a, "hello world")
    const ops = await h.ops()
    expect(ops.slice(1).every(isKeystrokeOp)).toBe(true)
    const entries = groupTimeline(ops)
    expect(summaries(entries)).toEqual([["Ada", "typed 'hello world' in paragraph 2"], ["Setup", expect.any(String)]])
    expect(entries[0].ops.map(op => op.summary)).toEqual([..."hello world"].map(c => `typed '${c}' in paragraph 2`))
    expect([entries[0].first, entries[0].last]).toEqual([2, 12])
    expect(entries[0].key).toBe("v2")
  })

  it("follows corrections inside the run and counts what was erased before it", async () => {
    const start = doc(p("abc<a>"))
    h = await historyHub(start)
    const at = tags(start).a
    await typeAt(h, ada, at, "helo")
    let version = 5
    await h.submit(ada, version++, tr => tr.delete(at + 3, at + 4))
    await typeAt(h, ada, at + 3, "lo")
    version += 2
    await h.submit(ada, version++, tr => tr.delete(at - 1, at))
    expect(summaries(groupTimeline(await h.ops())).slice(0, 1)).toEqual([["Ada", "typed 'hello' and deleted 1 character in paragraph 1"]])
  })

  it("starts a new entry after a pause, another person, another place or a non-keystroke", async () => {
    const start = doc(p("one<a>"), p("two<b>"))
    h = await historyHub(start)
    const { a } = tags(start)
    await typeAt(h, ada, a, "xy")
    await h.submit(ada, 3, tr => tr.insertText("z", a + 2), 5_000)
    await h.submit(bob, 4, tr => tr.insertText("b", a + 3))
    await h.submit(bob, 5, tr => tr.insertText("c", tags(start).b + 4))
    await h.submit(bob, 6, tr => tr.addMark(1, 4, schema.marks.strong.create()))
    await h.submit(bob, 7, tr => tr.split(2))
    expect(summaries(groupTimeline(await h.ops())).slice(0, 6)).toEqual([
      ["Bob", "split paragraph 1"],
      ["Bob", "made 'one' bold"],
      ["Bob", "typed 'c' in paragraph 2"],
      ["Bob", "typed 'b' in paragraph 1"],
      ["Ada", "typed 'z' in paragraph 1"],
      ["Ada", "typed 'xy' in paragraph 1"]
    ])
  })

  it("explains a merge: what arrived meanwhile and where the op moved", async () => {
    const start = doc(p("hello<a>"), p("<b>world"))
    h = await historyHub(start)
    const { a, b: bPos } = tags(start)
    await h.submit(bob, 1, tr => tr.insertText("Big ", 1))
    await h.submit(carol, 2, tr => tr.insertText("!", bPos + 5 + 4))
    const merged = await h.submit(ada, 1, tr => tr.insertText(" there", a))
    expect(merged.moves).toBeDefined()
    const ops = await h.ops()
    const entries = groupTimeline(ops)
    expect(entries[0].merged).toBe(true)
    expect(entries[0].ops).toEqual([merged])
    expect(explainMerge(merged, v => ops[v - 1])?.text).toBe(`written on v1 while Bob's v2 and Carol's v3 arrived; moved from position ${a} to ${a + 4}`)
    expect(explainMerge(merged, v => ops[v - 1])?.plain).toBe("Merged after 2 edits by Bob and Carol that Ada had not seen; moved 4 characters to the right.")
    const unknown = explainMerge(merged, () => undefined)!
    expect(unknown.text).toBe(`written on v1 while 2 ops by other people (v2–v3) arrived; moved from position ${a} to ${a + 4}`)
    // Without the ops, a distance is told in positions: they may hold paragraph breaks.
    expect(unknown.plain).toBe("Merged after 2 edits by other people that Ada had not seen; moved 4 positions to the right.")
    expect(explainMerge(ops[1], v => ops[v - 1])).toBeNull()
  })

  it("tells a distance past a paragraph break in positions, which are no characters, and does not say a step moved when only its end did", async () => {
    const start = doc(p("ab<a>cd"), p("<b>end"))
    h = await historyHub(start)
    const { a } = tags(start)
    await h.submit(bob, 1, tr => tr.split(2))
    const merged = await h.submit(ada, 1, tr => tr.insertText("X", a))
    let ops = await h.ops()
    expect(explainMerge(merged, v => ops[v - 1])?.plain).toBe("Merged after 1 edit by Bob that Ada had not seen; moved 2 positions to the right.")
    // A deletion others typed into keeps their text: it ends later, but starts where it did.
    const around = { ...merged, version: merged.version + 1, baseVersion: merged.version - 1, moves: [{ index: 0, from: 5, to: 8, mappedFrom: 5, mappedTo: 11 }] }
    ops = [...ops, around]
    const explained = explainMerge(around, v => ops[v - 1])!
    expect([explained.moved, explained.text]).toEqual([null, expect.stringMatching(/its positions did not change$/)])
  })

  it("names who wrote a long run of concurrent ops without listing each", async () => {
    const start = doc(p("<a>x"))
    h = await historyHub(start)
    for (let i = 0; i < 4; i++) await h.submit(i % 2 ? bob : carol, 1 + i, tr => tr.insertText("b", 1))
    const merged = await h.submit(ada, 1, tr => tr.insertText("!", 2))
    const ops = await h.ops()
    expect(explainMerge(merged, v => ops[v - 1])?.text).toBe("written on v1 while 4 ops by Carol and Bob (v2–v5) arrived; moved from position 2 to 6")
  })

  it("filters merges, mine and one person, a person being one client whatever names and colours it used", async () => {
    const start = doc(p("ab"))
    h = await historyHub(start)
    await h.submit(bob, 1, tr => tr.insertText("B", 1))
    await h.submit(ada, 1, tr => tr.insertText("A", 3))
    await h.submit(carol, 3, tr => tr.addMark(1, 3, schema.marks.em.create()), 4_000)
    const entries = groupTimeline(await h.ops())
    const names = (list: TimelineEntry[]) => list.map(e => e.author.name)
    expect(names(filterTimeline(entries, { kind: "merges" }, ada.clientId))).toEqual(["Ada"])
    expect(names(filterTimeline(entries, { kind: "mine" }, carol.clientId))).toEqual(["Carol"])
    expect(names(filterTimeline(entries, { kind: "author", clientId: bob.clientId }, ada.clientId))).toEqual(["Bob"])
    expect(names(filterTimeline(entries, { kind: "all" }, ada.clientId))).toEqual(["Carol", "Ada", "Bob", "Setup"])
    // Bob, as "Robert" in another colour, is still Bob: one person in the filter, with the name used last.
    await h.submit({ ...bob, name: "Robert", color: "#e8590c" }, 4, tr => tr.insertText("R", 1), 8_000)
    const ops = await h.ops()
    expect(peopleOf(ops).map(person => [person.clientId, person.author.name])).toEqual([["bob", "Robert"], ["carol", "Carol"], ["ada", "Ada"], ["setup", "Setup"]])
    expect(names(filterTimeline(groupTimeline(ops), { kind: "author", clientId: bob.clientId }, ada.clientId))).toEqual(["Robert", "Bob"])
  })

  it("counts a last-writer-wins write that lost as lost content, shown among merges", () => {
    const stamp = { clientId: "bob", author: { name: "Bob", color: bob.color }, clock: 5, skew: 0 }
    const op: CommittedOp = {
      version: 1, clientId: "ada", seq: 1, baseVersion: 0, steps: [], author: { name: "Ada", color: ada.color }, time: 0,
      writes: [{ block: "b1", stamp: { ...stamp, clientId: "ada", author: { name: "Ada", color: ada.color }, clock: 3 }, won: false, text: "mine", beatenBy: stamp }]
    }
    const [entry] = groupTimeline([op])
    expect([entry.dropped, entry.merged, entry.summary]).toEqual([1, false, "changed nothing"])
    expect(filterTimeline([entry], { kind: "merges" }, ada.clientId)).toEqual([entry])
  })

  it("never groups an op whose steps the transform moved", async () => {
    const start = doc(p("ab<a>"))
    h = await historyHub(start)
    const { a } = tags(start)
    await h.submit(ada, 1, tr => tr.insertText("x", a))
    await h.submit(bob, 2, tr => tr.insertText("B", 1))
    const moved: CommittedOp = await h.submit(ada, 2, tr => tr.insertText("y", a + 1))
    expect(moved.moves?.length).toBe(1)
    const entries = groupTimeline(await h.ops())
    expect(entries.slice(0, 3).map(e => e.ops.length)).toEqual([1, 1, 1])
  })
})
