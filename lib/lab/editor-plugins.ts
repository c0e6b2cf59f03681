import { Fragment, Slice, type Node } from "prosemirror-model"
import { baseKeymap } from "prosemirror-commands"
import { dropCursor } from "prosemirror-dropcursor"
import { gapCursor } from "prosemirror-gapcursor"
import { history, redo, undo } from "prosemirror-history"
import { keymap } from "prosemirror-keymap"
import { Plugin } from "prosemirror-state"
import { placeholderPlugin } from "../editor/placeholder-plugin"
import { blocksNeedingIds } from "../schema/block-ids"

/**
 * The plugins of a leader's editor in the lab: typing, Enter and Backspace, undo history, and block ids
 * from `newId` (so that new blocks get readable ids no scenario event has used). No formatting
 * commands or input rules: the lab records text edits, which carry no formatting.
 */
export function labEditorPlugins(newId: () => string): Plugin[] {
  return [
    keymap({ "Mod-z": undo, "Shift-Mod-z": redo, "Mod-y": redo }),
    keymap(baseKeymap),
    dropCursor({ color: "#3b5bdb", width: 2 }),
    gapCursor(),
    history(),
    new Plugin({
      appendTransaction(transactions, _old, state) {
        if (!transactions.some(tr => tr.docChanged)) return null
        const positions = blocksNeedingIds(state.doc)
        if (positions.length == 0) return null
        const tr = state.tr
        for (const pos of positions) tr.setNodeAttribute(pos, "id", newId())
        return tr.setMeta("addToHistory", false)
      }
    }),
    placeholderPlugin("Type here…")
  ]
}

function stripIds(fragment: Fragment): Fragment {
  const nodes: Node[] = []
  fragment.forEach(node => {
    const attrs = "id" in node.attrs ? { ...node.attrs, id: null } : node.attrs
    nodes.push(node.isText ? node : node.type.create(attrs, stripIds(node.content), node.marks))
  })
  return Fragment.from(nodes)
}

/** A pasted slice without block ids, so that pasted blocks get new ones rather than another block's (for the view's transformPasted). */
export function withoutBlockIds(slice: Slice): Slice {
  return new Slice(stripIds(slice.content), slice.openStart, slice.openEnd)
}
