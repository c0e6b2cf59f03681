import { Fragment, type Node, type Schema } from "prosemirror-model"
import { Transform, type Step } from "prosemirror-transform"
import type { BlockWrite, DocJSON, LwwStamp, LwwWrite } from "../protocol/messages"
import { findBlock, replaceMinimal, textOf } from "./block-nodes"

/** How a last-writer-wins document is cut into registers: one per top-level block, or one for it all. */
export type LwwGranularity = "block" | "document"

/** The register key of a whole-document write. */
export const documentRegister = "document"

/** The register key of the document's title: empty, which no block id is (ids have 1 to 64 characters). */
export const titleRegister = ""

/**
 * True when stamp `a`, of a write settled after `b`'s, wins over `b`: a later clock, or on equal clocks
 * the same writer (a writer's writes are settled in the order it made them, so two in one millisecond
 * keep the second) or else the larger client id.
 */
export function newerStamp(a: LwwStamp, b: LwwStamp): boolean {
  return a.clock > b.clock || (a.clock == b.clock && a.clientId >= b.clientId)
}

/**
 * The writes a last-writer-wins client sends for an edit that turned `before` into `after`: every
 * top-level block (by id) that is new or changed, and every one that went, or with "document"
 * granularity every block of `after` (the whole document is the value) when any of them changed or
 * went. Blocks without an id are skipped; an edit of no block (a rename) writes none.
 */
export function blockWrites(before: Node, after: Node, granularity: LwwGranularity): BlockWrite[] {
  const old = new Map<string, Node>()
  before.forEach(node => { if (typeof node.attrs.id == "string") old.set(node.attrs.id, node) })
  const writes: BlockWrite[] = []
  const seen = new Set<string>()
  let prev: string | null = null, changed = false
  after.forEach(node => {
    const id = node.attrs.id
    if (typeof id != "string") return
    seen.add(id)
    const was = old.get(id)
    const differs = !was || !was.eq(node)
    changed ||= differs
    if (granularity == "document" || differs) writes.push({ id, node: node.toJSON(), after: prev })
    prev = id
  })
  for (const id of old.keys()) if (!seen.has(id)) {
    changed = true
    writes.push({ id, node: null, after: null })
  }
  return changed ? writes : []
}

/** What applying a client's block writes on the hub gave. */
export interface AppliedWrites {
  steps: Step[]
  doc: Node
  records: LwwWrite[]
}

/** The record of a write `beatenBy` held off, with the blocks it carried when there were any. */
function discarded(block: string, stamp: LwwStamp, text: string, beatenBy: LwwStamp, nodes: readonly (Node | null)[]): LwwWrite {
  const content = nodes.filter((n): n is Node => !!n).map(n => n.toJSON() as DocJSON)
  return { block, stamp, won: false, text, beatenBy, ...(content.length ? { content } : {}) }
}

/**
 * Apply a last-writer-wins client's writes to the hub's document: a write wins when its stamp is newer
 * than the one that last wrote its register (`stamps`, updated in place), and then replaces that block
 * (or the whole document); otherwise it is discarded and recorded with the stamp that beat it. Pure
 * apart from `stamps`; throws RangeError when a write's node is not a valid block of `schema`.
 */
export function applyWrites(schema: Schema, head: Node, stamps: Map<string, LwwStamp>, writes: readonly BlockWrite[], stamp: LwwStamp, granularity: LwwGranularity): AppliedWrites {
  const tr = new Transform(head)
  const nodes = writes.map(w => {
    if (!w.node) return null
    const node = schema.nodeFromJSON(w.node)
    node.check()
    if (!node.type.isInGroup("block")) throw new RangeError(`Write ${w.id} is a ${node.type.name}, not a block`)
    if (node.attrs.id !== w.id) throw new RangeError(`Write ${w.id} carries a block with id ${String(node.attrs.id)}`)
    return node
  })
  const records: LwwWrite[] = []
  // A batch that writes no block (a rename) writes no register either.
  if (granularity == "document" && writes.length) {
    const current = stamps.get(documentRegister)
    const text = nodes.filter(Boolean).map(n => textOf(n)).join("\n")
    if (current && !newerStamp(stamp, current)) {
      records.push(discarded(documentRegister, stamp, text, current, nodes))
    } else {
      stamps.set(documentRegister, stamp)
      const blocks = nodes.filter((n): n is Node => !!n)
      if (blocks.length) replaceMinimal(tr, 0, tr.doc.content.size, Fragment.from(blocks))
      records.push({ block: documentRegister, stamp, won: true, text })
    }
    return { steps: tr.steps, doc: tr.doc, records }
  }
  writes.forEach((w, i) => {
    const node = nodes[i]
    const current = stamps.get(w.id)
    if (current && !newerStamp(stamp, current)) {
      records.push(discarded(w.id, stamp, textOf(node), current, [node]))
      return
    }
    stamps.set(w.id, stamp)
    records.push({ block: w.id, stamp, won: true, text: textOf(node) })
    const found = findBlock(tr.doc, w.id)
    if (!node) {
      if (found && tr.doc.childCount > 1) tr.delete(found.pos, found.pos + found.node.nodeSize)
    } else if (found) {
      if (found.node.sameMarkup(node)) replaceMinimal(tr, found.pos + 1, found.pos + found.node.nodeSize - 1, node.content)
      else tr.replaceWith(found.pos, found.pos + found.node.nodeSize, node)
    } else {
      const prev = w.after == null ? null : findBlock(tr.doc, w.after)
      const at = w.after == null ? 0 : prev ? prev.pos + prev.node.nodeSize : tr.doc.content.size
      tr.insert(at, node)
    }
  })
  return { steps: tr.steps, doc: tr.doc, records }
}
