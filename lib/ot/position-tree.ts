import type { StepMap } from "prosemirror-transform"
import { deletionFlags } from "./map-result"

/** One position followed through a sequence of step maps, with the deletion flags gathered on the way. */
export class TrackedPosition {
  /** The position, current once `refresh`ed. */
  pos: number
  /** The deletion flags gathered so far (see deletionFlags). */
  del: number
  /** @internal Treap links and the change pending for the node's subtrees. */
  left: TrackedPosition | null = null
  right: TrackedPosition | null = null
  parent: TrackedPosition | null = null
  priority = 0
  pendingSet = false
  pendingValue = 0
  pendingDel = 0

  /** Follow `pos`, with deletion flags `del` gathered before; `owner` is the caller's handle for it. */
  constructor(pos: number, del: number, readonly owner: number) {
    this.pos = pos
    this.del = del
  }
}

type Link = TrackedPosition | null

/**
 * A set of positions with one association side (all mapped with `assoc` < 0, or all with `assoc` >= 0),
 * kept in order in a treap so that a step map moves all of them at once in O(log n) per changed range:
 * positions between changed ranges shift by the same amount, and those at the start, inside or at the
 * end of a changed range land on the same spot with the same deletion flags. The results equal mapping
 * each position through StepMap.mapResult on its own.
 */
export class PositionTree {
  private root: Link = null
  private seed = 0x9e3779b9

  constructor(readonly assoc: number) {}

  /** Start following `node` from its current position. */
  insert(node: TrackedPosition): void {
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0
    node.priority = this.seed
    // Down to where the node's priority puts it, then split what is below between its two sides.
    let parent: Link = null, below = this.root, onLeft = false
    while (below && below.priority > node.priority) {
      push(below)
      parent = below
      onLeft = node.pos < below.pos
      below = onLeft ? below.left : below.right
    }
    const [left, right] = split(below, node.pos, false)
    setLeft(node, left)
    setRight(node, right)
    if (!parent) (this.root = node).parent = null
    else if (onLeft) setLeft(parent, node)
    else setRight(parent, node)
  }

  /** Stop following `node`, which must be in this tree. */
  remove(node: TrackedPosition): void {
    refresh(node)
    push(node)
    const rest = join(node.left, node.right)
    const parent = node.parent
    if (!parent) {
      this.root = rest
      if (rest) rest.parent = null
    } else if (parent.left == node) {
      setLeft(parent, rest)
    } else {
      setRight(parent, rest)
    }
    node.left = node.right = node.parent = null
  }

  /**
   * Map every position through `map`. With `recovering`, the positions that Mapping could recover
   * through a mirror of the map (they were inside a range the map replaced) are taken out of the tree
   * and handed to it with the index of their range and their offset into it, before the map; the
   * others move.
   */
  map(map: StepMap, recovering?: Recovering): void {
    if (!this.root) return
    const pieces = this.piecesOf(map)
    if (!pieces) return
    if (recovering) for (let i = 0; i < pieces.count; i++) if (pieces.items[i].range >= 0) this.extract(pieces.items[i], recovering)
    if (this.root) update(this.root, -Infinity, Infinity, pieces)
  }

  // The positions in order, cut where the map treats them differently: before, at the start of,
  // inside and at the end of each changed range, and after the last; neighbours moved alike are one
  // piece. Null for a map that changes nothing.
  private piecesOf(map: StepMap): Pieces | null {
    ranges.length = 0
    map.forEach(collectRange)
    if (ranges.length == 0) return null
    const pieces = piecePool
    pieces.count = 0
    let claimed = -Infinity, shift = 0
    // Ranges come in order; a position at the end of one range and the start of the next belongs to the first.
    for (let r = 0; r < ranges.length; r += 4) {
      const oldStart = ranges[r], oldEnd = ranges[r + 1], newStart = ranges[r + 2], newEnd = ranges[r + 3]
      const range = r / 4
      if (oldStart - 1 > claimed) addPiece(pieces, claimed + 1, oldStart - 1, false, newStart - oldStart, 0, -1, 0)
      this.probe(pieces, map, Math.max(oldStart, claimed + 1), oldStart, oldStart, false, range, oldStart, oldEnd)
      if (oldEnd > oldStart) {
        this.probe(pieces, map, Math.max(oldStart + 1, claimed + 1), oldEnd - 1, oldStart + 1, true, range, oldStart, oldEnd)
        this.probe(pieces, map, Math.max(oldEnd, claimed + 1), oldEnd, oldEnd, false, range, oldStart, oldEnd)
      }
      claimed = Math.max(claimed, oldEnd)
      shift = newEnd - oldEnd
    }
    addPiece(pieces, claimed + 1, Infinity, false, shift, 0, -1, 0)
    return pieces
  }

  // Add the piece [lo, hi] of the changed range [oldStart, oldEnd], number `range`, moved like `probe`: to
  // one spot when `inside`, else by the same amount. As StepMap.mapResult decides, a position in the
  // range can be recovered through a mirror unless it is the range's edge on its association's side.
  private probe(pieces: Pieces, map: StepMap, lo: number, hi: number, probe: number, inside: boolean, range: number, oldStart: number, oldEnd: number): void {
    if (lo > hi) return
    const result = map.mapResult(probe, this.assoc)
    const recovers = probe != (this.assoc < 0 ? oldStart : oldEnd)
    addPiece(pieces, lo, hi, inside, inside ? result.pos : result.pos - probe, deletionFlags(result), recovers ? range : -1, oldStart)
  }

