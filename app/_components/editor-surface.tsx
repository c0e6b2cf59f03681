import { useEffect, useRef } from "react"
import { EditorView } from "prosemirror-view"
import type { PageConnection } from "./use-doc-connection"

/**
 * The ProseMirror view of a connection's document, mounted once the document has loaded. Local
 * transactions go through the connection; every change it reports (remote ops, presence, losing its
 * link) updates the view, which is editable only while the connection is writable.
 */
export function EditorSurface({ connection, onView }: { connection: PageConnection; onView: (view: EditorView | null) => void }) {
  const mount = useRef<HTMLDivElement>(null)
  const loaded = connection.state != null
  useEffect(() => {
    const state = connection.state
    if (!state || !mount.current) return
    // A plugin's view may dispatch while the view is being built (y-prosemirror's binding renders the
    // Yjs document then), before the subscription below exists: such a transaction updates the view here.
    let subscribed = false
    const view: EditorView = new EditorView(mount.current, {
      state,
      editable: () => connection.writable,
      attributes: { "aria-label": "Document text", "aria-multiline": "true", role: "textbox", spellcheck: "true" },
      dispatchTransaction(this: EditorView, tr) {
        connection.dispatch(tr)
        if (!subscribed && connection.state) this.updateState(connection.state)
        if (tr.selectionSet || tr.docChanged) {
          const { anchor, head } = this.state.selection
          connection.setPresence({ anchor, head })
        }
      }
    })
    const unsubscribe = connection.subscribe(() => {
      if (connection.state) view.updateState(connection.state)
    })
    subscribed = true
    const { anchor, head } = state.selection
    connection.setPresence({ anchor, head })
    if (state.doc.textContent.length == 0 && connection.writable) view.focus()
    onView(view)
    return () => {
      unsubscribe()
      onView(null)
      view.destroy()
    }
  }, [connection, loaded, onView])
  return <div ref={mount} className="editor-mount" />
}
