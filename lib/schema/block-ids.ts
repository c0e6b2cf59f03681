import { Fragment, type Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"
import { AddMarkStep, AddNodeMarkStep, AttrStep, DocAttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceStep, type Step } from "prosemirror-transform"

/** A fresh random block id: 10 characters of base 36. */
export function newBlockId(random: () => number = Math.random): string {
  let id = ""
  for (let i = 0; i < 10; i++) id += Math.floor(random() * 36).toString(36)
  return id
}

/**
 * Positions of the blocks in `doc` that need a new id: those without one and every
 * repeat of an id seen earlier in document order, so a split keeps the id on its first half.
 */
export function blocksNeedingIds(doc: Node): number[] {
  const seen = new Set<string>()
  const result: number[] = []
  doc.descendants((node, pos) => {
    if (!node.isBlock) return false
    if (node.type.spec.attrs?.id) {
      const id = node.attrs.id
      if (typeof id != "string" || seen.has(id)) result.push(pos)
      else seen.add(id)
    }
    return !node.isTextblock
  })
  return result
}

/**
 * Add steps to `tr` giving every block that needs one a fresh id. A new block takes no version vector
 * or conflict from the block it was split or copied from. Returns `tr` when it changed anything, else null.
 */
export function assignBlockIds(tr: Transaction, random?: () => number): Transaction | null {
  const positions = blocksNeedingIds(tr.doc)
  for (const pos of positions) {
    tr.setNodeAttribute(pos, "id", newBlockId(random))
    const node = tr.doc.nodeAt(pos)!
    if (node.attrs.vv != null) tr.setNodeAttribute(pos, "vv", null)
    if (node.attrs.conflict != null) tr.setNodeAttribute(pos, "conflict", null)
  }
  return positions.length ? tr : null
}

/**
 * `fragment` with a fresh id on every block that has none or one `taken` holds (the document's, and
 * those given on the way), and, as assignBlockIds does, no version vector or conflict: what the editor
 * pastes arrives with its ids, rather than appendBlockIds giving each block its own step afterwards,
 * each applied to the whole document (a paste of thousands of paragraphs took seconds).
 */
export function withFreshIds(fragment: Fragment, taken: Set<string>): Fragment {
  const nodes: Node[] = []
  fragment.forEach(node => {
    if (!node.isBlock) return void nodes.push(node)
    const content = node.isTextblock ? node.content : withFreshIds(node.content, taken)
    const id = node.attrs.id
    if (node.type.spec.attrs?.id && (typeof id != "string" || taken.has(id))) {
      const fresh = newBlockId()
      taken.add(fresh)
      nodes.push(node.type.create({ ...node.attrs, id: fresh, ...(node.type.spec.attrs?.vv ? { vv: null, conflict: null } : {}) }, content, node.marks))
    } else {
      if (typeof id == "string") taken.add(id)
      nodes.push(content == node.content ? node : node.copy(content))
    }
  })
  return Fragment.from(nodes)
}

/** The ids of `doc`'s blocks. */
export function blockIds(doc: Node): Set<string> {
  const ids = new Set<string>()
  doc.descendants(node => {
    if (typeof node.attrs.id == "string") ids.add(node.attrs.id)
    return !node.isTextblock
  })
  return ids
}

/**
 * True when `step` cannot leave a block without an id or two blocks with one id: it types inline
 * content (a closed slice of inline nodes, which only fits inside a textblock), deletes (an empty slice
 * only removes or joins blocks, the first of a join keeping its id), changes marks, the document's
 * attributes, or a block attribute other than its id.
 */
export function keepsBlockIds(step: Step): boolean {
  if (step instanceof ReplaceStep) {
    const slice = step.slice
    if (slice.content.size == 0) return true
    if (slice.openStart || slice.openEnd) return false
    for (let i = 0; i < slice.content.childCount; i++) if (!slice.content.child(i).isInline) return false
    return true
  }
  if (step instanceof AttrStep) return step.attr != "id"
  return step instanceof AddMarkStep || step instanceof RemoveMarkStep || step instanceof AddNodeMarkStep ||
    step instanceof RemoveNodeMarkStep || step instanceof DocAttrStep
}

/**
 * An appendTransaction hook for editor plugins: keeps block ids present and unique after every change.
 * Typing and deleting, nearly every transaction, leave the ids as they were and are not looked at: a
 * scan of every block costs some 0.6 ms a keystroke in a 5,000-paragraph document.
 */
export function appendBlockIds(transactions: readonly Transaction[], _old: EditorState, state: EditorState): Transaction | null {
  if (transactions.every(tr => tr.steps.every(keepsBlockIds))) return null
  const tr = state.tr
  if (!assignBlockIds(tr)) return null
  return tr.setMeta("addToHistory", false).setMeta("concord:block-ids", true)
}
