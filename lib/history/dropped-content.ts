import { Fragment, type Node } from "prosemirror-model"
import { TextSelection, type EditorState, type Transaction } from "prosemirror-state"
import { AddMarkStep, AttrStep, RemoveMarkStep, ReplaceAroundStep, ReplaceStep, Step, type StepMap } from "prosemirror-transform"
import { schema } from "../schema"
import { quote } from "../ot/op-summary"
import { stepRange } from "../ot/step-info"
import type { Author, CommittedOp } from "../protocol/messages"
import { peopleOf } from "./timeline"
import { listWords } from "./merge-explanation"

/** What one or more adjacent dropped steps of an op carried, ready to show and to restore. */
export interface DroppedContent {
  /** The version of the op that reported them. */
  version: number
  /** Their indices in the submitted batch. */
  indices: number[]
  /** What was lost, in words: "'xyz'", "bold on 'word'". */
  label: string
  /** The blocks Restore inserts, or null when nothing typed was lost (a deletion of text already gone). */
  blocks: Fragment | null
  /** Where the change was, in the document at the op's base version (null when unknown). */
  from: number
  to: number
  /** The hub's reason. */
  reason: string
}

/** Who most likely removed the place a dropped change was made in. */
export interface DroppedBlame {
  /** The author of the last concurrent op that deleted a range around it, or null when none did. */
  author: Author | null
  /** The block that op deleted whole around it ("paragraph", "list"), or null. */
  container: string | null
  /** Everyone whose ops the dropped change was transformed past. */
  concurrentAuthors: Author[]
}

const blockWords: Record<string, string> = {
  paragraph: "paragraph", heading: "heading", code_block: "code block", blockquote: "quote",
  bullet_list: "list", ordered_list: "numbered list", list_item: "list item"
}

const markWords: Record<string, string> = { strong: "bold", em: "italics", code: "code style", strike: "strike-through", link: "a link" }

/**
 * Gather the dropped steps of `op` into the content they carried: typed text (adjacent keystrokes joined),
 * formatting with the text it applied to, and deletions. `baseDoc` (the document at `op.baseVersion`)
 * lets formatting and deletions name their text; without it they are described by kind only.
 * Block-id bookkeeping is left out. Pure.
 */
export function droppedContents(op: CommittedOp, baseDoc: Node | null): DroppedContent[] {
  if (!op.dropped?.length) return []
  const submitted = (op.original ?? []).map(json => Step.fromJSON(schema, json))
  const docs = baseDoc ? docsBefore(baseDoc, submitted) : []
  const result: DroppedContent[] = []
  let typing: { item: DroppedContent; end: number; inline: Fragment } | null = null
  for (const drop of op.dropped) {
    const step = Step.fromJSON(schema, drop.step)
    if (step instanceof AttrStep && step.attr == "id") continue
    const before = docs[drop.index] ?? null
    const range = stepRange(step)
    const base = toBase(submitted, drop.index, range)
    const inline = typedInline(step)
    const open = typing as { item: DroppedContent; end: number; inline: Fragment } | null
    if (inline && open && open.end == range.from && open.item.indices[open.item.indices.length - 1] == drop.index - 1) {
      open.inline = open.inline.append(inline)
      open.end += inline.size
      open.item.indices.push(drop.index)
      open.item.blocks = Fragment.from(schema.nodes.paragraph.create(null, open.inline))
      open.item.label = quote(textOf(open.item.blocks))
      continue
    }
    const item: DroppedContent = { version: op.version, indices: [drop.index], label: "", blocks: null, ...base, reason: drop.reason }
    describe(item, step, before, drop.text)
    result.push(item)
    typing = inline ? { item, end: range.from + inline.size, inline } : null
  }
  return result
}

/** The documents each submitted step applied to, as far as they replay on `baseDoc`. */
function docsBefore(baseDoc: Node, steps: readonly Step[]): Node[] {
  const docs = [baseDoc]
  for (const step of steps) {
    const result = step.apply(docs[docs.length - 1])
    if (!result.doc) break
    docs.push(result.doc)
  }
  return docs
}

