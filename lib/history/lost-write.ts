import { Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"
import { schema } from "../schema"
import { quote } from "../ot/op-summary"
import type { CommittedOp } from "../protocol/messages"
import { documentRegister, titleRegister } from "../strategies/block-writes"
import { textOf } from "../strategies/block-nodes"
import { restoreVersion } from "./restore-version"

/** A last-writer-wins write that a later clock beat, as the history panel lists and restores it. */
export interface LostWrite {
  /** Stable across renders: the op's version and the write's index in it. */
  key: string
  /** The version of the op that carried the write. */
  version: number
  /** The block id the write was for, "document" for a whole-document write, or "" for a rename. */
  block: string
  /** "'in Mumbai' was discarded: Delhi's write of the same block had a later clock" */
  text: string
  /** The blocks the write carried, or null when there is nothing to put back (a deletion). */
  blocks: Node[] | null
}

/** The writes of `op` that lost, with the text they carried (writes of no text are left out). Pure. */
export function lostWrites(op: CommittedOp): LostWrite[] {
  const result: LostWrite[] = []
  for (const [index, write] of (op.writes ?? []).entries()) {
    const title = write.block == titleRegister
    if (write.won || (!write.text && !title)) continue
    const what = title ? "rename" : "write of the same block"
    const why = write.beatenBy ? `${write.beatenBy.author.name}'s ${what} had a later clock` : `a later ${what} won`
    const blocks = write.content?.length ? write.content.map(json => Node.fromJSON(schema, json)) : null
    const lost = title ? (write.text ? `Renaming the document to ${quote(write.text, 80)}` : "Removing the document's title") : quote(write.text)
    result.push({ key: `${op.version}:w${index}`, version: op.version, block: write.block, text: `${lost} was discarded: ${why}`, blocks })
  }
  return result
}

/**
 * A transaction that writes `lost`'s blocks again: over the block with its id (or, for a whole-document
 * write, over the document), touching only the range that differs, so that it is one ordinary undoable
 * edit; a block deleted since is added again at the end of the document under a new id. Null when the
 * document already holds that content or the write carried none.
 */
export function restoreLostWrite(state: EditorState, lost: LostWrite): Transaction | null {
  if (!lost.blocks) return null
  const doc = state.doc
  if (lost.block == documentRegister) return restoreVersion(state, doc.type.create(doc.attrs, lost.blocks))
  const [block] = lost.blocks
  let index = -1
  doc.forEach((child, _, i) => { if (index < 0 && child.attrs.id === lost.block) index = i })
  if (index >= 0) return restoreVersion(state, doc.copy(doc.content.replaceChild(index, block)))
  // The block's id would carry the stamp of its deletion; a new block is a register of its own.
  return state.tr.insert(doc.content.size, block.type.create({ ...block.attrs, id: null }, block.content, block.marks))
}

/**
 * The register a restore of `lost` on `doc` writes and the text the hub records for that write, to find
 * its outcome among the committed writes; null when the restore adds a deleted block under a new id (a
 * register of its own, which no clock holds) or has nothing to write.
 */
export function restoredRegister(doc: Node, lost: LostWrite): { block: string; text: string } | null {
  if (!lost.blocks) return null
  if (lost.block == documentRegister) return { block: documentRegister, text: lost.blocks.map(textOf).join("\n") }
  let present = false
  doc.forEach(child => { if (child.attrs.id === lost.block) present = true })
  return present ? { block: lost.block, text: textOf(lost.blocks[0]) } : null
}
