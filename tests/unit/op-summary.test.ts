import { describe, expect, it } from "vitest"
import { ReplaceAroundStep, ReplaceStep, Transform } from "prosemirror-transform"
import { Fragment, type Node, Slice } from "prosemirror-model"
import { liftListItem, sinkListItem, wrapInList } from "prosemirror-schema-list"
import { EditorState, TextSelection } from "prosemirror-state"
import { schema } from "../../lib/schema"
import { StepSummarizer, summarizeSteps, summaryText } from "../../lib/ot"
import { b } from "../support/builders"
import { seededRandom } from "../support/seeded-random"

const { doc, p, h1, ul, li } = b
const texts = (d: Node, tr: Transform) => summarizeSteps(d, tr.steps).map(c => c.text)

// As the hub describes a batch: each step with the document it applies to, added as it applies.
function summaryOf(tr: Transform) {
  const summarizer = new StepSummarizer()
  tr.steps.forEach((step, i) => summarizer.add(step, tr.docs[i]))
  return summarizer.changes
}

describe("op summaries", () => {
  it("merges consecutive keystrokes into one typed phrase naming the block", () => {
    const start = doc(p("one"), p("two"), p("three"))
    const tr = new Transform(start)
    const at = 12
    "hello world".split("").forEach((ch, i) => tr.insert(at + i, schema.text(ch)))
    expect(texts(start, tr)).toEqual(["typed 'hello world' in paragraph 3"])
    // The hub adds each step with its document as the step applies, instead of applying the steps again.
    expect(summaryOf(tr).map(c => c.text)).toEqual(["typed 'hello world' in paragraph 3"])
  })

  it("says what was deleted, replaced and formatted", () => {
    const start = doc(p("foo bar"))
    expect(texts(start, new Transform(start).delete(1, 4))).toEqual(["deleted 'foo' in paragraph 1"])
    expect(texts(start, new Transform(start).replaceWith(5, 8, schema.text("baz")))).toEqual(["replaced 'bar' with 'baz'"])
    expect(texts(start, new Transform(start).addMark(5, 8, schema.marks.strong.create()))).toEqual(["made 'bar' bold"])
    expect(texts(start, new Transform(start).removeMark(5, 8, schema.marks.strong))).toEqual([])
  })

  it("describes a deletion made around text typed into its range concurrently", () => {
    const d = doc(p("the brown quick fox jumps"))
    // "brown " and "fox" deleted, "quick " (typed meanwhile by someone else) kept: positions 5..20, gap 11..17.
    expect(texts(d, new Transform(d).step(new ReplaceAroundStep(5, 20, 11, 17, Slice.empty, 0)))).toEqual(["deleted 'brown ' and 'fox' around 'quick ' in paragraph 1"])
    const red = new Slice(Fragment.from(schema.text("red")), 0, 0)
    expect(texts(d, new Transform(d).step(new ReplaceAroundStep(5, 20, 11, 17, red, 3)))).toEqual(["replaced 'brown ' and 'fox' with 'red' around 'quick '"])
    // Its undo (the step's inverse) puts the words back around "quick ".
    const deleted = new Transform(d).step(new ReplaceAroundStep(5, 20, 11, 17, Slice.empty, 0))
    expect(summarizeSteps(deleted.doc, [deleted.steps[0].invert(d)]).map(c => c.text)).toEqual(["typed 'brown fox' around 'quick ' in paragraph 1"])
  })

  it("describes a deletion split into pieces around concurrent typing as one change, in one block or across blocks", () => {
    const pieces = (d: ReturnType<typeof doc>, ranges: [number, number][], slice = Slice.empty) => {
      const summarizer = new StepSummarizer()
      // As splitAround gives them: from the last in the document to the first, the first inserting.
      summarizer.addCommitted(ranges.map(([from, to], i) => new ReplaceStep(from, to, i == 0 ? slice : Slice.empty)).reverse(), d)
      return summarizer.changes.map(c => c.text)
    }
    const one = doc(p("the brown quick fox high jumps"))
    // "brown ", "fox" and " jumps" deleted around "quick " and " high".
    expect(pieces(one, [[5, 11], [17, 20], [25, 31]])).toEqual(["deleted 'brown ', 'fox' and ' jumps' around 'quick ' and ' high' in paragraph 1"])
    const across = doc(p("one two"), p("midZdle"), p("three four"))
    // "two", the break, "mid" deleted; "Z" kept; "dle", the break, "three" deleted.
    expect(pieces(across, [[5, 13], [14, 24]])).toEqual(["deleted 'two mid' and 'dle three' around 'Z'"])
    expect(pieces(across, [[5, 13], [14, 24]], new Slice(Fragment.from(schema.text("new")), 0, 0))).toEqual(["replaced 'two mid' and 'dle three' with 'new' around 'Z'"])
    // Pieces that only join blocks delete no text: Z was typed into the empty paragraph between.
    const joined = doc(p("one"), p("Z"), p("three"))
    expect(pieces(joined, [[4, 6], [7, 9]])).toEqual(["joined blocks around 'Z'"])
  })

  it("names splits, joins, headings and lists", () => {
    const start = doc(p("hello world"), p("next"))
    expect(texts(start, new Transform(start).split(6))).toEqual(["split paragraph 1"])
    expect(texts(start, new Transform(start).join(13))).toEqual(["joined paragraph 1 with the next block"])
    expect(texts(start, new Transform(start).setBlockType(1, 1, schema.nodes.heading, { level: 1 }))).toEqual(["made paragraph 1 a heading"])
    const state = EditorState.create({ doc: start, selection: TextSelection.create(start, 2, 15) })
    let tr: Transform | null = null
    wrapInList(schema.nodes.bullet_list)(state, t => (tr = t))
    expect(texts(start, tr!)).toEqual(["turned 2 blocks into a list"])
    expect(texts(doc(h1("x")), new Transform(doc(h1("x"))).insert(2, schema.text("y")))).toEqual(["typed 'y' in heading 1"])
  })
})

