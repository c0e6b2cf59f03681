import type { Node, MarkType, NodeType } from "prosemirror-model"
import { type Command, type EditorState, Plugin, TextSelection, type Transaction } from "prosemirror-state"
import { deleteSelection, joinBackward, joinForward, lift, setBlockType, splitBlock, toggleMark, wrapIn } from "prosemirror-commands"
import { liftListItem, sinkListItem, splitListItem, wrapInList } from "prosemirror-schema-list"
import { redoOwn, undoOwn } from "../../lib/editor/own-undo"
import { assignBlockIds, schema } from "../../lib/schema"
import type { CollabHarness } from "../support/collab-harness"
import type { Prng } from "./prng"

const { nodes, marks } = schema
const words = ["a", "bc", "def", "x y", "ghij", "k", "lm", "nop q"]

function words1to3(rng: Prng): string {
  let text = rng.pick(words)
  for (let n = rng.int(3); n > 0; n--) text += " " + rng.pick(words)
  return text
}

function paragraphContent(rng: Prng): Node[] {
  const content: Node[] = []
  for (let n = rng.int(3); n >= 0; n--) {
    const mark = rng.chance(0.3) ? [rng.pick([marks.strong, marks.em, marks.code]).create()] : []
    content.push(schema.text(words1to3(rng), mark))
  }
  return content
}

function randomBlock(rng: Prng, depth: number): Node {
  const kind = rng.weighted<string>([[4, "p"], [1, "h"], [1.5, "ul"], [1, "ol"], [depth ? 0 : 1, "quote"], [0.7, "code"]])
  switch (kind) {
    case "h": return nodes.heading.create({ level: rng.between(1, 3) }, paragraphContent(rng))
    case "ul":
    case "ol": {
      const items = Array.from({ length: rng.between(1, 3) }, () => nodes.list_item.create(null, nodes.paragraph.create(null, paragraphContent(rng))))
      return (kind == "ul" ? nodes.bullet_list : nodes.ordered_list).create(null, items)
    }
    case "quote": return nodes.blockquote.create(null, Array.from({ length: rng.between(1, 2) }, () => randomBlock(rng, depth + 1)))
    case "code": return nodes.code_block.create(null, schema.text(words1to3(rng)))
    default: return nodes.paragraph.create(null, paragraphContent(rng))
  }
}

/** A small random document: one to four blocks among paragraphs with marks, headings, lists, a blockquote and a code block. */
export function randomDoc(rng: Prng): Node {
  return nodes.doc.create(null, Array.from({ length: rng.between(1, 4) }, () => randomBlock(rng, 0)))
}

/** An editor plugin like the editor's block-id plugin, drawing ids from the session's generator so that a session replays exactly. */
export function blockIdPlugin(rng: Prng): Plugin {
  return new Plugin({
    appendTransaction(transactions, _old, state) {
      if (!transactions.some(tr => tr.docChanged)) return null
      const tr = state.tr
      return assignBlockIds(tr, () => rng.next()) ? tr.setMeta("addToHistory", false) : null
    }
  })
}

// Every position where a text cursor may be: inside a node with inline content.
function inlinePositions(doc: Node): number[] {
  const result: number[] = []
  doc.descendants((node, pos) => {
    if (!node.inlineContent) return true
    for (let i = 0; i <= node.content.size; i++) result.push(pos + 1 + i)
    return false
  })
  return result
}

// The start (or end) position of every textblock.
function textblockEdges(doc: Node, end: boolean): number[] {
  const result: number[] = []
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true
    result.push(end ? pos + 1 + node.content.size : pos + 1)
    return false
  })
  return result
}

function randomRange(rng: Prng, doc: Node): [number, number] {
  const positions = inlinePositions(doc)
  const a = rng.pick(positions)
  // Mostly short ranges, sometimes anywhere (across blocks).
  const b = rng.chance(0.6) ? positions[Math.min(positions.length - 1, positions.indexOf(a) + rng.between(0, 6))] : rng.pick(positions)
  return a <= b ? [a, b] : [b, a]
}

/**
 * What a local edit needs: the harness, the client it runs on, the session's generator, whether that
 * client keeps undo history, where to describe the edit (before running it, so that an edit that
 * throws is in the log), and a source of characters that no other edit types, to track typed text by.
 */
export interface EditContext {
  h: CollabHarness
  k: number
  rng: Prng
  history: boolean
  /** Type and delete text one character a transaction, as keys do (see FuzzOptions.keystrokes). */
  keystrokes: boolean
  describe(text: string): void
  uniqueChar(): string
}

/** Put client k's selection at [from, to] (a selection-only transaction), then run `command` on it. Returns whether it changed the document. */
function runCommand(c: EditContext, from: number, to: number, command: Command): boolean {
  c.h.edit(c.k, s => s.tr.setSelection(TextSelection.create(s.doc, from, to)))
  let changed = false
  c.h.edit(c.k, s => {
    let result: Transaction | null = null
    command(s, tr => (result = tr))
    changed = !!result && (result as Transaction).docChanged
    return result
  })
  return changed
}

function inOneTextblock(doc: Node, from: number, to: number): boolean {
  const $from = doc.resolve(from)
  return $from.parent.inlineContent && $from.sameParent(doc.resolve(to))
}

function cursor(c: EditContext): [number, number] {
  const at = c.rng.pick(inlinePositions(state(c).doc))
  return [at, at]
}

function state(c: EditContext): EditorState {
  return c.h.clients[c.k].sync.state
}

function markFor(rng: Prng): [MarkType, Record<string, unknown> | null, string] {
  const type = rng.pick([marks.strong, marks.em, marks.code, marks.link, marks.strike])
  if (type != marks.link) return [type, null, type.name]
  const href = `https://example.com/${rng.int(3)}`
  return [type, { href }, `link ${href}`]
}

