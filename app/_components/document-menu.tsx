"use client"

import { useRef, useState } from "react"
import type { EditorView } from "prosemirror-view"
import { ConcordError } from "@/lib/protocol/errors"
import { exportedFile, type ExportFormat } from "@/lib/formats/exported-file"
import { importedDoc, importExtensions } from "@/lib/formats/imported-document"
import { replaceDocument } from "@/lib/editor/replace-document"
import { ownUndoStep } from "@/lib/editor/own-undo"
import { downloadFile } from "./download-file"
import type { PageConnection } from "./use-doc-connection"
import { useMenuButton } from "./use-menu-button"
import { modeOf } from "@/lib/strategies/registry"

interface MenuItem {
  id: string
  label: string
  disabled?: boolean
  run: () => void
}

/**
 * The "Document" menu of the document header: export as Markdown, HTML or plain text (a download named
 * after the title), print, and import of a Markdown or HTML file, which replaces the text as one edit
 * and is disabled without `view` (read-only viewers, an older version shown). A menu button as WAI-ARIA
 * describes it: Enter, Space or the arrow keys open it, the arrow keys, Home and End move, Escape closes
 * it and gives the focus back to the button.
 */
export function DocumentMenu({ connection, title, view }: { connection: PageConnection; title: string; view: EditorView | null }) {
  const [error, setError] = useState<string | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)

  const exportAs = (format: ExportFormat) => () => {
    const doc = connection.state?.doc
    if (doc) downloadFile(exportedFile(doc, format, title, document))
  }
  const menu: MenuItem[] = [
    { id: "export-markdown", label: "Export as Markdown (.md)", run: exportAs("markdown") },
    { id: "export-html", label: "Export as HTML (.html)", run: exportAs("html") },
    { id: "export-text", label: "Export as plain text (.txt)", run: exportAs("text") },
    { id: "print", label: "Print…", run: () => window.print() },
    { id: "import", label: "Import Markdown or HTML…", disabled: !view, run: () => fileInput.current?.click() }
  ]
  const { open, active, setActive, root, button, items, openAt, close, dismiss, onButtonKey, onMenuKey } = useMenuButton(menu.length)

  const choose = (item: MenuItem) => {
    if (item.disabled) return
    close()
    setError(null)
    item.run()
  }

  const importFile = async (file: File) => {
    try {
      // A document whose edits are steps takes a long import a chunk of blocks at a time (replaceDocument).
      const doc = importedDoc(file.name, await file.text(), modeOf(connection.strategy).carries == "steps")
      if (!view) return
      view.dispatch(ownUndoStep(view.state, replaceDocument(view.state, doc)))
      view.focus()
    } catch (caught) {
      setError(ConcordError.from(caught, "ERR_IMPORT_REFUSED").message)
    }
  }

  return (
    <div className="document-menu" ref={root}>
      <button ref={button} type="button" className="button document-menu-button" data-testid="document-menu" aria-haspopup="menu" aria-expanded={open}
        aria-controls="document-menu-items" aria-label="Document" title="Export, print or import the document"
        onClick={() => (open ? dismiss() : openAt(0))} onKeyDown={onButtonKey}>
        <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round"
          strokeLinejoin="round" aria-hidden="true" focusable="false">
          <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" /><path d="M14 3v5h5" /><path d="M9 13h6" /><path d="M9 17h6" />
        </svg>
        <span className="document-menu-label">Document</span>
      </button>
      {open && (
        <div id="document-menu-items" className="menu-popup document-menu-items" role="menu" aria-label="Document" onKeyDown={onMenuKey}>
          {menu.map((item, index) => (
            <button key={item.id} ref={element => void (items.current[index] = element)} type="button" role="menuitem"
              className="menu-item document-menu-item" data-testid={`document-${item.id}`} tabIndex={index == active ? 0 : -1}
              aria-disabled={item.disabled || undefined} onClick={() => choose(item)}
              // Moving, not entering: a menu that opens under a resting pointer keeps its first item active.
              onMouseMove={() => index != active && setActive(index)}>
              {item.label}
            </button>
          ))}
        </div>
      )}
      <input ref={fileInput} type="file" hidden accept={[...importExtensions, "text/markdown", "text/html"].join(",")} data-testid="document-import-file"
        onChange={event => {
          const file = event.target.files?.[0]
          event.target.value = ""
          if (file) void importFile(file)
        }} />
      {error && <p className="document-menu-error" role="alert" data-testid="document-menu-error">{error}</p>}
    </div>
  )
}