describe("op summaries of leaving a list", () => {
  it("says in plain words what an insertion without text and a block's attributes did, leaving bookkeeping out", () => {
    const start = doc(p("one"), p("two"))
    expect(texts(start, new Transform(start).insert(5, schema.nodes.paragraph.create()))).toEqual(["added an empty paragraph"])
    expect(texts(start, new Transform(start).insert(5, schema.nodes.horizontal_rule.create()))).toEqual(["added a rule"])
    expect(texts(start, new Transform(start).insert(5, [schema.nodes.paragraph.create(), schema.nodes.paragraph.create()]))).toEqual(["added 2 blocks"])
    const version = (name: string) => ({ vv: { [name]: 1 }, node: null, author: { name, color: "#000000" }, clientId: name })
    const conflict = [version("ada"), version("bob")]
    // A conflict's versions are the hub's to tell (the words of version-vector writes), not once more here.
    const marked = new Transform(start).setNodeAttribute(5, "conflict", conflict).doc
    expect(summaryOf(new Transform(marked).setNodeAttribute(5, "conflict", null))).toEqual([])
    expect(summaryOf(new Transform(start).setNodeAttribute(0, "vv", { a: 1 }).setNodeAttribute(5, "id", "p2").setNodeAttribute(5, "conflict", conflict))).toEqual([])
  })

  it("tells text put in where nothing but blocks was removed as typing or blocks added, and text taken out as a deletion", () => {
    const start = doc(p("one"), p(), p("three"))
    const replace = (from: number, to: number, ...nodes: Node[]) => texts(start, new Transform(start).step(new ReplaceStep(from, to, new Slice(Fragment.from(nodes), 0, 0))))
    // An empty paragraph written whole, as a block write of last writer wins does.
    expect(replace(5, 7, p("hello"))).toEqual(["typed 'hello' in paragraph 2"])
    expect(replace(5, 7, h1("Plans"))).toEqual(["added a heading 'Plans'"])
    expect(replace(5, 7, ul(li(p("Write the notes")), li(p("Check"))))).toEqual(["added a list 'Write the notes Check'"])
    expect(replace(5, 7, p(), p())).toEqual(["rearranged blocks"])
    // Between blocks (a paragraph pasted, or one of a CRDT update).
    expect(replace(5, 5, p("Second line"))).toEqual(["added a paragraph 'Second line'"])
    expect(replace(5, 5, p("a"), p("b"))).toEqual(["added 2 blocks 'a b'"])
    // Typing that went on into new blocks, as one step (a Yjs update): the text kept in the block, then the blocks added.
    const open = (at: number, ...nodes: Node[]) => texts(start, new Transform(start).step(new ReplaceStep(at, at, new Slice(Fragment.from(nodes), 1, 1))))
    expect(open(4, p(" Ada."), p("New para from Ada."))).toEqual(["typed ' Ada.' in paragraph 1 and added a paragraph 'New para from Ada.'"])
    expect(open(4, p(), p("New"), p("Last"))).toEqual(["added 2 blocks 'New Last' after paragraph 1"])
    // Inside a paragraph, an inline node replaced by text.
    const broken = doc(p("a", schema.nodes.hard_break.create(), "b"))
    expect(texts(broken, new Transform(broken).replaceWith(2, 3, schema.text("x")))).toEqual(["typed 'x' in paragraph 1"])
    expect(texts(start, new Transform(start).replaceWith(1, 4, schema.nodes.hard_break.create()))).toEqual(["deleted 'one'"])
  })

  it("tells whole blocks taken out from text deleted inside one", () => {
    const start = doc(p("one"), p(), p("*"), p("four"))
    expect(texts(start, new Transform(start).delete(5, 7))).toEqual(["removed an empty paragraph"])
    expect(texts(start, new Transform(start).delete(7, 10))).toEqual(["removed a paragraph '*'"])
    expect(texts(start, new Transform(start).delete(5, 10))).toEqual(["removed 2 blocks '*'"])
    expect(texts(start, new Transform(start).delete(11, 13))).toEqual(["deleted 'fo' in paragraph 4"])
  })

  it("says a block moved out of the list, not that the document became one", () => {
    const { ul, li } = b
    const start = doc(ul(li(p("one")), li(p("two"))), p("after"))
    const state = EditorState.create({ doc: start, selection: TextSelection.create(start, 11) })
    let tr: Transform | null = null
    liftListItem(schema.nodes.list_item)(state, t => (tr = t))
    expect(tr).not.toBeNull()
    expect(texts(start, tr!)).toEqual(["moved 1 block out of a list"])
  })

  it("tells a paste of several blocks into an empty one by its text, and a list item moved into the list of the one before as indented", () => {
    const { h2, strong } = b
    const start = doc(p("one"), p())
    const state = EditorState.create({ doc: start, selection: TextSelection.create(start, 6) })
    // As ProseMirror pastes HTML: the first paragraph open, the list open to its innermost paragraph (one ReplaceAroundStep).
    const pasted = state.tr.replaceSelection(new Slice(Fragment.from([p("Hi ", strong("bold")), h2("Sub"), ul(li(p("x")))]), 1, 3))
    expect(texts(start, pasted)).toEqual(["typed 'Hi bold' in paragraph 2 and added 2 blocks 'Sub x'"])
    const list = doc(ul(li(p("one")), li(p("two"))))
    let tr: Transform | null = null
    sinkListItem(schema.nodes.list_item)(EditorState.create({ doc: list, selection: TextSelection.create(list, 12) }), t => (tr = t))
    expect(texts(list, tr!)).toEqual(["indented 1 block"])
  })

  it("names the quote or list a block is lifted out of, and leaves out a step that changes nothing", () => {
    const { quote } = b
    const quoted = doc(quote(p("one")))
    expect(texts(quoted, new Transform(quoted).lift(quoted.resolve(2).blockRange()!, 0))).toEqual(["lifted 1 block out of a quote"])
    const plain = doc(p("one"))
    expect(texts(plain, new Transform(plain).step(new ReplaceStep(2, 2, Slice.empty)).insert(2, schema.text("x")))).toEqual(["typed 'x' in paragraph 1"])
    expect(texts(plain, new Transform(plain).step(new ReplaceStep(2, 2, Slice.empty)))).toEqual([])
  })

  it("keeps an op's summary short: the first phrases and how many more", () => {
    const start = doc(p("one"), p("two"), p("three"))
    const tr = new Transform(start)
    for (let i = 0; i < 12; i++) tr.insert(1, schema.text("x")).insert(tr.doc.content.size - 1, schema.text("y"))
    const changes = summarizeSteps(start, tr.steps)
    expect(changes).toHaveLength(24)
    const summary = summaryText(changes)
    expect(summary.split("; ")).toHaveLength(9)
    expect(summary.endsWith("; 16 more changes")).toBe(true)
    expect(summaryText(changes.slice(0, 2))).toBe("typed 'x' in paragraph 1; typed 'y' in paragraph 3")
  })

  it("spells out only as many changes as a summary shows and counts the rest by the same rules", () => {
    const start = doc(p("one"), p("two"), p("three"))
    const tr = new Transform(start)
    for (let i = 0; i < 6; i++) tr.insert(1, schema.text("x")).split(tr.doc.content.size - 3)
    const summarizer = new StepSummarizer(3)
    tr.steps.forEach((step, i) => summarizer.add(step, tr.docs[i]))
    const all = summarizeSteps(start, tr.steps)
    expect(summarizer.changes).toEqual(all.slice(0, 3))
    expect(summarizer.total).toBe(all.length)
    expect(summaryText(summarizer.changes, 3, summarizer.total)).toBe(summaryText(all, 3))
  })

  it("counts the changes it does not spell out as it describes them, over random edits", () => {
    const random = seededRandom(77)
    const pick = (n: number) => Math.floor(random() * n)
    for (let round = 0; round < 150; round++) {
      const start = doc(p("alpha beta"), ul(li(p("one")), li(p("two"))), p("gamma"), p("delta epsilon"))
      const tr = new Transform(start)
      for (let i = 0; i < 25; i++) randomEdit(tr, pick)
      const all = summarizeSteps(start, tr.steps)
      for (const spelled of [0, 1, 2, 5, 8]) {
        const summarizer = new StepSummarizer(spelled)
        tr.steps.forEach((step, i) => summarizer.add(step, tr.docs[i]))
        expect(summarizer.total, `round ${round}, ${spelled} spelled`).toBe(all.length)
        expect(summarizer.changes).toEqual(all.slice(0, spelled))
      }
    }
  })
})