function blockTypeFor(rng: Prng): [NodeType, Record<string, unknown> | null, string] {
  const choice = rng.int(5)
  if (choice < 3) return [nodes.heading, { level: choice + 1 }, `heading ${choice + 1}`]
  return choice == 3 ? [nodes.paragraph, null, "paragraph"] : [nodes.code_block, null, "code_block"]
}

type Edit = (c: EditContext) => void

// Describe the edit, run it, and mark it "(no-op)" when it did not change the document.
function described(c: EditContext, text: string, run: () => boolean): void {
  c.describe(text)
  if (!run()) c.describe(text + " (no-op)")
}

const typeText: Edit = c => {
  const at = c.rng.pick(inlinePositions(state(c).doc))
  const text = c.rng.pick(words) + c.uniqueChar()
  if (c.keystrokes)
    described(c, `type ${JSON.stringify(text)} at ${at}, a key at a time`, () => [...text].every((char, i) => c.h.edit(c.k, s => s.tr.insertText(char, at + i))))
  else described(c, `type ${JSON.stringify(text)} at ${at}`, () => c.h.edit(c.k, s => s.tr.insertText(text, at)))
}

const typeOver: Edit = c => {
  const [from, to] = randomRange(c.rng, state(c).doc)
  const text = c.rng.pick(words) + c.uniqueChar()
  described(c, `type ${JSON.stringify(text)} over ${from}-${to}`, () =>
    c.h.edit(c.k, s => s.tr.setSelection(TextSelection.create(s.doc, from, to)).insertText(text)))
}

const deleteRange: Edit = c => {
  const [from, to] = randomRange(c.rng, state(c).doc)
  if (c.keystrokes && from < to && inOneTextblock(state(c).doc, from, to)) {
    // Backspace from the end, or the delete key at the start, once for each character.
    const back = c.rng.chance(0.5)
    return described(c, `${back ? "backspace" : "delete key"} ${from}-${to}, a key at a time`, () => {
      for (let i = 0; i < to - from; i++) c.h.edit(c.k, s => (back ? s.tr.delete(to - i - 1, to - i) : s.tr.delete(from, from + 1)))
      return true
    })
  }
  const how = c.rng.int(3)
  described(c, `${["tr.delete", "tr.deleteRange", "deleteSelection"][how]} ${from}-${to}`, () =>
    how == 0 ? c.h.edit(c.k, s => s.tr.delete(from, to))
      : how == 1 ? c.h.edit(c.k, s => s.tr.deleteRange(from, to))
        : runCommand(c, from, to, deleteSelection))
}

const split: Edit = c => {
  const inItem = c.rng.chance(0.5)
  const [from, to] = inItem || c.rng.chance(0.8) ? cursor(c) : randomRange(c.rng, state(c).doc)
  described(c, `${inItem ? "splitListItem" : "splitBlock"} at ${from}-${to}`, () =>
    runCommand(c, from, to, inItem ? splitListItem(nodes.list_item) : splitBlock))
}

const join: Edit = c => {
  const forward = c.rng.chance(0.4)
  const at = c.rng.pick(textblockEdges(state(c).doc, forward))
  described(c, `${forward ? "joinForward" : "joinBackward"} at ${at}`, () => runCommand(c, at, at, forward ? joinForward : joinBackward))
}

const mark: Edit = c => {
  const [from, to] = randomRange(c.rng, state(c).doc)
  const [type, attrs, name] = markFor(c.rng)
  described(c, `toggleMark ${name} ${from}-${to}`, () => runCommand(c, from, to, toggleMark(type, attrs)))
}

const list: Edit = c => {
  const [from, to] = c.rng.chance(0.5) ? randomRange(c.rng, state(c).doc) : cursor(c)
  const [name, command] = c.rng.pick<[string, Command]>([
    ["wrapInList bullet", wrapInList(nodes.bullet_list)],
    ["wrapInList ordered", wrapInList(nodes.ordered_list)],
    ["liftListItem", liftListItem(nodes.list_item)],
    ["sinkListItem", sinkListItem(nodes.list_item)]
  ])
  described(c, `${name} ${from}-${to}`, () => runCommand(c, from, to, command))
}

const blockType: Edit = c => {
  const [from, to] = randomRange(c.rng, state(c).doc)
  const [type, attrs, name] = blockTypeFor(c.rng)
  described(c, `setBlockType ${name} ${from}-${to}`, () => runCommand(c, from, to, setBlockType(type, attrs)))
}

const quote: Edit = c => {
  const [from, to] = randomRange(c.rng, state(c).doc)
  const wrap = c.rng.chance(0.6)
  described(c, `${wrap ? "wrapIn blockquote" : "lift"} ${from}-${to}`, () => runCommand(c, from, to, wrap ? wrapIn(nodes.blockquote) : lift))
}

const history: Edit = c => {
  const back = c.rng.chance(0.75)
  described(c, back ? "undo" : "redo", () => {
    let changed = false
    c.h.edit(c.k, s => {
      let result: Transaction | null = null
      ;(back ? undoOwn : redoOwn)(s, tr => (result = tr))
      changed = !!result
      return result
    })
    return changed
  })
}

/** Make one random local edit on client `c.k`, described through `c.describe` (with "(no-op)" when it did not apply). */
export function randomEdit(c: EditContext): void {
  const edit = c.rng.weighted<Edit>([
    [6, typeText], [1, typeOver], [3, deleteRange], [2, split], [2, join], [2, mark],
    [2.5, list], [1.5, blockType], [1, quote], [c.history ? 2 : 0, history]
  ])
  edit(c)
}
