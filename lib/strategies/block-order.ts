import type { Node } from "prosemirror-model"

/**
 * Where a block goes, fixed when it is created: after its predecessor's id (null: at the top), with
 * a Lamport `key` that is higher than every key its writer had seen. Placements never change, so
 * replicas merge them by union.
 */
export interface Placement {
  id: string
  after: string | null
  key: number
  writer: string
}

/** The placements of a starting document: each block after the one before it. */
export function startPlacements(doc: Node): Placement[] {
  const placements: Placement[] = []
  let after: string | null = null
  doc.forEach(block => {
    const id = block.attrs.id as string
    placements.push({ id, after, key: 0, writer: "" })
    after = id
  })
  return placements
}

/** The key for a block created on a replica holding `placements`: one above every key there. */
export function nextKey(placements: Iterable<Placement>): number {
  let max = 0
  for (const p of placements) max = Math.max(max, p.key)
  return max + 1
}

/**
 * The order of all blocks, deleted ones included: each block follows its predecessor, and blocks
 * placed after the same one come newest key first (ties: writer, then id, in alphabetical order), as in
 * RGA. A block created after its writer saw the others thus lands right after its predecessor, and
 * every replica holding the same placements gets the same order.
 */
export function orderBlocks(placements: Iterable<Placement>): string[] {
  const children = new Map<string | null, Placement[]>()
  for (const p of placements) {
    const list = children.get(p.after)
    if (list) list.push(p)
    else children.set(p.after, [p])
  }
  const later = (a: Placement, b: Placement) =>
    b.key - a.key || (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  for (const list of children.values()) list.sort(later)
  const order: string[] = []
  const stack = [...(children.get(null) ?? [])].reverse()
  while (stack.length) {
    const p = stack.pop()!
    order.push(p.id)
    const next = children.get(p.id)
    if (next) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i])
  }
  return order
}
