import type { Node } from "prosemirror-model"

/**
 * The last few past versions the hub replayed, for all documents together (so the memory they take is
 * bounded however many documents are open): the bases and the versions `authorship` counted over, which
 * stepping through a version asks for again. Versions never change, so an entry is never stale.
 */
export class RecentVersions {
  private readonly entries = new Map<string, Node>()

  constructor(private readonly capacity = 4) {}

  get(docId: string, version: number): Node | undefined {
    const key = `${version}@${docId}`
    const node = this.entries.get(key)
    if (node) {
      this.entries.delete(key)
      this.entries.set(key, node)
    }
    return node
  }

  remember(docId: string, version: number, node: Node): void {
    const key = `${version}@${docId}`
    this.entries.delete(key)
    this.entries.set(key, node)
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break
      this.entries.delete(oldest)
    }
  }
}
