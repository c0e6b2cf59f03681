import { Plugin } from "prosemirror-state"
import { Decoration, DecorationSet } from "prosemirror-view"

/** Shows `text` in an empty document (one empty paragraph), through the data-placeholder attribute and CSS. */
export function placeholderPlugin(text: string): Plugin {
  return new Plugin({
    props: {
      decorations(state) {
        const { doc } = state
        const first = doc.firstChild
        if (doc.childCount != 1 || !first || !first.isTextblock || first.content.size > 0) return null
        return DecorationSet.create(doc, [Decoration.node(0, first.nodeSize, { class: "is-empty", "data-placeholder": text })])
      }
    }
  })
}
