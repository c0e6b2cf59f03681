import type * as Y from "yjs"
import { Plugin, PluginKey } from "prosemirror-state"
import { ySyncPluginKey } from "y-prosemirror"
import { renameStep, titleOf } from "../../schema/document-title"
import { crdtAttrsMap, crdtTitle } from "./title"

const titleKey = new PluginKey("concord-crdt-title")

/**
 * Keep the editor's doc title and the Yjs document's in step: a rename in the editor (a DocAttrStep) is
 * written to the Y.Map, and a rename that arrives in the Y.Map is applied to the editor, marked as
 * Yjs's own change (ySyncPlugin's meta) so that it is not written back and applies on a view link too.
 */
export function crdtTitlePlugin(ydoc: Y.Doc): Plugin {
  const attrs = ydoc.getMap(crdtAttrsMap)
  return new Plugin({
    key: titleKey,
    view(view) {
      const follow = () => {
        const title = crdtTitle(ydoc)
        if (view.isDestroyed || titleOf(view.state.doc) == title) return
        view.dispatch(view.state.tr.step(renameStep(title)).setMeta(ySyncPluginKey, { isChangeOrigin: true }).setMeta("addToHistory", false))
      }
      attrs.observe(follow)
      queueMicrotask(follow)
      return {
        update(view, before) {
          const title = titleOf(view.state.doc)
          if (title != titleOf(before.doc) && title != crdtTitle(ydoc)) attrs.set("title", title)
        },
        destroy: () => attrs.unobserve(follow)
      }
    }
  })
}
