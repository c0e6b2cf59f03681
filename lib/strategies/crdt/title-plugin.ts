import type * as Y from "yjs"
import { Plugin, PluginKey } from "prosemirror-state"
import { DocAttrStep } from "prosemirror-transform"
import { ySyncPluginKey } from "y-prosemirror"
import { renameStep, titleOf } from "../../schema/document-title"
import { crdtAttrsMap, crdtTitle } from "./title"

const titleKey = new PluginKey<boolean>("concord-crdt-title")

/** The origin of a rename written apart from undo history (the title field's): not ySyncPlugin's, which the undo manager tracks. */
const renamedApart = { rename: "apart from undo history" }

/**
 * Keep the editor's doc title and the Yjs document's in step: a rename in the editor (a DocAttrStep) is
 * written to the Y.Map, and a rename that arrives in the Y.Map is applied to the editor, marked as
 * Yjs's own change (ySyncPlugin's meta) so that it is not written back and applies on a view link too.
 */
export function crdtTitlePlugin(ydoc: Y.Doc): Plugin {
  const attrs = ydoc.getMap(crdtAttrsMap)
  return new Plugin({
    key: titleKey,
    // Whether the newest rename belongs in undo history: an import's does, the title field's does not.
    state: {
      init: () => false,
      apply: (tr, inHistory) => (tr.steps.some(step => step instanceof DocAttrStep) ? tr.getMeta("addToHistory") !== false : inHistory)
    },
    view(view) {
      const follow = () => {
        const title = crdtTitle(ydoc)
        if (view.isDestroyed || titleOf(view.state.doc) == title) return
        view.dispatch(view.state.tr.step(renameStep(title)).setMeta(ySyncPluginKey, { isChangeOrigin: true }).setMeta("addToHistory", false))
      }
      // After the Yjs transaction, not inside it: an undo that takes back a rename and content at once
      // must reach the editor's content first (y-prosemirror's own observer), or the editor, renamed
      // with the old content still in it, would write that content back.
      const later = () => queueMicrotask(follow)
      attrs.observe(later)
      queueMicrotask(follow)
      return {
        update(view, before) {
          const title = titleOf(view.state.doc)
          // A rename in undo history is written as the editor's own change, so that the undo manager takes
          // it back with the edit it came with (crdtUndoScope); the title field's is not undone, as on other documents.
          if (title != titleOf(before.doc) && title != crdtTitle(ydoc))
            ydoc.transact(() => attrs.set("title", title), titleKey.getState(view.state) ? ySyncPluginKey : renamedApart)
        },
        destroy: () => attrs.unobserve(later)
      }
    }
  })
}
