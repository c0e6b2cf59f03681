import type { Node } from "prosemirror-model"
import { AddMarkStep, AttrStep, RemoveMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"

/** One thing an op did, in words and as data, for the history panel. */
export interface Change {
  kind: "typed" | "deleted" | "replaced" | "split" | "joined" | "formatted" | "unformatted" | "restructured" | "attributes"
  /** The plain-language phrase: "typed 'hello' in paragraph 3". */
  text: string
}

const markWords: Record<string, [string, string]> = {
  strong: ["made {} bold", "removed bold from {}"],
  em: ["made {} italic", "removed italics from {}"],
  code: ["made {} code", "removed code style from {}"],
  strike: ["struck through {}", "removed strike-through from {}"],
  link: ["linked {}", "removed the link from {}"]
}

const blockWords: Record<string, string> = {
  paragraph: "paragraph", heading: "heading", code_block: "code block", blockquote: "quote",
  bullet_list: "list", ordered_list: "numbered list", list_item: "list item", horizontal_rule: "rule"
}

/** Quote text for a summary, shortened to `max` characters. */
export function quote(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, " ")
  return "'" + (flat.length > max ? flat.slice(0, max - 1) + "…" : flat) + "'"
}

/** "paragraph 3": the textblock around `pos`, numbered among the document's textblocks. */
function blockAt(doc: Node, pos: number): string {
  const $pos = doc.resolve(Math.min(Math.max(pos, 0), doc.content.size))
  let depth = $pos.depth
  while (depth > 0 && !$pos.node(depth).isTextblock) depth--
  const node = $pos.node(depth)
  if (depth == 0) return "the document"
  let index = 0
  const start = $pos.before(depth)
  doc.nodesBetween(0, start + 1, (n, p) => {
    if (n.isTextblock && p <= start) index++
    return !n.isTextblock
  })
  const word = node.type.name == "heading" ? `heading ${index}` : `${blockWords[node.type.name] ?? node.type.name} ${index}`
  return word
}

function textOf(doc: Node, from: number, to: number): string {
  return doc.textBetween(from, to, "\n", "\n")
}

function describeStep(doc: Node, step: Step): Change {
  if (step instanceof ReplaceStep) {
    const inserted = step.slice.content.textBetween(0, step.slice.content.size, "\n", "\n")
    const removed = textOf(doc, step.from, step.to)
    const opens = step.slice.openStart > 0 && step.slice.content.childCount > 1
    if (step.from == step.to && opens && !inserted.replace(/\n/g, "")) {
      const block = blockAt(doc, step.from)
      return block == "the document" ? { kind: "restructured", text: "rearranged blocks" } : { kind: "split", text: `split ${block}` }
    }
    if (step.from < step.to && !step.slice.size) {
      const $from = doc.resolve(step.from), $to = doc.resolve(step.to)
      if (!$from.sameParent($to) && !removed.replace(/\n/g, "")) return { kind: "joined", text: `joined ${blockAt(doc, step.from)} with the next block` }
      return { kind: "deleted", text: `deleted ${quote(removed)}${$from.sameParent($to) ? ` in ${blockAt(doc, step.from)}` : ""}` }
    }
    if (step.from == step.to) return { kind: "typed", text: `typed ${quote(inserted)} in ${blockAt(doc, step.from)}` }
    return { kind: "replaced", text: `replaced ${quote(removed)} with ${quote(inserted)}` }
  }
  if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
    const words = markWords[step.mark.type.name] ?? [`added ${step.mark.type.name} to {}`, `removed ${step.mark.type.name} from {}`]
    const add = step instanceof AddMarkStep
    return { kind: add ? "formatted" : "unformatted", text: words[add ? 0 : 1].replace("{}", quote(textOf(doc, step.from, step.to))) }
  }
  if (step instanceof ReplaceAroundStep) {
    const wrapper = step.slice.content.firstChild
    const blocks = countTextblocks(doc, step.gapFrom, step.gapTo)
    const what = `${blocks} ${blocks == 1 ? "block" : "blocks"}`
    if (wrapper && step.slice.size && step.gapFrom == step.from && step.gapTo == step.to)
      return { kind: "restructured", text: `turned ${what} into a ${blockWords[wrapper.type.name] ?? wrapper.type.name}` }
    if (wrapper && step.slice.size) {
      const block = blockAt(doc, step.gapFrom)
      const kind = blockWords[wrapper.type.name] ?? wrapper.type.name
      // Between blocks the step splits its wrapper around the gap: a block leaving a list or quote.
      return { kind: "restructured", text: block == "the document" ? `moved ${what} out of a ${kind}` : `made ${block} a ${kind}` }
    }
    return { kind: "restructured", text: `lifted ${what} out of ${blockAt(doc, step.from).replace(/ \d+$/, "")}` }
  }
  if (step instanceof AttrStep) return { kind: "attributes", text: `set ${step.attr} of a ${doc.nodeAt(step.pos)?.type.name ?? "block"}` }
  return { kind: "attributes", text: "changed the document" }
}

function countTextblocks(doc: Node, from: number, to: number): number {
  let n = 0
  doc.nodesBetween(from, to, node => {
    if (node.isTextblock) n++
    return !node.isTextblock
  })
  return Math.max(n, 1)
}

/**
 * Describe what a run of steps did to `doc` (the document they apply to), merging consecutive
 * keystrokes: "typed 'hello world' in paragraph 3", "deleted 'foo'", "made 'bar' bold". Block-id
 * bookkeeping is left out. `docs`, when given, holds the document each step applies to (saving the
 * applications). Pure; steps that fail to apply end the description.
 */
export function summarizeSteps(doc: Node, steps: readonly Step[], docs?: readonly Node[]): Change[] {
  const changes: Change[] = []
  let typed: { text: string; block: string; end: number } | null = null
  const flush = () => {
    if (typed) changes.push({ kind: "typed", text: `typed ${quote(typed.text)} in ${typed.block}` })
    typed = null
  }
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]
    if (docs) doc = docs[i]
    const next = () => {
      if (docs) return true
      const applied = step.apply(doc)
      if (applied.doc) doc = applied.doc
      return !!applied.doc
    }
    if (step instanceof AttrStep && step.attr == "id") {
      next()
      continue
    }
    const isTyping = step instanceof ReplaceStep && step.from == step.to && step.slice.openStart == 0 && step.slice.content.childCount > 0 && step.slice.content.firstChild!.isText
    if (isTyping) {
      const s = step as ReplaceStep
      const text = s.slice.content.textBetween(0, s.slice.content.size)
      const t = typed as { text: string; block: string; end: number } | null
      if (t && t.end == s.from) {
        t.text += text
        t.end += s.slice.size
      } else {
        flush()
        typed = { text, block: blockAt(doc, s.from), end: s.from + s.slice.size }
      }
    } else {
      flush()
      const change = describeStep(doc, step)
      // A structural change made of several steps (wrapping in a list) reads as its first step.
      if (!(change.kind == "restructured" && changes[changes.length - 1]?.kind == "restructured")) changes.push(change)
    }
    if (!next()) break
  }
  flush()
  return changes
}
