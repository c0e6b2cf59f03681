import { Slice, type Fragment, type Node } from "prosemirror-model"
import {
  AddMarkStep, AddNodeMarkStep, AttrStep, DocAttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, ReplaceStep, Step, Transform, findWrapping, type StepMap
} from "prosemirror-transform"
import { schema, checkStepContent, stepContentProblem } from "../../lib/schema"
import { markSetSteps } from "../../lib/schema/mark-set-steps"
import { limits, type StepJSON } from "../../lib/protocol"
import { anyHostile, hostileNumber, onTheWire, wrongType, type Hostile } from "./hostile-values"
import type { Prng } from "./prng"

const { nodes, marks } = schema
const words = ["a", "bc", "def", "x y", "ghij"]

/** An attribute no node type of the schema has, which the fuzzer puts in slices and attribute steps. */
export const unknownAttribute = "onclick"

/** Steps with a label saying what kind they are and, for a mutated one, what was done to it. */
export interface StepCase {
  steps: StepJSON[]
  label: string
}

// Every position inside a node with inline content, where text may go.
function inlinePositions(doc: Node): number[] {
  const positions: number[] = []
  doc.descendants((node, pos) => {
    if (!node.inlineContent) return true
    for (let p = pos + 1; p <= pos + node.nodeSize - 1; p++) positions.push(p)
    return false
  })
  return positions
}

// A range inside one textblock: [from, to], from <= to.
function textRange(rng: Prng, doc: Node): [number, number] {
  const at = rng.pick(inlinePositions(doc))
  const $at = doc.resolve(at)
  const end = rng.between(at, $at.end())
  return [at, end]
}

function stepsOf(tr: Transform): StepJSON[] {
  return tr.steps.map(s => s.toJSON() as StepJSON)
}

/** One to three steps that apply to `doc` and keep it valid, of every kind the editor makes. */
export function validSteps(rng: Prng, doc: Node): StepCase {
  const tr = new Transform(doc)
  const kind = rng.weighted<string>([
    [5, "insert"], [2, "delete"], [1, "split"], [2, "addMark"], [1, "removeMark"], [1, "link"],
    [1, "heading"], [1, "wrap"], [1, "attr"]
  ])
  const [from, to] = textRange(rng, doc)
  switch (kind) {
    case "insert": tr.insert(from, schema.text(rng.pick(words))); break
    case "delete": if (to > from) tr.delete(from, to); else tr.insert(from, schema.text("d")); break
    case "split": tr.split(from); break
    case "addMark": tr.addMark(from, Math.max(to, from), rng.pick([marks.strong, marks.em]).create()); break
    case "removeMark": tr.step(new RemoveMarkStep(from, to, marks.strong.create())); break
    case "link": tr.addMark(from, to, marks.link.create({ href: "https://example.com/" + rng.int(100) })); break
    case "heading": tr.setBlockType(from, from, nodes.heading, { level: rng.between(1, 3) }); break
    case "wrap": {
      const range = doc.resolve(from).blockRange()
      const wrapping = range && findWrapping(range, nodes.blockquote)
      if (range && wrapping) tr.wrap(range, wrapping)
      else tr.insert(from, schema.text("w"))
      break
    }
    case "attr": {
      const $from = doc.resolve(from)
      const block = $from.parent
      const pos = $from.before()
      if (block.type == nodes.heading) tr.step(new AttrStep(pos, "level", rng.between(1, 3)))
      else tr.step(new AttrStep(pos, "id", "fz" + rng.int(1e9).toString(36)))
      break
    }
  }
  if (!tr.steps.length) tr.insert(from, schema.text("e"))
  return { steps: stepsOf(tr), label: kind }
}

// The numeric fields of each step type that a mutation aims at (paths inside the step JSON).
const numericFields: Record<string, string[][]> = {
  replace: [["from"], ["to"], ["slice", "openStart"], ["slice", "openEnd"]],
  replaceAround: [["from"], ["to"], ["gapFrom"], ["gapTo"], ["insert"], ["slice", "openStart"], ["slice", "openEnd"]],
  addMark: [["from"], ["to"]],
  removeMark: [["from"], ["to"]],
  attr: [["pos"]],
  addNodeMark: [["pos"]],
  removeNodeMark: [["pos"]]
}

