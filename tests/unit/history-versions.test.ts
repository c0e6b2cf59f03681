import { afterEach, describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { ReplaceStep, Step, Transform } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { limits } from "../../lib/protocol"
import { Authorship, HistoryLog, historyHighlightKey, historyHighlightPlugin, landedRanges, mergeHighlights, restoreVersion, setHistoryHighlights } from "../../lib/history"
import type { CommittedOp } from "../../lib/protocol"
import { b, tags } from "../support/builders"
import { ada, bob, historyHub, typeAt, type HistoryHub } from "./history-hub"

const { doc, p, ul, li, h1, em } = b

let h: HistoryHub | null = null
afterEach(async () => {
  await h?.close()
  h = null
})

function op(version: number, steps: CommittedOp["steps"] = []): CommittedOp {
  return { version, clientId: "c", seq: version, baseVersion: version - 1, steps, author: { name: "Ada", color: ada.color }, time: version }
}

describe("restoring a version", () => {
  const cases = [
    ["a changed word", doc(p("one two three"), p("four")), doc(p("one 2 three"), p("four"))],
    ["a removed block", doc(p("one"), p("two"), p("three")), doc(p("one"), p("three"))],
    ["an added list", doc(p("one"), p("two")), doc(p("one"), ul(li(p("x")), li(p("y"))), p("two"))],
    ["formatting and block types", doc(h1("title"), p("plain text")), doc(p("title"), p("plain ", em("text")))],
    ["repeated text at the boundary", doc(p("aaaa")), doc(p("aa"))],
    ["everything", doc(p("old")), doc(ul(li(p("new"))))]
  ] as const
  for (const [name, current, target] of cases) {
    it(`replaces only what differs: ${name}`, () => {
      const tr = restoreVersion(EditorState.create({ doc: current }), target)!
      expect(tr.doc.eq(target)).toBe(true)
      expect(tr.steps.length).toBeGreaterThan(0)
    })
  }

  it("keeps the common start and end out of the step", () => {
    const tr = restoreVersion(EditorState.create({ doc: doc(p("one two three"), p("four")) }), doc(p("one 2 three"), p("four")))!
    const step = tr.steps[0] as ReplaceStep
    expect([step.from, step.to, step.slice.content.textBetween(0, step.slice.content.size)]).toEqual([5, 8, "2"])
  })

  it("leaves a block the same in both versions untouched, so that what others type in it meanwhile stays there", () => {
    const block = (id: string, text: string) => schema.nodes.paragraph.create({ id }, schema.text(text))
    const current = schema.node("doc", null, [block("b1", "One uno"), block("b2", "Two"), block("b3", "Three tres"), block("b4", "Four")])
    const target = schema.node("doc", null, [block("b1", "One"), block("b2", "Two"), block("b3", "Three"), block("b5", "New"), block("b4", "Four")])
    const tr = restoreVersion(EditorState.create({ doc: current }), target)!
    expect(tr.doc.eq(target)).toBe(true)
    // One step per change, none reaching over "Two".
    const twoStart = 1 + "One uno".length + 1, twoEnd = twoStart + 1 + "Two".length // the end of its text
    for (const step of tr.steps) {
      const { from, to } = step as ReplaceStep
      expect(to <= twoStart || from >= twoEnd, JSON.stringify(step.toJSON())).toBe(true)
    }
    // Someone's caret, or typing, at the end of "Two" stays at the end of "Two".
    const mapped = tr.mapping.map(twoEnd)
    expect(tr.doc.resolve(mapped).parent.textContent).toBe("Two")
    expect(mapped).toBe(tr.doc.child(0).nodeSize + 1 + "Two".length)
  })

  it("brings back a long document in steps that each fit a message to the hub", () => {
    const block = (i: number) => schema.nodes.paragraph.create({ id: `b${i}` }, schema.text(`Paragraph ${i} of a long document, with enough words to be long.`))
    const long = schema.node("doc", null, Array.from({ length: 4000 }, (_, i) => block(i)))
    const cut = schema.node("doc", null, [block(0), schema.nodes.paragraph.create({ id: "new" }, schema.text("what was left"))])
    for (const [current, target] of [[cut, long], [schema.node("doc", null, [schema.nodes.paragraph.create({ id: "x" })]), long]]) {
      const tr = restoreVersion(EditorState.create({ doc: current }), target)!
      expect(tr.doc.eq(target)).toBe(true)
      expect(tr.steps.length).toBeGreaterThan(3)
      for (const step of tr.steps) expect(new TextEncoder().encode(JSON.stringify(step.toJSON())).length).toBeLessThan(limits.maxMessageBytes / 2)
    }
  })

  it("returns null when the versions are equal", () => {
    expect(restoreVersion(EditorState.create({ doc: doc(p("same")) }), doc(p("same")))).toBeNull()
  })
})

describe("authorship since a version", () => {
  it("gives each person's inserted text in their name, after edits by several people", async () => {
    const start = doc(p("base<a>"), p("<b>end"))
    h = await historyHub(start)
    await typeAt(h, ada, tags(start).a, "abc")
    await typeAt(h, bob, tags(start).a + 1, "XY")
    await h.submit(bob, 6, tr => tr.delete(1, 3))
    const ops = await h.ops()
    const authorship = new Authorship(await h.docAt(1), 1)
    for (const op of ops.slice(1)) authorship.add(op)
    expect(authorship.doc.eq(await h.docAt(ops.length))).toBe(true)
    const spans = authorship.spans.map(s => [s.author.name, authorship.doc.textBetween(s.from, s.to)])
    expect(spans).toEqual([["Ada", "a"], ["Bob", "XY"], ["Ada", "bc"]])
    expect(() => authorship.add(ops[1])).toThrow(RangeError)
  })

  it("counts a change over 10,000 positions that starts on a block's boundary, which prosemirror-changeset's diff throws on", () => {
    // A paragraph made a heading while 10,001 letters are pasted at its start: one change from the
    // heading's opening token to the end of the paste, whose long diff slices past the change's length.
    const start = doc(p("z"))
    const heading = new Transform(start).setBlockType(1, 1, schema.nodes.heading, { level: 1 })
    const paste = new Transform(heading.doc).insert(1, schema.text("m".repeat(10_001)))
    const authorship = new Authorship(start, 0)
    authorship.add(op(1, heading.steps.map(s => s.toJSON())))
    authorship.add({ ...op(2, paste.steps.map(s => s.toJSON())), author: { name: "Bob", color: bob.color } })
    const spans = authorship.spans.map(s => [s.author.name, s.from, s.to])
    expect(spans).toEqual([["Ada", 0, 1], ["Bob", 1, 10_002], ["Ada", 10_003, 10_004]])
  })

  it("moves back and forth among the versions added, with the documents and spans of each", async () => {
    const start = doc(p("base<a>"), p("<b>end"))
    h = await historyHub(start)
    for (let i = 0; i < 3; i++) {
      await typeAt(h, ada, 1 + i, "ab".repeat(10))
      const head = await h.docAt((await h.ops()).length)
      await typeAt(h, bob, head.content.size - 1, "XYZ".repeat(4))
    }
    const ops = await h.ops()
    const authorship = new Authorship(await h.docAt(1), 1)
    for (const op of ops.slice(1)) authorship.add(op)
    expect(authorship.latest).toBe(ops.length)
    for (const version of [ops.length, 2, 37, 36, 80, 1, 81, 26, ops.length - 1]) {
      authorship.moveTo(version)
      const fresh = new Authorship(await h.docAt(1), 1)
      for (const op of ops.slice(1, version)) fresh.add(op)
      expect([authorship.version, authorship.doc.eq(await h.docAt(version))]).toEqual([version, true])
      expect(authorship.spans).toEqual(fresh.spans)
    }
    expect(() => authorship.moveTo(ops.length + 1)).toThrow(RangeError)
    expect(() => authorship.moveTo(0)).toThrow(RangeError)

    // Given the ops with the document they lead to, it replays only what it is moved back to.
    const given = new Authorship(await h.docAt(1), 1)
    const head = await h.docAt(ops.length)
    given.addAll(ops.slice(1, 60), await h.docAt(60))
    given.addAll(ops.slice(60), head)
    authorship.moveTo(ops.length)
    expect([given.latest, given.doc, given.spans]).toEqual([ops.length, head, authorship.spans])
    for (const version of [59, 30, 61, 1, ops.length]) {
      given.moveTo(version)
      authorship.moveTo(version)
      expect([given.doc.eq(authorship.doc), given.spans]).toEqual([true, authorship.spans])
    }
    expect(() => given.addAll(ops.slice(5, 6), head)).toThrow(RangeError)

    // Given the ops alone, it replays them once to the document they lead to.
    const replaying = new Authorship(await h.docAt(1), 1)
    replaying.addAll(ops.slice(1))
    authorship.moveTo(ops.length)
    expect([replaying.latest, replaying.doc.eq(head), replaying.spans]).toEqual([ops.length, true, authorship.spans])
    const broken = new Authorship(await h.docAt(1), 1)
    expect(() => broken.addAll([{ ...ops[1], steps: [{ stepType: "replace", from: 0, to: 1 }] }])).toThrow(/do not apply/)
  })
})

describe("the history log", () => {
  it("grows with live ops and pages, refuses gaps and builds maps", () => {
    const log = new HistoryLog(10)
    expect(log.append([op(5), op(6)])).toBe(true)
    expect(log.append([op(6), op(7)])).toBe(true)
    expect(log.append([op(9)])).toBe(false)
    log.addPage([op(4), op(3)], 3)
    expect([log.oldest, log.newest, log.complete]).toEqual([3, 7, false])
    log.addPage([op(2), op(1)], null)
    expect([log.oldest, log.complete]).toEqual([1, true])
    expect(log.range(2, 4)?.map(o => o.version)).toEqual([3, 4])
    expect(log.range(7, 8)).toBeNull()
    expect(log.mapsBetween(1, 7)).toEqual([])
  })

  it("drops the oldest fifth past its capacity", () => {
    const log = new HistoryLog(10)
    const epoch = log.epoch
    log.append(Array.from({ length: 11 }, (_, i) => op(i + 1)))
    expect([log.oldest, log.newest, log.epoch > epoch]).toEqual([4, 11, true])
  })

  it("replaces its ops with a newer page that does not join them", () => {
    const log = new HistoryLog()
    log.append([op(1), op(2)])
    log.addPage([op(9), op(8)], 8)
    expect([log.oldest, log.newest]).toEqual([8, 9])
    log.addPage([op(3)], 3)
    expect([log.oldest, log.newest]).toEqual([8, 9])
  })
})

describe("highlighting a merge", () => {
  it("finds where a merged op landed and what it was merged with, in a later document", async () => {
    const start = doc(p("hello<a>"), p("world"))
    h = await historyHub(start)
    await h.submit(bob, 1, tr => tr.insertText("Big ", 1))
    const merged = await h.submit(ada, 1, tr => tr.insertText(" there", tags(start).a))
    await h.submit(bob, 3, tr => tr.insertText(">> ", 1))
    const ops = await h.ops()
    const final = await h.docAt(4)
    const mapsFrom = (version: number) => ops.slice(version).flatMap(o => o.steps.map(json => Step.fromJSON(schema, json).getMap()))
    const ranges = mergeHighlights(merged, v => ops[v - 1], mapsFrom)
    expect(ranges.map(r => [r.role, r.title, final.textBetween(r.from, r.to)])).toEqual([
      ["concurrent", "Bob, v2", "Big "],
      ["landed", "Ada, v3", " there"]
    ])
    expect(landedRanges(merged)).toEqual([{ from: 10, to: 16 }])

    const plugin = historyHighlightPlugin()
    let state = EditorState.create({ doc: final, plugins: [plugin] })
    state = state.apply(setHistoryHighlights(state.tr, ranges))
    state = state.apply(state.tr.insertText("#", 1))
    const found = historyHighlightKey.getState(state)!.find().map(d => state.doc.textBetween(d.from, d.to))
    expect(found).toEqual(["Big ", " there"])
    state = state.apply(setHistoryHighlights(state.tr, null))
    expect(historyHighlightKey.getState(state)!.find()).toEqual([])
  })
})