/** Carry step `index`'s range back past the batch's earlier steps, to the base version's coordinates. */
function toBase(steps: readonly Step[], index: number, range: { from: number; to: number }): { from: number; to: number } {
  let { from, to } = range
  for (let i = Math.min(index, steps.length) - 1; i >= 0; i--) {
    const inverse = steps[i].getMap().invert()
    from = inverse.map(from, -1)
    to = Math.max(from, inverse.map(to, 1))
  }
  return { from, to }
}

/** The inline content a keystroke step typed, or null when the step is no plain insertion of inline content. */
function typedInline(step: Step): Fragment | null {
  if (!(step instanceof ReplaceStep) || step.from != step.to || step.slice.openStart || step.slice.openEnd || !step.slice.size) return null
  let inline = true
  step.slice.content.forEach(node => (inline &&= node.isInline))
  return inline ? step.slice.content : null
}

function describe(item: DroppedContent, step: Step, before: Node | null, text: string): void {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) {
    if (step.slice.size) {
      const blocks = blocksOf(step.slice.content)
      const typed = textOf(blocks) || text
      // A change of structure (a list, a heading, a split) carries no text: there is nothing to put back.
      if (!typed) return void (item.label = structureWords(step, before))
      item.blocks = blocks
      item.label = quote(typed)
      return
    }
    if (step instanceof ReplaceAroundStep) return void (item.label = structureWords(step, before))
    const removed = before ? before.textBetween(step.from, Math.min(step.to, before.content.size), " ", " ") : ""
    item.label = removed ? `deleting ${quote(removed)}` : "a deletion"
    return
  }
  if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
    const word = markWords[step.mark.type.name] ?? step.mark.type.name
    const add = step instanceof AddMarkStep
    if (before && step.to <= before.content.size) {
      const target = before.textBetween(step.from, step.to, " ", " ")
      item.label = `${add ? word : "removing " + word} on ${quote(target)}`
      if (add && target) {
        const marked = before.slice(step.from, step.to).content
        item.blocks = blocksOf(addMark(marked, step))
      }
    } else item.label = add ? `adding ${word}` : `removing ${word}`
    return
  }
  if (step instanceof AttrStep) item.label = `setting the ${step.attr} of a block`
  else item.label = "a change"
}

/** A change of structure in words: "making 'Second line' a list", "a paragraph break". */
function structureWords(step: ReplaceStep | ReplaceAroundStep, before: Node | null): string {
  const made = step.slice.content.firstChild
  const kind = made ? blockWords[made.type.name] ?? made.type.name.replace(/_/g, " ") : "block"
  if (step instanceof ReplaceAroundStep) {
    const text = before && step.gapTo <= before.content.size ? before.textBetween(step.gapFrom, step.gapTo, " ", " ") : ""
    const what = text ? quote(text) : "a block"
    // An empty slice takes the wrappers away: a lift out of a list or quote.
    if (!made) {
      const wrapper = before && step.from < before.content.size ? before.nodeAt(step.from) : null
      return `taking ${what} out of ${wrapper ? `a ${blockWords[wrapper.type.name] ?? wrapper.type.name}` : "its block"}`
    }
    return `making ${what} ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}`
  }
  return step.slice.openStart > 0 && step.slice.content.childCount > 1 ? "a paragraph break" : `adding an empty ${kind}`
}

function addMark(content: Fragment, step: AddMarkStep): Fragment {
  const nodes: Node[] = []
  content.forEach(node => {
    if (node.isText) nodes.push(node.mark(step.mark.addToSet(node.marks)))
    else if (node.isInline) nodes.push(node)
    else nodes.push(node.copy(addMark(node.content, step)))
  })
  return Fragment.from(nodes)
}

/** Turn content into blocks to insert: inline content becomes a paragraph, textblocks keep their type (new ids). */
function blocksOf(content: Fragment): Fragment {
  let inline = true
  content.forEach(node => (inline &&= node.isInline))
  if (inline) return Fragment.from(schema.nodes.paragraph.create(null, content))
  const blocks: Node[] = []
  content.descendants(node => {
    if (!node.isTextblock) return true
    blocks.push(node.type.create({ ...node.attrs, id: null }, node.content))
    return false
  })
  return Fragment.from(blocks.filter(b => b.content.size > 0))
}

