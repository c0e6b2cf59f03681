import { Fragment, type Node } from "prosemirror-model"
import * as Y from "yjs"
import { yXmlFragmentToProseMirrorFragment } from "y-prosemirror"
import { schema } from "../../schema/schema"

/** A child of a Y.XmlFragment. */
type Block = ReturnType<Y.XmlFragment["toArray"]>[number]

/**
 * Reads the ProseMirror document a Y.XmlFragment holds again and again as updates arrive, converting
 * only the top-level blocks the updates touched and reusing the others' nodes (so that diffs between two
 * readings skip them by identity). y-prosemirror converts one block only inside its editor binding; its
 * public reader converts a fragment's `toArray()`, so a block is read through a stand-in fragment holding
 * only it. The tests compare every reading with a whole one, and fail the day that changes.
 */
export class BlockReader {
  private blocks = new Map<Block, Node>()
  /** The top-level blocks the updates since the last reading touched. */
  private readonly touched = new Set<object>()

  constructor(private readonly fragment: Y.XmlFragment) {
    fragment.observeDeep(events => {
      for (const event of events) {
        let target = event.target
        while (target.parent && target.parent != fragment) target = target.parent
        this.touched.add(target)
      }
    })
  }

  /** The document the fragment holds now. */
  read(): Node {
    const blocks = new Map<Block, Node>()
    const nodes: Node[] = []
    for (const child of this.fragment.toArray()) {
      let node = this.touched.has(child) ? undefined : this.blocks.get(child)
      if (!node) node = readBlock(child)
      if (!node) continue
      blocks.set(child, node)
      nodes.push(node)
    }
    this.blocks = blocks
    this.touched.clear()
    return schema.topNodeType.create(null, Fragment.fromArray(nodes))
  }
}

/** One top-level block, read as y-prosemirror reads a fragment's children; undefined when it makes no node. */
function readBlock(block: Block): Node | undefined {
  const single = { toArray: () => [block] } as unknown as Y.XmlFragment
  return yXmlFragmentToProseMirrorFragment(single, schema).firstChild ?? undefined
}