// Steps the editor never makes, built directly: node marks, document attributes, attributes the schema refuses.
function unusualStep(rng: Prng, doc: Node): StepCase {
  const [from] = textRange(rng, doc)
  const block = doc.resolve(from).before(1)
  const step: StepJSON = rng.weighted<() => StepJSON>([
    [1, () => new AddNodeMarkStep(rng.pick([block, from]), marks.strong.create()).toJSON()],
    [1, () => new RemoveNodeMarkStep(rng.pick([block, from]), marks.em.create()).toJSON()],
    [1, () => new DocAttrStep(rng.pick(["title", "__proto__", "constructor"]), rng.pick([1, "x", null])).toJSON()],
    [1, () => new AttrStep(block, rng.pick(["level", "order", "constructor", "toString", "vv", "conflict", unknownAttribute]), rng.pick([9, 3.5, -1, 0, "2", { evil: 1 }, null])).toJSON()],
    // As JSON: the schema would not let a javascript: link mark be created here.
    [1, () => ({ stepType: "addMark", mark: { type: "link", attrs: { href: rng.pick(["javascript:alert(1)", "data:text/html,x", "https://ok.example/"]) } }, from, to: from + 1 })]
  ])()
  return { steps: [step], label: `unusual ${step.stepType}` }
}

// A slice whose content the schema does not allow (or allows only barely), as raw JSON.
function hostileSliceContent(rng: Prng): { content: unknown; label: string } {
  const text = (t: string, markJSON?: unknown) => ({ type: "text", text: t, ...(markJSON ? { marks: [markJSON] } : {}) })
  const cases: [string, unknown][] = [
    ["heading level 9", [{ type: "heading", attrs: { level: 9 }, content: [text("h")] }]],
    ["heading level 2.5", [{ type: "heading", attrs: { level: 2.5 }, content: [text("h")] }]],
    ["javascript: link", [text("l", { type: "link", attrs: { href: "javascript:alert(1)" } })]],
    ["unknown node type", [{ type: "script", content: [text("s")] }]],
    ["unknown mark", [text("m", { type: "blink" })]],
    ["unknown attribute", [{ type: "paragraph", attrs: { [unknownAttribute]: "x" }, content: [text("p")] }]],
    ["paragraph in paragraph", [{ type: "paragraph", content: [{ type: "paragraph", content: [text("p")] }] }]],
    ["empty text", [text("")]],
    ["text without text", [{ type: "text" }]],
    ["ordered list order 3.5", [{ type: "ordered_list", attrs: { order: 3.5 }, content: [{ type: "list_item", content: [{ type: "paragraph" }] }] }]],
    ["marked code", [{ type: "code_block", content: [text("c", { type: "strong" })] }]],
    ["block id too long", [{ type: "paragraph", attrs: { id: "i".repeat(65) }, content: [text("p")] }]],
    ["content not an array", { type: "paragraph" }],
    ["deep blockquotes", nestedQuotes(rng.pick([50, 500, 2_000]))]
  ]
  const [label, content] = rng.pick(cases)
  return { content, label }
}

function nestedQuotes(depth: number): unknown {
  let node: unknown = { type: "paragraph", content: [{ type: "text", text: "q" }] }
  for (let i = 0; i < depth; i++) node = { type: "blockquote", content: [node] }
  return [node]
}

function setPath(json: Record<string, unknown>, path: string[], value: unknown): void {
  let at = json
  for (const key of path.slice(0, -1)) {
    if (!at[key] || typeof at[key] != "object") at[key] = {}
    at = at[key] as Record<string, unknown>
  }
  if (value === undefined) delete at[path[path.length - 1]]
  else at[path[path.length - 1]] = value
}

// A position the document does not have, or one at its very edge.
function outOfRange(rng: Prng, doc: Node): Hostile {
  const size = doc.content.size
  return rng.pick([
    { value: size + 1, label: "past the end" },
    { value: size + rng.between(2, 1000), label: "past the end" },
    { value: -rng.between(1, 5), label: "negative" },
    { value: 1e9, label: "1e9" }
  ])
}

/**
 * Valid steps for `doc` with one thing made hostile: a numeric field of one step (non-integer, out of
 * range, wrong type, missing), its type, its slice's content, an extra field, or a step the editor never makes.
 */