/** Positions inside textblocks of `d`, each with its textblock's start and end. */
function textPositions(d: Node): { pos: number; start: number; end: number }[] {
  const out: { pos: number; start: number; end: number }[] = []
  d.descendants((node, pos) => {
    if (!node.isTextblock) return true
    for (let i = 0; i <= node.content.size; i++) out.push({ pos: pos + 1 + i, start: pos + 1, end: pos + 1 + node.content.size })
    return false
  })
  return out
}

/** One edit of the kinds a summary tells apart: typing runs, splits, deletions and joins, marks, blocks added, lists put on and taken off. */
function randomEdit(tr: Transform, pick: (n: number) => number): void {
  const places = textPositions(tr.doc)
  const at = places[pick(places.length)]
  const last = tr.steps[tr.steps.length - 1]
  switch (pick(8)) {
    case 0: case 1: {
      // Typing, often right after the last insertion so that keystrokes merge.
      const pos = last instanceof ReplaceStep && last.from == last.to && last.slice.size && pick(2) ? last.from + last.slice.size : at.pos
      if (places.some(place => place.pos == pos)) tr.insert(pos, schema.text("ab".slice(0, 1 + pick(2))))
      return
    }
    case 2: tr.split(at.pos); return
    case 3: if (at.end > at.start) { const from = at.start + pick(at.end - at.start); tr.delete(from, from + 1 + pick(at.end - from)) } return
    case 4: { const other = places[pick(places.length)]; tr.delete(Math.min(at.pos, other.pos), Math.max(at.pos, other.pos)); return }
    case 5: if (at.end > at.start) tr.addMark(at.start, at.end, schema.marks.strong.create()); return
    case 6: {
      const $pos = tr.doc.resolve(at.pos)
      if ($pos.depth == 1) tr.insert($pos.before(1), schema.nodes.paragraph.create())
      return
    }
    default: {
      const state = EditorState.create({ doc: tr.doc, selection: TextSelection.create(tr.doc, at.pos) })
      const command = pick(2) ? wrapInList(schema.nodes.bullet_list) : liftListItem(schema.nodes.list_item)
      command(state, next => next.steps.forEach(step => tr.step(step)))
    }
  }
}
