import * as Y from "yjs"
import { Plugin } from "prosemirror-state"
import { yUndoPluginKey } from "y-prosemirror"
import { crdtAttrsMap } from "./title"

/**
 * Make y-prosemirror's undo manager (yUndoPlugin, when the editor has it) take back what this user did
 * as prosemirror-history does on the other documents. A rename is undone too: the title lives in its
 * own Y.Map, which joins the manager's scope. And so is an edit that made blocks: y-prosemirror leaves
 * out a Yjs transaction whose last ProseMirror transaction says addToHistory false, as the block-id
 * plugin's appended one does (prosemirror-history counts that one with the edit it follows), so a new
 * paragraph, a paste or an import could not be undone. Only this user's edits reach the manager (it
 * tracks ySyncPlugin's origin; others' updates come from the hub), so it may capture every one.
 *
 * What undo may delete: y-prosemirror's default keeps every block and text with content, so that
 * undoing a block one made never takes text others typed into it; it also kept the blocks one's own
 * import made. Here undo keeps only what holds others' text.
 */
export function crdtUndoScope(ydoc: Y.Doc): Plugin {
  return new Plugin({
    view(view) {
      const undoManager = yUndoPluginKey.getState(view.state)?.undoManager as Y.UndoManager | undefined
      if (undoManager) {
        undoManager.addToScope(ydoc.getMap(crdtAttrsMap))
        undoManager.captureTransaction = () => true
        undoManager.deleteFilter = item => !holdsOthersWork(item, ydoc.clientID)
      }
      return {}
    }
  })
}

/** True when `item` is a block or text holding content that another client wrote (and still there). */
function holdsOthersWork(item: Y.Item | Y.GC, clientID: number): boolean {
  if (!(item instanceof Y.Item) || !(item.content instanceof Y.ContentType)) return false
  for (let child = item.content.type._start; child; child = child.right) {
    if (child.deleted) continue
    if (child.id.client != clientID || holdsOthersWork(child, clientID)) return true
  }
  return false
}
