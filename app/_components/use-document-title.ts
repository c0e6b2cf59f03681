import { useEffect, useRef } from "react"
import type { Node } from "prosemirror-model"
import { rememberDocument } from "@/lib/client/recent-documents"
import { titleOf } from "@/lib/schema/document-title"
import type { StrategyName } from "@/lib/protocol/messages"
import { cutText } from "@/lib/schema/cut-text"

/** A document's first line of text, up to 80 characters ("" when it has no text). */
export function firstLine(doc: Node): string {
  for (let i = 0; i < doc.childCount; i++) {
    const child = doc.child(i)
    const text = child.isTextblock ? child.textContent : child.isLeaf ? "" : firstLine(child)
    const line = text.replace(/\s+/g, " ").trim()
    if (line) return cutText(line, 80)
  }
  return ""
}

/** What a document is called in the tab, in lists and in file names: its title, else its first line ("" when it has neither). */
export function documentTitle(doc: Node): string {
  return titleOf(doc) || firstLine(doc)
}

/**
 * Track the name of the open document: keep the tab's title ("<title> · Concord") and this browser's
 * list of documents up to date. Returns the name, or null before the document has loaded.
 */
export function useDocumentTitle(docId: string, doc: Node | null, strategy?: StrategyName): string | null {
  const title = doc ? documentTitle(doc) : null
  const saved = useRef<string | null>(null)
  useEffect(() => {
    if (title == null || title === saved.current) return
    saved.current = title
    rememberDocument(docId, { title, strategy })
    document.title = `${title || "Untitled document"} · Concord`
  }, [docId, title, strategy])
  return title
}
