import { Plugin, PluginKey, type EditorState, type Transaction } from "prosemirror-state"
import { redo, undo } from "prosemirror-history"
import { InsertedRanges } from "../ot/inserted-ranges"
import { othersStepsMeta, type StepSpan } from "../ot/others-steps"

/** The meta of a transaction that moves others' text out of an undo's way, and which command then runs. */
type ThenMeta = "undo" | "redo"

const keepOthersTextKey = new PluginKey<InsertedRanges>("concord-keep-others-text")

/**
 * Transactions of more steps than this are not followed (each range would be mapped through every
 * step): others' text is forgotten, and undo deletes what its item covers, as prosemirror-history does.
 */
const followLimit = 1_000

/**
 * Follows the text others inserted into this client's document, for undo and redo to leave it be
 * (keepingOthersText). The sync client marks which steps of its rebases are others' (othersStepsMeta);
 * what this client inserts is its own, also inside others' text. A transaction of keepingOthersText
 * moves others' text out of an undo's way and, appended to it, runs the undo.
 */
export function keepOthersText(): Plugin<InsertedRanges> {
  return new Plugin<InsertedRanges>({
    key: keepOthersTextKey,
    state: {
      init: () => new InsertedRanges(),
      apply: (tr, others) => {
        if (!tr.docChanged) return others
        if (tr.steps.length > followLimit) return new InsertedRanges()
        const span = tr.getMeta(othersStepsMeta) as StepSpan | undefined
        const moved = tr.getMeta(keepOthersTextKey) != null
        // This user's typing with no text of others' to follow (every keystroke of a document one edits alone).
        if (!others.size && !span && !moved) return others
        const next = others.copy()
        tr.steps.forEach((step, i) => {
          // What a move puts back is others' text still.
          if (moved || (span && i >= span.from && i < span.to)) next.mapAndAdd(step.getMap())
          else next.map(step.getMap())
        })
        return next
      }
    },
    appendTransaction: (trs, _old, state) => {
      const then = trs.map(tr => tr.getMeta(keepOthersTextKey) as ThenMeta | undefined).find(Boolean)
      if (!then) return null
      let tr: Transaction | null = null
      ;(then == "redo" ? redo : undo)(state, t => (tr = t))
      return tr
    }
  })
}

/**
 * prosemirror-history's undo (or redo, with `redoing`) that keeps what others typed inside the text
 * it takes away. History maps an undo item over others' changes, so the inverse of a paste, or the redo
 * of a deletion, stretches over whatever others typed inside that text since: the hub would see one
 * deletion made at its head, with nothing concurrent, and the words would be gone in every tab. Where
 * the undo would delete some of others' text, a transaction first moves it to where the deletion
 * begins, out of the undo's way (outside undo history, which maps its items over it like any change
 * of others'), and the undo, appended to it, then takes away this user's text alone; a redo brings
 * back only that. Without the keepOthersText plugin it is the plain command.
 */
export function keepingOthersText(redoing: boolean) {
  const command = redoing ? redo : undo
  return (state: EditorState, dispatch?: (tr: Transaction) => void): boolean => {
    if (!dispatch || !keepOthersTextKey.getState(state)?.size) return command(state, dispatch)
    let undone: Transaction | null = null
    if (!command(state, tr => (undone = tr))) return false
    const move = othersTextMove(state, undone!)
    dispatch(move ? move.setMeta(keepOthersTextKey, (redoing ? "redo" : "undo") satisfies ThenMeta) : undone!)
    return true
  }
}

/**
 * A transaction that moves the pieces of others' text that `undone` (an undo or redo built on `state`)
 * deletes to where each deletion begins, so that an undo built after it leaves them be; null when it
 * deletes none.
 */
function othersTextMove(state: EditorState, undone: Transaction): Transaction | null {
  const others = keepOthersTextKey.getState(state)!.copy()
  // Each piece as [from, to, to where], in the document before `undone`.
  const pieces: [number, number, number][] = []
  const maps = undone.mapping.maps
  // A position in the document before step `i` carried back to the one before `undone`.
  const back = (pos: number, i: number, assoc: number) => {
    for (let j = i - 1; j >= 0; j--) pos = maps[j].invert().map(pos, assoc)
    return pos
  }
  maps.forEach((map, i) => {
    map.forEach((oldStart, oldEnd) => {
      for (const { from, to } of others.within(oldStart, oldEnd)) pieces.push([back(from, i, 1), back(to, i, -1), back(oldStart, i, -1)])
    })
    others.map(map)
  })
  if (!pieces.length) return null
  const tr = state.tr
  // From the last piece, each deleted where it is and inserted where its deletion begins, before the ones moved there already.
  for (const [from, to, where] of pieces.sort((a, b) => b[0] - a[0])) {
    if (to <= from) continue
    const slice = state.doc.slice(from, to)
    tr.delete(tr.mapping.map(from, 1), tr.mapping.map(to, -1))
    const at = tr.mapping.map(where, -1)
    tr.replace(at, at, slice)
  }
  return tr.docChanged ? tr.setMeta("addToHistory", false) : null
}
