import { Plugin, PluginKey, type Transaction } from "prosemirror-state"
import { Decoration, DecorationSet } from "prosemirror-view"
import { safeColor } from "../protocol/author-color"
import type { HighlightRange } from "./merge-highlight"

/** The key of the history highlight plugin; its state is the DecorationSet it draws. */
export const historyHighlightKey = new PluginKey<DecorationSet>("concord-history-highlight")

function decorationOf(range: HighlightRange): Decoration {
  const color = safeColor(range.color)
  if (range.from == range.to) {
    return Decoration.widget(range.from, () => {
      const mark = document.createElement("span")
      mark.className = `history-point history-${range.role}`
      mark.style.borderColor = color
      mark.title = range.title
      return mark
    }, { side: -1, key: `${range.role}:${range.from}:${color}` })
  }
  const style = range.role == "landed"
    ? `background-color: ${color}47; box-shadow: inset 0 -2px 0 ${color}`
    : `background-color: ${color}24; box-shadow: inset 0 -1px 0 ${color}99`
  return Decoration.inline(range.from, range.to, { class: `history-mark history-${range.role}`, style, title: range.title })
}

/**
 * Draws the ranges the history panel points at (where a merged op landed, what it was merged with) as
 * decorations that follow later edits. Set or clear them with `setHistoryHighlights`.
 */
export function historyHighlightPlugin(): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: historyHighlightKey,
    state: {
      init: () => DecorationSet.empty,
      apply(tr, set) {
        const ranges = tr.getMeta(historyHighlightKey) as HighlightRange[] | null | undefined
        if (ranges !== undefined) return ranges ? DecorationSet.create(tr.doc, ranges.map(decorationOf)) : DecorationSet.empty
        return tr.docChanged ? set.map(tr.mapping, tr.doc) : set
      }
    },
    props: {
      decorations: state => historyHighlightKey.getState(state)
    }
  })
}

/** Make `tr` replace the highlighted ranges with `ranges` (positions in `tr.doc`), or clear them with null. */
export function setHistoryHighlights(tr: Transaction, ranges: readonly HighlightRange[] | null): Transaction {
  const size = tr.doc.content.size
  const inside = ranges && ranges.filter(r => r.from >= 0 && r.to <= size && r.from <= r.to)
  return tr.setMeta(historyHighlightKey, inside).setMeta("addToHistory", false)
}
