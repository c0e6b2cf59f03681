import { Fragment, type Node } from "prosemirror-model"
import type { Step } from "prosemirror-transform"
import type { UnconfirmedSteps } from "../ot/sync-client"

/**
 * The JSON text of a document and of a client's unconfirmed work, as JSON.stringify of their toJSON
 * gives it, with each block's and each step's text kept per object (ProseMirror's nodes and steps are
 * immutable and shared from one state to the next): a document whose blocks mostly did not change, or
 * work that only grew, costs what changed.
 */
export class JsonTextCache {
  private readonly blocks = new WeakMap<Node, string>()
  private readonly steps = new WeakMap<Step, string>()

  /** The text of `doc.toJSON()`. */
  doc(doc: Node): string {
    const shell = JSON.stringify(doc.copy(Fragment.empty).toJSON())
    if (!doc.childCount) return shell
    const blocks: string[] = []
    doc.forEach(block => blocks.push(this.cached(this.blocks, block, () => JSON.stringify(block.toJSON()))))
    return `${shell.slice(0, -1)},"content":[${blocks.join(",")}]}`
  }

  /** The text of the UnconfirmedWork these steps make (SyncClient.work()). */
  work(work: UnconfirmedSteps): string {
    const steps = (list: readonly Step[]) => `[${list.map(step => this.cached(this.steps, step, () => JSON.stringify(step.toJSON()))).join(",")}]`
    const inflight = work.inflight
      ? `{"batch":${JSON.stringify(work.inflight.batch)},"steps":${steps(work.inflight.steps)},"origins":${JSON.stringify(work.inflight.origins)}}`
      : "null"
    return `{"nextSeq":${work.nextSeq},"confirmedSeq":${work.confirmedSeq},"inflight":${inflight},"pending":${steps(work.pending)}}`
  }

  private cached<K extends object>(map: WeakMap<K, string>, key: K, text: () => string): string {
    let known = map.get(key)
    if (known === undefined) map.set(key, (known = text()))
    return known
  }
}
