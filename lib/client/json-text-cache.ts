import { Fragment, type Node } from "prosemirror-model"

/**
 * The JSON text of a document, as JSON.stringify of its toJSON gives it, with each block's text kept per
 * block (ProseMirror's nodes are immutable and shared from one state to the next): a document whose
 * blocks mostly did not change costs what changed.
 */
export class JsonTextCache {
  private readonly blocks = new WeakMap<Node, string>()

  /** The text of `doc.toJSON()`. */
  doc(doc: Node): string {
    const shell = JSON.stringify(doc.copy(Fragment.empty).toJSON())
    if (!doc.childCount) return shell
    const blocks: string[] = []
    doc.forEach(block => blocks.push(this.cached(this.blocks, block, () => JSON.stringify(block.toJSON()))))
    return `${shell.slice(0, -1)},"content":[${blocks.join(",")}]}`
  }

  private cached<K extends object>(map: WeakMap<K, string>, key: K, text: () => string): string {
    let known = map.get(key)
    if (known === undefined) map.set(key, (known = text()))
    return known
  }
}