export function hostileSteps(rng: Prng, doc: Node): StepCase {
  const mutation = rng.weighted<string>([[10, "number"], [2, "stepType"], [3, "slice"], [2, "unusual"], [1, "extra"], [1, "not a step"]])
  if (mutation == "unusual") return unusualStep(rng, doc)
  const base = validSteps(rng, doc)
  const steps = base.steps.map(s => structuredClone(s))
  const index = rng.int(steps.length)
  const step = steps[index] as Record<string, unknown>
  const type = String(step.stepType)
  let label: string
  switch (mutation) {
    case "number": {
      const fields = numericFields[type] ?? [["from"]]
      const path = rng.pick(fields)
      const hostile = rng.weighted<() => Hostile>([
        [5, () => hostileNumber(rng)], [3, () => outOfRange(rng, doc)], [2, () => wrongType(rng)], [1, () => ({ value: undefined, label: "missing" })]
      ])()
      setPath(step, path, hostile.value)
      label = `${type}.${path.join(".")} ${hostile.label}`
      break
    }
    case "stepType": {
      const stepType = rng.pick(["evil", "", "Replace", "__proto__", "toString", "markSet", "replace ", 7, null])
      step.stepType = stepType
      label = `unknown stepType`
      break
    }
    case "slice": {
      const { content, label: what } = hostileSliceContent(rng)
      const json = { stepType: "replace", from: Number(step.from ?? 1) || 1, to: Number(step.from ?? 1) || 1, slice: { content } }
      steps[index] = json as StepJSON
      label = `slice ${what}`
      break
    }
    case "extra": {
      // An own property even for "__proto__", as JSON.parse makes it on the hub.
      Object.defineProperty(step, rng.pick(["extra", "__proto__", "constructor", "structure"]), { value: anyHostile(rng).value, enumerable: true, writable: true, configurable: true })
      label = `${type} extra field`
      break
    }
    default: {
      steps[index] = rng.pick<unknown>([null, 3, "replace", [], anyHostile(rng).value]) as StepJSON
      label = "step not an object"
    }
  }
  return { steps, label }
}

const positionKeys = ["from", "to", "gapFrom", "gapTo", "insert", "pos"]
const maxPosition = limits.maxDocumentSize + 2

/**
 * What the hub must do with a batch written on a document. `refusal`: why it must refuse it (a step not
 * well formed, outside the document at its base, or carrying what the schema allows nowhere); else
 * `misfit`: why it may refuse it though it need not (a step in range that does not apply at its base, or
 * whose content only the document it lands on decides: the hub checks sizes, then transforms the batch
 * and drops or refuses what does not apply where it lands).
 */
export interface StepsJudgment {
  refusal: string | null
  misfit: string | null
}

/** Judge `steps` written on `doc`, as the hub receives them (NaN arrives as null, -0 as 0). */
export function judgeSteps(steps: readonly unknown[], doc: Node): StepsJudgment {
  let size = doc.content.size
  // The base document as the batch's steps left it, while each applied there.
  let at = doc
  let misfit: string | null = null
  for (const [i, json] of (onTheWire(steps) as unknown[]).entries()) {
    const shape = shapeProblem(json)
    if (shape) return { refusal: `step ${i}: ${shape}`, misfit }
    let step: Step
    try {
      step = Step.fromJSON(schema, json)
    } catch (e) {
      return { refusal: `step ${i} does not parse: ${String(e)}`, misfit }
    }
    const refusal = sliceProblem(step) ?? rangeProblem(step, size) ?? forbiddenEverywhere(step)
    if (refusal) return { refusal: `step ${i}: ${refusal}`, misfit }
    size += sizeChange(step.getMap())
    if (misfit) continue
    const placed = applied(step, at)
    if (typeof placed == "string") misfit = `step ${i}: ${placed}`
    else at = placed
  }
  return { refusal: null, misfit }
}

// The step's shape as the wire format has it: an object, every position a safe integer in range, in order, open depths in range.
function shapeProblem(json: unknown): string | null {
  if (!json || typeof json != "object" || Array.isArray(json)) return "not an object"
  const record = json as Record<string, unknown>
  for (const key of positionKeys) {
    if (!(key in record)) continue
    const value = record[key]
    if (typeof value != "number" || !Number.isSafeInteger(value) || value < 0 || value > maxPosition) return `${key} is ${describe(value)}`
  }
  const slice = record.slice as Record<string, unknown> | undefined
  if (slice && typeof slice == "object") {
    for (const key of ["openStart", "openEnd"]) {
      const value = slice[key]
      if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= limits.maxNodeDepth))
        return `slice.${key} is ${describe(value)}`
    }
  }
  const { from, to, gapFrom, gapTo } = record as Record<string, number>
  if (typeof from == "number" && typeof to == "number" && from > to) return `from ${from} is after to ${to}`
  if (record.stepType == "replaceAround" && !(from <= gapFrom && gapFrom <= gapTo && gapTo <= to)) return "positions not ordered from <= gapFrom <= gapTo <= to"
  return null
}

