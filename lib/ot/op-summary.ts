import type { Fragment, Node, Slice } from "prosemirror-model"
import { AddMarkStep, AttrStep, DocAttrStep, RemoveMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import { withinTextblock } from "../schema/within-textblock"
import { innermostAt, textblockAround } from "../schema/innermost"

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

/**
 * Attributes a strategy keeps for itself, which no person set: left out of summaries. A block's
 * conflict too: the hub tells what each version-vector write did to it (submit-pipeline's words).
 */
const bookkeeping = new Set(["id", "vv", "conflict"])

/** "an empty paragraph", "a rule", "3 blocks": what an insertion without text added. */
function blocksWords(content: Fragment): string {
  if (content.childCount != 1) return `${content.childCount} blocks`
  const node = content.firstChild!
  const word = blockWords[node.type.name] ?? node.type.name
  return node.isTextblock && node.content.size == 0 ? `an empty ${word}` : `a ${word}`
}

/** Quote text for a summary, shortened to `max` characters. */
export function quote(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, " ")
  return "'" + (flat.length > max ? flat.slice(0, max - 1) + "…" : flat) + "'"
}

/** The history's words for renaming a document to `title`: "renamed the document to 'Plans'". */
export function renameWords(title: string): string {
  return title ? `renamed the document to ${quote(title, 80)}` : "removed the document's title"
}

/**
 * "paragraph 3": the textblock around `pos`, numbered among the document's textblocks; unnumbered
 * ("paragraph") when `numbered` is false, which spares a walk over the blocks before it.
 */
function blockAt(doc: Node, pos: number, numbered = true): string {
  const block = textblockAround(doc, Math.min(Math.max(pos, 0), doc.content.size))
  if (!block) return "the document"
  const { node, before: start } = block
  const word = node.type.name == "heading" ? "heading" : blockWords[node.type.name] ?? node.type.name
  if (!numbered) return word
  let index = 0
  doc.nodesBetween(0, start + 1, (n, p) => {
    if (n.isTextblock && p <= start) index++
    return !n.isTextblock
  })
  return `${word} ${index}`
}

/** Text of whole blocks without the line breaks of empty blocks at its ends. */
function trimBreaks(text: string): string {
  return text.replace(/^\n+|\n+$/g, "")
}

/** Whether text read with textOf holds more than the line breaks between blocks. */
function hasText(text: string): boolean {
  return /[^\n]/.test(text)
}

/**
 * The words for text a replace step puts in where it removes none: typing inside a textblock, or into an
 * empty one it replaces with one of the same type ("typed 'hello' in paragraph 1"); else whole blocks
 * added ("added a list 'Write the notes'"); else the text alone.
 */
function textPutIn(doc: Node, step: ReplaceStep, inserted: string): string {
  const content = step.slice.content
  if (textblockAround(doc, step.from)) {
    const here = blockAt(doc, step.from)
    // Typing that went on into new blocks (a Yjs update, a paste): what stayed in the block, then the blocks added.
    if (step.slice.openStart > 0 && content.childCount > 1 && content.firstChild!.isTextblock) {
      const first = content.firstChild!.textContent
      const blocks = content.cut(content.firstChild!.nodeSize)
      const added = `added ${blocksWords(blocks)} ${quote(trimBreaks(blocks.textBetween(0, blocks.size, "\n", "\n")))}`
      return first ? `typed ${quote(first)} in ${here} and ${added}` : `${added} after ${here}`
    }
    return `typed ${quote(inserted)} in ${here}`
  }
  if (step.slice.openStart > 0 || !content.firstChild?.isBlock) return `typed ${quote(inserted)}`
  const replaced = step.from < step.to ? textblockAround(doc, step.from + 1) : null
  const one = content.childCount == 1 ? content.firstChild : null
  if (replaced && one && one.type == replaced.node.type && step.to == replaced.before + replaced.node.nodeSize)
    return `typed ${quote(inserted)} in ${blockAt(doc, step.from + 1)}`
  return `added ${blocksWords(content)} ${quote(trimBreaks(inserted))}`
}

