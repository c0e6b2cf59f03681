import { useEffect, useRef } from "react"
import { EditorView } from "prosemirror-view"
import type { PageConnection } from "./use-doc-connection"

/**
 * The ProseMirror view of a connection's document, mounted once the document has loaded. Local
 * transactions go through the connection; every change it reports (remote ops, presence, losing its
 * link) updates the view, which is editable only while the connection is writable and the view is not
 * `frozen` (an earlier version shows in its place: no key and not the browser's own undo may change
 * the live document unseen).
 */
export function EditorSurface({ connection, onView, frozen = false }: { connection: PageConnection; onView: (view: EditorView | null) => void; frozen?: boolean }) {
  const mount = useRef<HTMLDivElement>(null)
  const loaded = connection.state != null
  const isFrozen = useRef(frozen)
  const built = useRef<EditorView | null>(null)
  useEffect(() => {
    isFrozen.current = frozen
    // Props are read again on an update: editable changes at once.
    built.current?.setProps({})
  }, [frozen])
  useEffect(() => {
    const state = connection.state
    if (!state || !mount.current) return
    // A plugin's view may dispatch while the view is being built (y-prosemirror's binding renders the
    // Yjs document then), before the subscription below exists: such a transaction updates the view here.
    let subscribed = false
    const view: EditorView = new EditorView(mount.current, {
      state,
      editable: () => connection.writable && !isFrozen.current,
      // The browser's Undo (its Edit menu, or Ctrl+Z where no field takes it) arrives as beforeinput
      // "historyUndo", which prosemirror-history handles even when the view is not editable.
      handleDOMEvents: { beforeinput: (_view, event) => isFrozen.current && (event.preventDefault(), true) },
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
    built.current = view
    onView(view)
    return () => {
      built.current = null
      unsubscribe()
      onView(null)
      view.destroy()
    }
  }, [connection, loaded, onView])
  return <div ref={mount} className="editor-mount" />
}