  // Take the positions of `piece` out of the tree and hand each to `recovering`.
  private extract(piece: Piece, recovering: Recovering): void {
    if (!anyWithin(this.root, piece.lo, piece.hi)) return
    const [below, rest] = split(this.root, piece.lo, false)
    const [within, above] = split(rest, piece.hi, true)
    this.root = join(below, above)
    const found: TrackedPosition[] = []
    forEachNode(within, found)
    for (const node of found) recovering(node, piece.range, node.pos - piece.start)
  }
}

/** Receives a position inside changed range `range` of a map, `offset` from the range's start. */
export type Recovering = (node: TrackedPosition, range: number, offset: number) => void

// A run of positions that a map moves alike: by `value`, or all to `value` when `set`. `range` is the
// index of the changed range through whose mirror they can be recovered, -1 for none; `start` that
// range's start.
interface Piece {
  lo: number
  hi: number
  set: boolean
  value: number
  del: number
  range: number
  start: number
}

// The pieces of the map being applied, reused from map to map (a tree maps one map at a time and
// `map` does not call back into another tree's `map`) to spare the garbage collector: the first `count`
// of `items` are current.
interface Pieces {
  items: Piece[]
  count: number
}

const piecePool: Pieces = { items: [], count: 0 }

// The ranges of the map being applied, four numbers each as StepMap.forEach gives them.
const ranges: number[] = []

function collectRange(oldStart: number, oldEnd: number, newStart: number, newEnd: number): void {
  ranges.push(oldStart, oldEnd, newStart, newEnd)
}

function addPiece(pieces: Pieces, lo: number, hi: number, set: boolean, value: number, del: number, range: number, start: number): void {
  const last = pieces.count ? pieces.items[pieces.count - 1] : null
  if (last && !last.set && !set && last.value == value && last.del == del && last.range == range && last.start == start) {
    last.hi = hi
    return
  }
  let piece = pieces.items[pieces.count]
  if (piece) {
    piece.lo = lo
    piece.hi = hi
    piece.set = set
    piece.value = value
    piece.del = del
    piece.range = range
    piece.start = start
  } else {
    pieces.items.push((piece = { lo, hi, set, value, del, range, start }))
  }
  pieces.count++
}

function pieceAt(pieces: Pieces, pos: number): Piece {
  let i = 0
  while (pieces.items[i].hi < pos) i++
  return pieces.items[i]
}

// Move the subtree of `node`, whose positions lie in [low, high], piece by piece: a subtree within one piece moves at once.
function update(node: TrackedPosition, low: number, high: number, pieces: Pieces): void {
  const piece = pieceAt(pieces, low)
  if (high <= piece.hi) {
    tag(node, piece.set, piece.value, piece.del)
    return
  }
  push(node)
  const key = node.pos
  const own = pieceAt(pieces, key)
  node.pos = own.set ? own.value : key + own.value
  node.del |= own.del
  if (node.left) update(node.left, low, key, pieces)
  if (node.right) update(node.right, key, high, pieces)
}

function anyWithin(node: Link, lo: number, hi: number): boolean {
  while (node) {
    push(node)
    if (node.pos < lo) node = node.right
    else if (node.pos > hi) node = node.left
    else return true
  }
  return false
}

/** Bring `node` up to date with the changes pending above it in its tree; its `pos` and `del` are then current. */
export function refresh(node: TrackedPosition): void {
  const parent = node.parent
  if (!parent) return
  refresh(parent)
  push(parent)
}

function tag(node: Link, set: boolean, value: number, del: number): void {
  if (!node) return
  node.pos = set ? value : node.pos + value
  node.del |= del
  if (set) {
    node.pendingSet = true
    node.pendingValue = value
  } else {
    node.pendingValue += value
  }
  node.pendingDel |= del
}

function push(node: TrackedPosition): void {
  if (!node.pendingSet && node.pendingValue == 0 && node.pendingDel == 0) return
  tag(node.left, node.pendingSet, node.pendingValue, node.pendingDel)
  tag(node.right, node.pendingSet, node.pendingValue, node.pendingDel)
  node.pendingSet = false
  node.pendingValue = 0
  node.pendingDel = 0
}

// Split into the positions below `pos` (or at most `pos`, when `inclusive`) and the rest, top down.
function split(node: Link, pos: number, inclusive: boolean): [Link, Link] {
  let left: Link = null, right: Link = null
  let leftTail: Link = null, rightTail: Link = null
  while (node) {
    push(node)
    if (node.pos < pos || (inclusive && node.pos == pos)) {
      if (leftTail) setRight(leftTail, node)
      else (left = node).parent = null
      leftTail = node
      node = node.right
    } else {
      if (rightTail) setLeft(rightTail, node)
      else (right = node).parent = null
      rightTail = node
      node = node.left
    }
  }
  if (leftTail) leftTail.right = null
  if (rightTail) rightTail.left = null
  return [left, right]
}

function join(a: Link, b: Link): Link {
  if (!a) return b
  if (!b) return a
  if (a.priority > b.priority) {
    push(a)
    setRight(a, join(a.right, b))
    a.parent = null
    return a
  }
  push(b)
  setLeft(b, join(a, b.left))
  b.parent = null
  return b
}

function setLeft(node: TrackedPosition, child: Link): void {
  node.left = child
  if (child) child.parent = node
}

function setRight(node: TrackedPosition, child: Link): void {
  node.right = child
  if (child) child.parent = node
}

function forEachNode(node: Link, out: TrackedPosition[]): void {
  if (!node) return
  push(node)
  forEachNode(node.left, out)
  out.push(node)
  forEachNode(node.right, out)
}