function textOf(doc: Node, from: number, to: number): string {
  return doc.textBetween(from, to, "\n", "\n")
}

/** What a step did: its kind, and its words, worked out only when asked for (they may quote text and find and number a block). */
interface Described {
  kind: Change["kind"]
  words(): string
}

function described(kind: Change["kind"], words: () => string): Described {
  return { kind, words }
}

function describeStep(doc: Node, step: Step): Described {
  if (step instanceof ReplaceStep) {
    const inserted = step.slice.content.textBetween(0, step.slice.content.size, "\n", "\n")
    const opens = step.slice.openStart > 0 && step.slice.content.childCount > 1
    if (step.from == step.to && opens && !hasText(inserted)) {
      return textblockAround(doc, step.from) ? described("split", () => `split ${blockAt(doc, step.from)}`) : described("restructured", () => "rearranged blocks")
    }
    if (step.from < step.to && !step.slice.size) {
      const removed = textOf(doc, step.from, step.to)
      const $from = innermostAt(doc, step.from), $to = innermostAt(doc, step.to)
      const sameParent = $from.node === $to.node && $from.start == $to.start
      if (!sameParent && !hasText(removed)) return described("joined", () => `joined ${blockAt(doc, step.from)} with the next block`)
      // Whole blocks taken out (a paragraph a block write of last writer wins removes, say).
      if (sameParent && !$from.node.isTextblock) {
        const blocks = blocksWords(doc.slice(step.from, step.to).content)
        return hasText(removed) ? described("deleted", () => `removed ${blocks} ${quote(trimBreaks(removed))}`) : described("restructured", () => `removed ${blocks}`)
      }
      return described("deleted", () => `deleted ${quote(removed)}${sameParent ? ` in ${blockAt(doc, step.from)}` : ""}`)
    }
    if (step.from == step.to && !hasText(inserted)) return described("restructured", () => `added ${blocksWords(step.slice.content)}`)
    if (step.from == step.to) return described("typed", () => textPutIn(doc, step, inserted))
    const removed = textOf(doc, step.from, step.to)
    // The same text in other blocks: a list or quote put on or taken off, told apart from any edit of the text.
    if (removed && removed == inserted) return described("restructured", () => `changed the blocks around ${quote(removed)}`)
    // Blocks without text replaced (an empty paragraph by a list, say): what was put in is all there is to tell.
    if (!hasText(removed)) return hasText(inserted) ? described("typed", () => textPutIn(doc, step, inserted)) : described("restructured", () => "rearranged blocks")
    if (!hasText(inserted)) return described("deleted", () => `deleted ${quote(removed)}`)
    return described("replaced", () => `replaced ${quote(removed)} with ${quote(inserted)}`)
  }
  if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) {
    const words = markWords[step.mark.type.name] ?? [`added ${step.mark.type.name} to {}`, `removed ${step.mark.type.name} from {}`]
    const add = step instanceof AddMarkStep
    return described(add ? "formatted" : "unformatted", () => words[add ? 0 : 1].replace("{}", quote(textOf(doc, step.from, step.to))))
  }
  if (step instanceof ReplaceAroundStep && withinTextblock(doc, step.from, step.to)) {
    // A deletion made around text others typed into its range meanwhile (see splitAround): that text is the gap.
    const change = describeAround(doc, [step.from, step.gapFrom, step.gapTo, step.to], step.slice)
    return described(change.kind, () => change.text)
  }
  // Content put in around an empty gap (a paste of several blocks into an empty one) is a replace.
  if (step instanceof ReplaceAroundStep && step.gapFrom == step.gapTo) return describeStep(doc, new ReplaceStep(step.from, step.to, step.slice))
  if (step instanceof ReplaceAroundStep) {
    return described("restructured", () => {
      const wrapper = step.slice.content.firstChild
      const blocks = countTextblocks(doc, step.gapFrom, step.gapTo)
      const what = `${blocks} ${blocks == 1 ? "block" : "blocks"}`
      if (wrapper && step.slice.size && step.gapFrom == step.from && step.gapTo == step.to) return `turned ${what} into a ${blockWords[wrapper.type.name] ?? wrapper.type.name}`
      // An item put into a list opened inside the item before it (Tab in a list).
      if (wrapper?.type.name == "list_item" && wrapper.firstChild && /list$/.test(wrapper.firstChild.type.name) && step.slice.openStart == 1)
        return `indented ${what}`
      if (wrapper && step.slice.size) {
        const block = blockAt(doc, step.gapFrom)
        const kind = blockWords[wrapper.type.name] ?? wrapper.type.name
        // Between blocks the step splits its wrapper around the gap: a block leaving a list or quote.
        return block == "the document" ? `moved ${what} out of a ${kind}` : `made ${block} a ${kind}`
      }
      // The wrapper the blocks leave starts where the step does.
      const left = doc.nodeAt(step.from)
      return `lifted ${what} out of ${left && !left.isTextblock ? `a ${blockWords[left.type.name] ?? left.type.name}` : blockAt(doc, step.from, false)}`
    })
  }
  if (step instanceof AttrStep) {
    return described("attributes", () => {
      return `changed the ${step.attr} of ${blockAt(doc, step.pos + 1)}`
    })
  }
  if (step instanceof DocAttrStep && step.attr == "title") return described("attributes", () => renameWords(String(step.value)))
  return described("attributes", () => "changed the document")
}

