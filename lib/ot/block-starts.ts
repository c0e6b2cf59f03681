import type { Node } from "prosemirror-model"

/**
 * Where each top-level block of a document starts, kept along a run of steps that each change one
 * block (typing, deleting inside a paragraph): finding the block of a position takes O(log blocks),
 * and the shift of the blocks after a changed one is added up lazily while the changes stay in one
 * block, so that a run of typing costs no O(blocks) pass per step. StepApplier and StepInverter each
 * keep one.
 */
export class BlockStarts {
  private doc: Node | null = null
  private starts = noStarts
  /** The starts from index `shiftFrom` on are `shift` short of the truth. */
  private shiftFrom = 0
  private shift = 0

  /** Whether these are the starts of `doc`. */
  describes(doc: Node): boolean {
    return this.doc === doc
  }

  /** Index the blocks of `doc` (a pass over them). */
  index(doc: Node): void {
    if (this.starts.length < doc.childCount) this.starts = new Int32Array(doc.childCount * 2)
    let pos = 0
    for (let i = 0; i < doc.childCount; i++) {
      this.starts[i] = pos
      pos += doc.child(i).nodeSize
    }
    this.doc = doc
    this.shift = 0
  }

  /** The index of the last block that starts at or before `pos`, in the document described (which has blocks). */
  blockAt(pos: number): number {
    let low = 0, high = this.doc!.childCount - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.start(mid) <= pos) low = mid
      else high = mid - 1
    }
    return low
  }

  /** The start of block `index`. */
  start(index: number): number {
    return this.starts[index] + (index >= this.shiftFrom ? this.shift : 0)
  }

  /** Describe `next` instead: the document described with block `index` replaced by one `delta` positions longer. */
  resized(next: Node, index: number, delta: number): void {
    if (delta) {
      if (this.shift && this.shiftFrom != index + 1) {
        for (let i = this.shiftFrom; i < next.childCount; i++) this.starts[i] += this.shift
        this.shift = 0
      }
      this.shiftFrom = index + 1
      this.shift += delta
    }
    this.doc = next
  }

  /**
   * Describe `next` instead: the document described with block `index` replaced by blocks of `sizes`
   * (one or more). The starts after them move in memory once, and their shift is added up lazily.
   */
  replaced(next: Node, index: number, sizes: readonly number[]): void {
    const old = this.doc!
    if (sizes.length == 1) return this.resized(next, index, sizes[0] - old.child(index).nodeSize)
    if (sizes.length == 0) return this.index(next)
    const count = old.childCount
    for (let i = this.shiftFrom; i < count && this.shift; i++) this.starts[i] += this.shift
    if (this.starts.length < next.childCount) {
      const grown = new Int32Array(next.childCount * 2)
      grown.set(this.starts.subarray(0, count))
      this.starts = grown
    }
    const first = this.starts[index], end = first + old.child(index).nodeSize
    this.starts.copyWithin(index + sizes.length, index + 1, count)
    let pos = first
    for (let k = 0; k < sizes.length; k++) {
      this.starts[index + k] = pos
      pos += sizes[k]
    }
    this.shiftFrom = index + sizes.length
    this.shift = pos - end
    this.doc = next
  }

  /** Describe no document, letting go of the one described. */
  forget(): void {
    this.doc = null
    this.starts = noStarts
    this.shift = 0
  }
}

/** The index of no document, shared (a typed array costs some 180 bytes, even empty: one per open document). */
const noStarts = new Int32Array(0)
