import * as Y from "yjs"
import { crdtFragment } from "../../lib/strategies/crdt/updates"

/**
 * Type `text` into block `index` of a CRDT document's Yjs document, as the editor's binding writes it:
 * at the end of the block's last text, or at the start of its first with `atStart`. (Clients typing
 * into an empty block at once each add a Y.XmlText.)
 */
export function typeInYjs(ydoc: Y.Doc, text: string, { index = 0, atStart = false } = {}): void {
  const block = ydoc.getXmlFragment(crdtFragment).get(index) as Y.XmlElement
  ydoc.transact(() => {
    if (!(block.get(0) instanceof Y.XmlText)) block.insert(0, [new Y.XmlText()])
    const texts = block.toArray().filter((t): t is Y.XmlText => t instanceof Y.XmlText)
    const target = atStart ? texts[0] : texts[texts.length - 1]
    target.insert(atStart ? 0 : target.length, text)
  })
}
