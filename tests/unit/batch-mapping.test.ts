import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { Fragment, type Node, Slice } from "prosemirror-model"
import { AddMarkStep, Mapping, ReplaceStep, Step, type StepMap } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { applyTransformed, mapStep, sameInsertion, transformBatch, type TransformedBatch } from "../../lib/ot"
import { BatchMapping } from "../../lib/ot/batch-mapping"
import { followSplit, mayDelete, splitAround } from "../../lib/ot/kept-insertions"
import { InsertedRanges } from "../../lib/ot/inserted-ranges"
import { MemoryHub } from "../support/collab-harness"
import { runFuzzSession } from "../fuzz/fuzz-session"
import { Prng } from "../fuzz/prng"

// transformBatch with one prosemirror Mapping per step exactly as prosemirror-collab's rebaseSteps
// builds it (mirroring only steps that insert the same content), deletions split around concurrent
// typing as transformBatch splits them: the reference BatchMapping must agree with.
function referenceSteps(head: Node, batch: readonly Step[], concurrent: readonly StepMap[], stickLeft?: ReadonlySet<number>) {
  const mapping = new Mapping()
  for (let i = batch.length - 1; i >= 0; i--) mapping.appendMap(batch[i].getMap().invert())
  for (const map of concurrent) mapping.appendMap(map)
  let doc = head
  const inserted = InsertedRanges.of(concurrent)
  const steps: Step[] = [], dropped: number[] = []
  for (let i = 0, mapFrom = batch.length; i < batch.length; i++) {
    const mapped = mapStep(batch[i], mapping.slice(mapFrom), stickLeft?.has(i))
    mapFrom--
    const split = mapped && batch.some(mayDelete) ? splitAround(doc, mapped, inserted) : null
    if (split && split.steps.length == 0) {
      dropped.push(i)
      continue
    }
    if (split) {
      let at: Node | null = doc
      for (const piece of split.steps) at = at && piece.apply(at).doc
      if (at) {
        doc = at
        mapping.appendMap(split.map, split.extends || sameInsertion(batch[i], split.steps[split.steps.length - 1]) ? mapFrom : undefined)
        followSplit(inserted, split)
        steps.push(...split.steps)
        continue
      }
    }
    const applied = mapped ? applyTransformed(doc, mapped) : null
    if (applied && applied.step) {
      doc = applied.doc
      mapping.appendMap(applied.step.getMap(), sameInsertion(batch[i], applied.step) ? mapFrom : undefined)
      inserted.map(applied.step.getMap())
      steps.push(applied.step)
    } else {
      dropped.push(i)
    }
  }
  return { doc, steps, dropped }
}

function expectSame(result: TransformedBatch, reference: ReturnType<typeof referenceSteps>) {
  expect(JSON.stringify(result.steps)).toBe(JSON.stringify(reference.steps))
  expect(result.dropped.map(d => d.index)).toEqual(reference.dropped)
  expect(result.doc.eq(reference.doc)).toBe(true)
}

function paragraphs(rng: Prng, count: number): Node {
  const words = ["ab", "cde", "f", "ghij"]
  return schema.nodes.doc.create(null, Array.from({ length: count }, () =>
    schema.nodes.paragraph.create(null, schema.text(Array.from({ length: 4 }, () => rng.pick(words)).join(" ")))))
}

// Random text edits, each on the document the previous ones made: inserts, deletions (often of
// text the same edits inserted, so that mirrors matter) and deletions across paragraphs.
function textEdits(rng: Prng, doc: Node, count: number): Step[] {
  const steps: Step[] = []
  for (let i = 0; i < count; i++) {
    const positions: number[] = []
    doc.descendants((node, pos) => {
      if (node.isTextblock) for (let k = 0; k <= node.content.size; k++) positions.push(pos + 1 + k)
      return !node.isTextblock
    })
    const at = rng.pick(positions)
    let step: Step
    if (rng.chance(0.6)) {
      step = new ReplaceStep(at, at, new Slice(Fragment.from(schema.text(rng.pick(["x", "yz", "w v"]))), 0, 0))
    } else {
      const to = rng.chance(0.8) ? Math.min(doc.content.size - 1, at + rng.between(1, 4)) : rng.pick(positions)
      const [from, end] = at <= to ? [at, to] : [to, at]
      const replaced = new ReplaceStep(from, end, Slice.empty)
      step = replaced.apply(doc).doc ? replaced : new ReplaceStep(at, at, new Slice(Fragment.from(schema.text("q")), 0, 0))
    }
    doc = step.apply(doc).doc!
    steps.push(step)
  }
  return steps
}

