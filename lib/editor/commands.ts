import { setBlockType, toggleMark, wrapIn, lift } from "prosemirror-commands"
import { liftListItem, wrapInList } from "prosemirror-schema-list"
import type { Attrs, MarkType, Node, NodeType } from "prosemirror-model"
import type { Command, EditorState } from "prosemirror-state"
import { schema, isAllowedHref } from "../schema"

const { nodes, marks } = schema

/** True when `type` is on the selection (anywhere in it), or among the marks typed next for an empty selection. */
export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, to, empty, $from } = state.selection
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks())
  return state.doc.rangeHasMark(from, to, type)
}

/** True when the selection lies in one textblock of `type` whose attributes include `attrs`. */
export function blockActive(state: EditorState, type: NodeType, attrs: Attrs = {}): boolean {
  const { $from, to } = state.selection
  const parent = $from.parent
  return to <= $from.end() && parent.type == type && Object.entries(attrs).every(([name, value]) => parent.attrs[name] === value)
}

/** The innermost ancestor of the selection start whose type is one of `types`, with its position. */
export function ancestorOf(state: EditorState, types: readonly NodeType[]): { node: Node; pos: number } | null {
  const { $from } = state.selection
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth)
    if (types.includes(node.type)) return { node, pos: $from.before(depth) }
  }
  return null
}

/** Turn the selected textblocks into `type` with `attrs`, keeping each block's id. */
export function setBlock(type: NodeType, attrs: Attrs = {}): Command {
  return (state, dispatch) => {
    if (!setBlockType(type, attrs)(state)) return false
    if (dispatch) {
      const tr = state.tr
      for (const range of state.selection.ranges)
        tr.setBlockType(range.$from.pos, range.$to.pos, type, node => ({ ...attrs, id: node.attrs.id }))
      dispatch(tr.scrollIntoView())
    }
    return true
  }
}

/** Turn the selected textblocks into `type`, or back into paragraphs when they already are. */
export function toggleBlock(type: NodeType, attrs: Attrs = {}): Command {
  return (state, dispatch) =>
    blockActive(state, type, attrs) ? setBlock(nodes.paragraph)(state, dispatch) : setBlock(type, attrs)(state, dispatch)
}

/** Wrap the selection in a list of `listType`, lift it out when it is in one, or switch the list it is in to that type. */
export function toggleList(listType: NodeType): Command {
  return (state, dispatch) => {
    const list = ancestorOf(state, [nodes.bullet_list, nodes.ordered_list])
    if (!list) return wrapInList(listType)(state, dispatch)
    if (list.node.type == listType) return liftListItem(nodes.list_item)(state, dispatch)
    if (dispatch) dispatch(state.tr.setNodeMarkup(list.pos, listType, { id: list.node.attrs.id }).scrollIntoView())
    return true
  }
}

/** Wrap the selection in a blockquote, or lift it out of the one it is in. */
export const toggleBlockquote: Command = (state, dispatch) =>
  ancestorOf(state, [nodes.blockquote]) ? lift(state, dispatch) : wrapIn(nodes.blockquote)(state, dispatch)

/** Toggle a mark by name on the selection. */
export function toggleMarkNamed(name: "strong" | "em" | "code" | "strike"): Command {
  return toggleMark(marks[name])
}

/**
 * Read what someone typed as a link target: a bare domain gets https://, a bare address mailto:.
 * Returns null unless the result is an http, https or mailto URL.
 */
export function normalizeHref(input: string): string | null {
  const text = input.trim()
  if (!text) return null
  const href = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : /^[^\s@/]+@[^\s@/]+$/.test(text) ? "mailto:" + text : "https://" + text
  return isAllowedHref(href) ? href : null
}

/** The extent of the run of linked text around position `pos` (boundaries included), or null when there is none. */
function linkRange(state: EditorState, pos: number): { from: number; to: number } | null {
  const $pos = state.doc.resolve(pos)
  const parent = $pos.parent
  const at = $pos.parentOffset
  let runStart = -1
  let offset = 0
  for (let i = 0; i <= parent.childCount; i++) {
    const child = i < parent.childCount ? parent.child(i) : null
    const linked = !!child && !!marks.link.isInSet(child.marks)
    if (linked && runStart < 0) runStart = offset
    if (!linked && runStart >= 0) {
      if (runStart <= at && at <= offset) return { from: $pos.start() + runStart, to: $pos.start() + offset }
      runStart = -1
    }
    if (child) offset += child.nodeSize
  }
  return null
}

/** Link the selection to `href` (checked with isAllowedHref); with an empty selection, insert `href` as linked text. */
export function setLink(href: string): Command {
  return (state, dispatch) => {
    if (!isAllowedHref(href) || ancestorOf(state, [nodes.code_block])) return false
    if (dispatch) {
      const { from, to, empty } = state.selection
      const mark = marks.link.create({ href })
      const tr = state.tr
      if (empty) tr.insert(from, schema.text(href, [mark]))
      else tr.removeMark(from, to, marks.link).addMark(from, to, mark)
      dispatch(tr.scrollIntoView())
    }
    return true
  }
}

/** Remove the link from the selection, or from the whole link around an empty selection. */
export const removeLink: Command = (state, dispatch) => {
  const { from, to, empty } = state.selection
  const range = empty ? linkRange(state, from) : state.doc.rangeHasMark(from, to, marks.link) ? { from, to } : null
  if (!range) return false
  if (dispatch) dispatch(state.tr.removeMark(range.from, range.to, marks.link))
  return true
}

/** True when the selection touches a link, or an empty selection is inside one. */
export function linkActive(state: EditorState): boolean {
  const { from, to, empty } = state.selection
  return empty ? linkRange(state, from) != null : state.doc.rangeHasMark(from, to, marks.link)
}
