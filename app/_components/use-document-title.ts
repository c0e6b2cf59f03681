import { useEffect, useRef } from "react"
import type { Node } from "prosemirror-model"
import { rememberDocument } from "@/lib/client/recent-documents"

/** A document's title: its first line of text, up to 80 characters ("" when it has no text). */
export function documentTitle(doc: Node): string {
  for (let i = 0; i < doc.childCount; i++) {
    const child = doc.child(i)
    const text = child.isTextblock ? child.textContent : child.isLeaf ? "" : documentTitle(child)
    const line = text.replace(/\s+/g, " ").trim()
    if (line) return line.slice(0, 80)
  }
  return ""
}

/**
 * Track the title of the open document: keep the tab's title and this browser's list of recent
 * documents up to date. Returns the title, or null before the document has loaded.
 */
export function useDocumentTitle(docId: string, doc: Node | null): string | null {
  const title = doc ? documentTitle(doc) : null
  const saved = useRef<string | null>(null)
  useEffect(() => {
    if (title == null || title === saved.current) return
    saved.current = title
    rememberDocument(docId, title)
    document.title = `${title || "Untitled document"} · Concord`
  }, [docId, title])
  return title
}