describe("sameInsertion", () => {
  it("pairs a step with its mapped form but not with a refitted one", () => {
    const para = new Slice(Fragment.from(schema.nodes.paragraph.create(null, schema.text("xy"))), 0, 0)
    const listItem = new Slice(Fragment.from(schema.nodes.list_item.create(null, para.content)), 0, 0)
    const step = new ReplaceStep(4, 4, listItem)
    expect(sameInsertion(step, new ReplaceStep(9, 9, listItem))).toBe(true)
    expect(sameInsertion(step, new ReplaceStep(4, 4, para))).toBe(false)
    expect(sameInsertion(step, new AddMarkStep(1, 3, schema.marks.em.create()))).toBe(false)
    expect(sameInsertion(new AddMarkStep(1, 3, schema.marks.em.create()), new AddMarkStep(2, 3, schema.marks.em.create()))).toBe(true)
  })
})

describe("BatchMapping", () => {
  // Follow positions in trees even for the smallest batches, which are otherwise mapped directly.
  beforeEach(() => {
    BatchMapping.directLimit = 0
  })
  afterEach(() => {
    BatchMapping.directLimit = 256
  })

  it("transforms random text batches exactly as one Mapping per step does", () => {
    const rng = new Prng(7)
    for (let round = 0; round < 150; round++) {
      const base = paragraphs(rng, rng.between(1, 6))
      const theirs = textEdits(rng, base, rng.between(1, 40))
      const mine = textEdits(rng, base, rng.between(1, 40))
      let head = base
      for (const step of theirs) head = step.apply(head).doc!
      const maps = theirs.map(s => s.getMap())
      expectSame(transformBatch(head, mine, maps), referenceSteps(head, mine, maps))
    }
  })

  it("transforms every batch of random collaboration sessions (lists, marks, blockquotes, undo) exactly as one Mapping per step does", () => {
    const submit = MemoryHub.prototype.submit
    let compared = 0
    const spy = vi.spyOn(MemoryHub.prototype, "submit").mockImplementation(function (this: MemoryHub, clientId, batch) {
      const head = this.doc
      const steps = batch.steps.map(json => Step.fromJSON(schema, json))
      const concurrent = this.maps.slice(batch.baseVersion).flat()
      const result = submit.call(this, clientId, batch)
      if (!result.duplicate && concurrent.length) {
        const reference = referenceSteps(head, steps, concurrent, new Set(batch.stickLeft))
        expect(JSON.stringify(result.op.steps)).toBe(JSON.stringify(reference.steps))
        expect((result.op.dropped ?? []).map(d => d.index)).toEqual(reference.dropped)
        compared++
      }
      return result
    })
    try {
      for (let seed = 40_000; seed < 40_050; seed++) expect(runFuzzSession(seed, { maxActions: 120 }).ok).toBe(true)
    } finally {
      spy.mockRestore()
    }
    expect(compared).toBeGreaterThan(300)
  })

  it("leaves whole sessions, clients' rebases included, exactly as they are with one Mapping per step", () => {
    const run = (seed: number) => {
      const ops: string[] = []
      const submit = MemoryHub.prototype.submit
      const spy = vi.spyOn(MemoryHub.prototype, "submit").mockImplementation(function (this: MemoryHub, clientId, batch) {
        const result = submit.call(this, clientId, batch)
        ops.push(JSON.stringify(result.op))
        return result
      })
      try {
        return { result: runFuzzSession(seed, { maxActions: 120 }), ops }
      } finally {
        spy.mockRestore()
      }
    }
    let transformed = 0, slowAnswers = 0
    for (let seed = 41_000; seed < 41_040; seed++) {
      const fast = run(seed)
      // Answer every position from BatchMapping's reference Mapping instead of its trees.
      const slow = vi.spyOn(BatchMapping.prototype, "mapResult").mockImplementation(function (this: BatchMapping, pos, assoc = 1) {
        const self = this as unknown as { reference: Mapping; queries: unknown[]; next: number }
        slowAnswers++
        return self.reference.slice(self.queries.length - self.next).mapResult(pos, assoc)
      })
      let reference
      try {
        reference = run(seed)
      } finally {
        slow.mockRestore()
      }
      expect(fast.result).toEqual(reference.result)
      expect(fast.ops).toEqual(reference.ops)
      transformed += fast.ops.map(op => JSON.parse(op)).filter(op => op.baseVersion < op.version - 1).length
    }
    expect(transformed).toBeGreaterThan(100)
    expect(slowAnswers).toBeGreaterThan(1000)
  })
})
