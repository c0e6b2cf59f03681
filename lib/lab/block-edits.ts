import type { Node } from "prosemirror-model"
import { Transform } from "prosemirror-transform"
import { applyEdit, blockText, type Edit } from "../strategies"

/** The neutral edits that turn one document into another, or why the change cannot be told as such edits. */
export type BlockEditsResult = { ok: true; edits: Edit[] } | { ok: false; reason: string }

/** A change to one block's text: characters `from` to `to` of the old text become `text`. */
export interface TextChange {
  from: number
  to: number
  text: string
}

interface BlockEntry {
  id: string
  node: Node
  pos: number
}

function isHighSurrogate(text: string, i: number): boolean {
  const code = text.charCodeAt(i)
  return code >= 0xd800 && code <= 0xdbff
}

/**
 * The smallest change that turns `before` into `after`, or null when they are equal. When the change
 * could sit in several places (typing "a" into "aa"), `hint` (where the change ends in `after`, as the
 * caret after typing) picks among them; without it the change goes as late as it can. Offsets count
 * UTF-16 units but never split a surrogate pair.
 */
export function textChange(before: string, after: string, hint?: number): TextChange | null {
  if (before == after) return null
  const shorter = Math.min(before.length, after.length)
  let prefix = 0
  while (prefix < shorter && before.charCodeAt(prefix) == after.charCodeAt(prefix)) prefix++
  let suffix = 0
  while (suffix < shorter && before.charCodeAt(before.length - 1 - suffix) == after.charCodeAt(after.length - 1 - suffix)) suffix++
  // Common prefix and suffix may overlap (a repeated character): then the change can start anywhere in [shorter - suffix, prefix].
  let start = prefix
  if (prefix + suffix > shorter) {
    const lowest = shorter - suffix
    const wanted = hint == null ? prefix : hint - (after.length - shorter)
    start = Math.max(lowest, Math.min(prefix, wanted))
  }
  if (start > 0 && isHighSurrogate(after, start - 1)) start--
  let end = Math.min(suffix, shorter - start)
  if (end > 0 && (isHighSurrogate(before, before.length - end - 1) || isHighSurrogate(after, after.length - end - 1))) end--
  return { from: start, to: before.length - end, text: after.slice(start, after.length - end) }
}

function topBlocks(doc: Node): BlockEntry[] | string {
  const blocks: BlockEntry[] = []
  let missing: string | null = null
  doc.forEach((node, pos, index) => {
    if (typeof node.attrs.id == "string") blocks.push({ id: node.attrs.id, node, pos })
    else missing ??= `block ${index} has no id`
  })
  return missing ?? blocks
}

/** The character offset in textblock `block` (starting at `start`) of document position `pos`. */
function textOffset(doc: Node, start: number, pos: number): number {
  return doc.textBetween(start + 1, pos, "", "").length
}

/**
 * The neutral edits (lib/strategies' Edit) that turn `before` into `after`, two versions of a leader's
 * document, found by comparing top-level blocks by id: a new id is an insertBlock after the block that
 * precedes it, a gone id a deleteBlock, a changed text a replaceText. Edits come inserts first (in
 * document order), then text changes, then deletions, so that none refers to a block not yet there and
 * the only block is never deleted first. `hint`, a position in `after` (the caret), places a text change
 * that could sit in several places. Changes the edits cannot tell (blocks moved, text changed inside a
 * list or quote, a block without an id) are a failure; changes of formatting alone give no edit.
 */
export function blockEdits(before: Node, after: Node, hint?: number): BlockEditsResult {
  const old = topBlocks(before), now = topBlocks(after)
  if (typeof old == "string") return { ok: false, reason: `the document before the change is not one the lab can record: ${old}` }
  if (typeof now == "string") return { ok: false, reason: `the change leaves a block without an id: ${now}` }
  const oldById = new Map(old.map(entry => [entry.id, entry]))
  const nowIds = new Set(now.map(entry => entry.id))
  const kept = now.filter(entry => oldById.has(entry.id)).map(entry => entry.id)
  const keptBefore = old.filter(entry => nowIds.has(entry.id)).map(entry => entry.id)
  if (kept.some((id, i) => id != keptBefore[i])) return { ok: false, reason: "the lab does not record blocks moving" }

  const inserts: Edit[] = [], changes: Edit[] = [], deletes: Edit[] = []
  let previous: string | null = null
  for (const entry of now) {
    const was = oldById.get(entry.id)
    if (!was) {
      if (!entry.node.isTextblock) return { ok: false, reason: `the lab records paragraphs only, not a new ${entry.node.type.name.replace("_", " ")}` }
      inserts.push({ type: "insertBlock", after: previous, text: blockText(entry.node), id: entry.id })
    } else {
      const oldText = blockText(was.node), newText = blockText(entry.node)
      if (oldText != newText) {
        if (!entry.node.isTextblock || !was.node.isTextblock)
          return { ok: false, reason: `the lab records text in paragraphs and headings only, not inside a ${entry.node.type.name.replace("_", " ")}` }
        const inside = hint != null && hint > entry.pos && hint < entry.pos + entry.node.nodeSize
        const change = textChange(oldText, newText, inside ? textOffset(after, entry.pos, hint) : undefined)!
        changes.push({ type: "replaceText", block: entry.id, ...change })
      }
    }
    previous = entry.id
  }
  for (const entry of old) if (!nowIds.has(entry.id)) deletes.push({ type: "deleteBlock", block: entry.id })
  return { ok: true, edits: [...inserts, ...changes, ...deletes] }
}

/**
 * Apply `edits` one after the other to `doc`, as a scenario replays them, and return the transform
 * (its steps are what a strategy sees), or why one of them does not apply.
 */
export function applyEdits(doc: Node, edits: readonly Edit[]): { ok: true; tr: Transform } | { ok: false; reason: string } {
  const tr = new Transform(doc)
  for (const edit of edits) {
    const result = applyEdit(tr.doc, edit, "")
    if (!result.ok) return { ok: false, reason: result.reason }
    for (const step of result.tr.steps) tr.step(step)
  }
  return { ok: true, tr }
}