// A slice open deeper than its content, or nesting deeper than the hub takes.
function sliceProblem(step: Step): string | null {
  if (!(step instanceof ReplaceStep || step instanceof ReplaceAroundStep)) return null
  const { content, openStart, openEnd } = step.slice
  const open = Slice.maxOpen(content, false)
  if (openStart > open.openStart || openEnd > open.openEnd) return `the slice is open deeper (${openStart}, ${openEnd}) than its content`
  if (nesting(content) > limits.maxNodeDepth) return "the slice nests too deep"
  return null
}

function nesting(content: Fragment): number {
  let deepest = 0
  content.forEach(node => (deepest = Math.max(deepest, 1 + nesting(node.content))))
  return deepest
}

// Whether the step reaches past the end of the document at its base as the batch's earlier steps left it (of content size `size`).
function rangeProblem(step: Step, size: number): string | null {
  const set = markSetSteps(step, schema)
  if (set) {
    for (const inner of set) {
      const problem = rangeProblem(inner, size)
      if (problem) return problem
    }
    return null
  }
  const end = step instanceof AttrStep || step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep ? step.pos + 1
    : step instanceof ReplaceStep || step instanceof ReplaceAroundStep || step instanceof AddMarkStep || step instanceof RemoveMarkStep ? step.to : 0
  if (end > size) return `reaches ${end}, past the end of the document at its base (size ${size})`
  if (step instanceof ReplaceAroundStep && step.insert > step.slice.size) return `inserts its gap at ${step.insert}, outside its slice`
  return null
}

// What the schema allows nowhere: a slice's content and marks (checked alike wherever the step lands),
// an attribute no node type has or takes this value for, a document attribute.
function forbiddenEverywhere(step: Step): string | null {
  if (step instanceof ReplaceAroundStep) return null
  if (step instanceof AttrStep) {
    const takes = Object.values(nodes).some(type => {
      const spec = type.spec.attrs && Object.hasOwn(type.spec.attrs, step.attr) ? type.spec.attrs[step.attr] : undefined
      if (!spec) return false
      try {
        if (typeof spec.validate == "function") spec.validate(step.value)
        return true
      } catch {
        return false
      }
    })
    return takes ? null : `no node takes attribute ${step.attr} = ${describe(step.value)}`
  }
  // A replace or mark step's content check does not depend on the document. Where it lands does (how
  // deep it nests there): the hub refuses such a step on its head, and drops it past concurrent ops,
  // which the attacker cannot tell apart (it may lag the hub), so that is a misfit (see applied).
  return stepContentProblem(step, schema)
}

// The document after the step, when it passes the schema's checks at `doc` and applies there leaving a valid document; else why not.
function applied(step: Step, doc: Node): Node | string {
  const problem = checkStepContent(step, doc)
  if (problem) return problem
  try {
    const result = step.apply(doc)
    if (!result.doc) return `does not apply: ${result.failed}`
    result.doc.check()
    return result.doc
  } catch (e) {
    return `does not apply: ${String(e)}`
  }
}

function sizeChange(map: StepMap): number {
  let change = 0
  map.forEach((oldStart, oldEnd, newStart, newEnd) => (change += newEnd - newStart - (oldEnd - oldStart)))
  return change
}

function describe(value: unknown): string {
  return typeof value == "number" ? String(value) : ArrayBuffer.isView(value) ? "binary" : JSON.stringify(value)?.slice(0, 40) ?? String(value)
}

/** A batch of one step inserting `text` at the start of the document's first textblock. */
export function insertAtStart(doc: Node, text: string): StepJSON[] {
  const at = inlinePositions(doc)[0]
  return [{ stepType: "replace", from: at, to: at, slice: { content: [{ type: "text", text }] } }]
}

/** `count` valid single-character insertions at the document's first textblock, one after the other. */
export function manyInsertions(doc: Node, count: number): StepJSON[] {
  const at = inlinePositions(doc)[0]
  return Array.from({ length: count }, (_, i) => ({ stepType: "replace", from: at + i, to: at + i, slice: { content: [{ type: "text", text: "m" }] } }))
}