/**
 * A deletion around text others typed into its range (see splitAround): `bounds` are the deleted
 * ranges' ends in document order, [from, to, from, to, ...] (what lies between two ranges was kept),
 * `slice` what the first range's replacement inserts. "deleted 'brown ' and 'fox' around 'quick ' in
 * paragraph 1"; its undo "typed 'brown ' and 'fox' around 'quick '".
 */
function describeAround(doc: Node, bounds: readonly number[], slice: Slice): Change {
  const removed: string[] = [], kept: string[] = []
  for (let i = 0; i < bounds.length; i += 2) {
    const text = textOf(doc, bounds[i], bounds[i + 1])
    // A piece that only joins two blocks deletes no text.
    if (text.replace(/\n/g, "")) removed.push(quote(text))
    const between = i + 2 < bounds.length ? textOf(doc, bounds[i + 1], bounds[i + 2]) : ""
    if (between) kept.push(quote(between))
  }
  const from = bounds[0], to = bounds[bounds.length - 1]
  const where = withinTextblock(doc, from, to) ? ` in ${blockAt(doc, from)}` : ""
  const inserted = slice.content.textBetween(0, slice.content.size, "\n", "\n")
  const around = `around ${listed(kept)}`
  if (!inserted && !removed.length) return { kind: "joined", text: `joined blocks ${around}` }
  if (!inserted) return { kind: "deleted", text: `deleted ${listed(removed)} ${around}${where}` }
  // Undoing such a deletion puts the text back around what stayed.
  if (!removed.length) return { kind: "typed", text: `typed ${quote(inserted)} ${around}${where}` }
  return { kind: "replaced", text: `replaced ${listed(removed)} with ${quote(inserted)} ${around}` }
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`
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
 * Describes a run of steps as they are applied, one step at a time with the document it applies to,
 * merging consecutive keystrokes: "typed 'hello world' in paragraph 3", "deleted 'foo'", "made 'bar'
 * bold". Bookkeeping (block ids, version vectors) is left out. Lets the hub describe a batch while transforming it,
 * without keeping every intermediate document alive. Pure.
 */
export class StepSummarizer {
  private readonly done: Change[] = []
  /** Changes after the first `spelled`: counted by the same rules, not described. */
  private counted = 0
  /** Whether the last change, spelled or counted, was structural (a structural change of several steps counts once). */
  private lastRestructured = false
  /** The typing run being added to: where it ends, and its text and block when it is spelled out. */
  private typed: { end: number; spelled: { text: string; block: string } | null } | null = null

  /**
   * `spelled` is how many changes are described in words (an op's summary shows its first few); the
   * ones after are only counted, which spares quoting their text and finding their blocks, a walk over
   * the blocks before each (a merged offline branch holds thousands of changes).
   */
  constructor(private readonly spelled = Infinity) {}

  /**
   * Add the next submitted step's committed form, with the document it applies to: one step, or the
   * pieces a deletion was split into around concurrent typing (see splitAround), in the order they apply.
   */
  addCommitted(steps: readonly Step[], doc: Node): void {
    if (steps.length == 1) return this.add(steps[0], doc)
    this.flush()
    // A deletion split around typing is never structural.
    if (!this.spelling) return this.count(false)
    // Several pieces are replace steps that apply from the last in the document to the first, so all
    // their positions hold in `doc`.
    const pieces = (steps as ReplaceStep[]).slice().sort((a, b) => a.from - b.from)
    this.record(describeAround(doc, pieces.flatMap(piece => [piece.from, piece.to]), pieces[0].slice))
  }

  /** Add the next step, with the document it applies to. */
  add(step: Step, doc: Node): void {
    if (step instanceof AttrStep && bookkeeping.has(step.attr)) return
    // A step that replaces nothing with nothing (an undo whose text someone else removed) did nothing to tell.
    if (step instanceof ReplaceStep && step.from == step.to && step.slice.size == 0) return
    const typed = this.typed
    if (step instanceof ReplaceStep && step.from == step.to && step.slice.openStart == 0 && step.slice.content.childCount > 0 && step.slice.content.firstChild!.isText) {
      if (typed && typed.end == step.from) {
        if (typed.spelled) typed.spelled.text += step.slice.content.textBetween(0, step.slice.content.size)
        typed.end += step.slice.size
      } else {
        this.flush()
        const spelled = this.spelling ? { text: step.slice.content.textBetween(0, step.slice.content.size), block: blockAt(doc, step.from) } : null
        this.typed = { end: step.from + step.slice.size, spelled }
      }
      return
    }
    this.flush()
    const change = describeStep(doc, step)
    if (this.spelling) this.record({ kind: change.kind, text: change.words() })
    else this.count(change.kind == "restructured")
  }

  /** The changes described in words, at most `spelled` of them. */
  get changes(): Change[] {
    this.flush()
    return this.done.slice()
  }

  /** How many changes the steps added so far made, described or counted. */
  get total(): number {
    this.flush()
    return this.done.length + this.counted
  }

  private get spelling(): boolean {
    return this.done.length < this.spelled
  }

  private record(change: Change): void {
    // A structural change made of several steps (wrapping in a list) reads as its first step.
    const restructured = change.kind == "restructured"
    if (!(restructured && this.lastRestructured)) this.done.push(change)
    this.lastRestructured = restructured
  }

  private count(restructured: boolean): void {
    if (!(restructured && this.lastRestructured)) this.counted++
    this.lastRestructured = restructured
  }

  private flush(): void {
    const typed = this.typed
    if (!typed) return
    this.typed = null
    if (!typed.spelled) return this.count(false)
    this.record({ kind: "typed", text: `typed ${quote(typed.spelled.text)} in ${typed.spelled.block}` })
  }
}

/** How many of an op's changes its summary spells out. */
export const summaryPhrases = 8

/**
 * The summary an op carries: its changes' phrases joined with "; ", the first `max` of them and how many
 * more of the `total` (by default the changes given; a StepSummarizer's total when it spelled out only some).
 */
export function summaryText(changes: readonly Change[], max = summaryPhrases, total = changes.length): string {
  const phrases = changes.slice(0, max).map(change => change.text)
  const more = total - Math.min(max, changes.length)
  if (more > 0) phrases.push(`${more} more change${more == 1 ? "" : "s"}`)
  return phrases.join("; ")
}

/** Describe what a run of steps does to `doc`, the document they apply to (see StepSummarizer); a step that fails to apply ends the description. */
export function summarizeSteps(doc: Node, steps: readonly Step[]): Change[] {
  const summarizer = new StepSummarizer()
  for (const step of steps) {
    summarizer.add(step, doc)
    const applied = step.apply(doc)
    if (!applied.doc) break
    doc = applied.doc
  }
  return summarizer.changes
}