function textOf(blocks: Fragment): string {
  return blocks.textBetween(0, blocks.size, "\n", " ")
}

/** True when `map` deletes the content at `from`..`to` (around the point, for an empty range). */
function deletes(map: StepMap, from: number, to: number): boolean {
  if (from == to) return map.mapResult(from).deletedAcross
  return map.mapResult(from, 1).deletedAfter && map.mapResult(to, -1).deletedBefore
}

/**
 * Find who removed the place a dropped change was made in: walk the ops it was transformed past
 * (`concurrent`, oldest first, starting right after the base version) and keep the last one with a step
 * that deleted the content around it. With `baseDoc` the block deleted whole around it is named. Pure.
 */
export function blameDropped(item: DroppedContent, concurrent: readonly CommittedOp[], baseDoc: Node | null): DroppedBlame {
  const blame: DroppedBlame = { author: null, container: null, concurrentAuthors: peopleOf(concurrent).map(person => person.author) }
  let { from, to } = item
  let doc = baseDoc
  for (const op of concurrent) {
    for (const json of op.steps) {
      const step = Step.fromJSON(schema, json)
      const map = step.getMap()
      if (deletes(map, from, to)) {
        blame.author = op.author
        blame.container = doc ? deletedContainer(doc, step, from) : null
      }
      from = map.map(from, 1)
      to = Math.max(from, map.map(to, -1))
      doc = doc && (step.apply(doc).doc ?? null)
    }
  }
  return blame
}

/** The outermost block around `pos` that `step` deletes whole, in words, or null. */
function deletedContainer(doc: Node, step: Step, pos: number): string | null {
  if (!(step instanceof ReplaceStep || step instanceof ReplaceAroundStep) || pos > doc.content.size) return null
  const $pos = doc.resolve(pos)
  for (let depth = 1; depth <= $pos.depth; depth++) {
    if ($pos.before(depth) >= step.from && $pos.after(depth) <= step.to) return blockWords[$pos.node(depth).type.name] ?? null
  }
  // A change made to a whole block (its type, a wrapping) starts just before it.
  const after = $pos.nodeAfter
  if (after && after.isBlock && pos >= step.from && pos + after.nodeSize <= step.to) return blockWords[after.type.name] ?? null
  return null
}

/** "'xyz' could not be applied: Bob deleted the list it was in". */
export function describeDropped(item: DroppedContent, blame: DroppedBlame): string {
  const head = `${item.label} could not be applied`
  if (blame.author) return `${head}: ${blame.author.name} deleted ${blame.container ? `the ${blame.container} it was in` : "the text it was in"}`
  if (blame.concurrentAuthors.length) return `${head}: it clashed with changes by ${listWords(blame.concurrentAuthors.map(a => a.name))}`
  return `${head}: ${item.reason}`
}

/**
 * A transaction that puts dropped `blocks` back near `pos` (a position in `state.doc`): right after the
 * textblock around it, or, when that place does not take them, after the nearest enclosing block that
 * does, else at the end of the document. The caret goes to the end of the restored text.
 */
export function restoreDropped(state: EditorState, blocks: Fragment, pos: number): Transaction {
  const doc = state.doc
  const $pos = doc.resolve(Math.max(0, Math.min(pos, doc.content.size)))
  const places: { parent: Node; index: number; at: number }[] = []
  if (!$pos.parent.isTextblock) places.push({ parent: $pos.parent, index: $pos.index(), at: $pos.pos })
  for (let depth = $pos.depth; depth >= 1; depth--) places.push({ parent: $pos.node(depth - 1), index: $pos.index(depth - 1) + 1, at: $pos.after(depth) })
  const place = places.find(p => p.parent.canReplace(p.index, p.index, blocks))
  const at = place ? place.at : doc.content.size
  const tr = state.tr.insert(at, blocks)
  tr.setSelection(TextSelection.near(tr.doc.resolve(at + blocks.size), -1))
  return tr.scrollIntoView()
}
