"use client"

import { useEffect, useRef, useState } from "react"
import type { EditorView } from "prosemirror-view"
import { cleanTitle, maxTitleLength, renameStep } from "@/lib/schema/document-title"

/** How long typing may pause before the title is committed. */
const pauseMs = 1_000

/**
 * The document's title as a plain single-line field, as in Google Docs. Concurrent renames settle last
 * writer wins, so the title is committed as one edit when the person presses Enter (the focus goes on
 * to the text), leaves the field, or pauses typing; not on each keystroke. Escape puts back the shared
 * title. Others' renames show at once unless this person is typing one. Read-only without `view`.
 */
export function TitleField({ title, view }: { title: string; view: EditorView | null }) {
  const [draft, setDraft] = useState<string | null>(null)
  const pause = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  // Enter and Escape leave the field: its blur must not commit again what Enter committed (it still sees
  // the draft, and the title from before) or what Escape threw away.
  const settled = useRef(false)
  useEffect(() => () => clearTimeout(pause.current), [])

  const commit = (typed: string) => {
    clearTimeout(pause.current)
    const next = cleanTitle(typed)
    // Not undone with the text: Undo in the editor takes back typing, not a rename.
    if (view && next != title) view.dispatch(view.state.tr.step(renameStep(next)).setMeta("addToHistory", false))
    return next
  }

  return (
    <input className="doc-title doc-title-field" data-testid="title-field" aria-label="Document title" placeholder="Untitled document"
      maxLength={maxTitleLength} readOnly={!view} value={draft ?? title} spellCheck={false}
      onChange={e => {
        const typed = e.target.value
        settled.current = false
        setDraft(typed)
        clearTimeout(pause.current)
        pause.current = setTimeout(() => commit(typed), pauseMs)
      }}
      onBlur={() => {
        if (draft != null && !settled.current) commit(draft)
        settled.current = false
        setDraft(null)
      }}
      onKeyDown={e => {
        if (e.key == "Enter") {
          e.preventDefault()
          if (draft != null) commit(draft)
          settled.current = true
          setDraft(null)
          view?.focus()
        } else if (e.key == "Escape") {
          e.preventDefault()
          clearTimeout(pause.current)
          settled.current = true
          setDraft(null)
          e.currentTarget.blur()
        }
      }} />
  )
}
