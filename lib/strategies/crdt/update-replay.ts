import type { Node } from "prosemirror-model"
import * as Y from "yjs"
import { summarizeSteps, summaryText } from "../../ot/op-summary"
import { diffDocs } from "../../history/doc-diff"
import type { CommittedOp } from "../../protocol/messages"
import { BlockReader } from "./block-reader"
import { crdtFragment, crdtSeed, decodeUpdate } from "./updates"

/**
 * A CRDT document's op log replayed in order into a Yjs document of its own, turning each op's Yjs
 * update into what a step-based op says: the ProseMirror steps from the document before it to the one
 * after (diffDocs) and their summary in plain words ("typed 'hello' in paragraph 1"), so that the
 * history panel reads CRDT ops as it reads any other. Incremental: each op costs one update and a
 * reading of the blocks it touched.
 */
export class UpdateReplay {
  private readonly ydoc = new Y.Doc()
  private readonly reader = new BlockReader(this.ydoc.getXmlFragment(crdtFragment))
  private current: Node
  private at = 0

  constructor() {
    Y.applyUpdate(this.ydoc, crdtSeed())
    this.current = this.reader.read()
  }

  /** The version replayed to: the number of ops added. */
  get version(): number {
    return this.at
  }

  /** The document at `version`. */
  get doc(): Node {
    return this.current
  }

  /**
   * Apply the op that follows `version` and return it with the steps and summary of what it changed (no
   * summary when it changed nothing; a restore keeps its own). Throws a RangeError for an op out of order or without an update.
   */
  add(op: CommittedOp): CommittedOp {
    if (op.version != this.at + 1) throw new RangeError(`Expected op ${this.at + 1}, got ${op.version}`)
    if (!op.update) throw new RangeError(`Op ${op.version} carries no Yjs update`)
    Y.applyUpdate(this.ydoc, decodeUpdate(op.update))
    const before = this.current
    this.current = this.reader.read()
    this.at = op.version
    const steps = diffDocs(before, this.current)
    const described: CommittedOp = { ...op, steps: steps.map(step => step.toJSON()) }
    // A restore keeps its mark and the hub's words for it, which stand for whatever it changed (and keep
    // it out of a typing run); any other CRDT op's summary only says that it edited the document.
    if (op.restored) return described
    delete described.summary
    const summary = summaryText(summarizeSteps(before, steps))
    if (summary) described.summary = summary
    return described
  }
}
