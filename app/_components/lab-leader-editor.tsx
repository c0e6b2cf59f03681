"use client"

import { useEffect, useRef } from "react"
import type { Node } from "prosemirror-model"
import { EditorState, Selection } from "prosemirror-state"
import { EditorView } from "prosemirror-view"
import { applyEdits, blockEdits, labEditorPlugins, withoutBlockIds } from "@/lib/lab"
import type { Edit } from "@/lib/strategies"

/** What a leader's editor reports. */
export interface LabEditorEvents {
  /** The leader changed their document: the neutral edits, and the document they give. */
  onEdits(edits: Edit[], doc: Node): void
  /** A change the lab cannot record was not made, and why. */
  onRefused(reason: string): void
  /** A fresh block id for a new block. */
  newId(): string
}

/**
 * A leader's ProseMirror editor. Each local change becomes neutral edits (blockEdits); when replaying
 * them gives another document than the editor's (formatting, say), the editor shows the replay, so
 * that it always shows what the scenario records. A new `doc` from the lab (another leader's edit, a
 * heal) is patched in as a remote change, out of the undo history.
 */
export function LabLeaderEditor({ leader, doc, events }: { leader: string; doc: Node; events: LabEditorEvents }) {
  const mount = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const latest = useRef(events)
  latest.current = events
  const initial = useRef(doc)

  useEffect(() => {
    if (!mount.current) return
    const state = EditorState.create({ doc: initial.current, plugins: labEditorPlugins(() => latest.current.newId()) })
    const editor: EditorView = new EditorView(mount.current, {
      state,
      attributes: { "aria-label": `${leader}'s document`, "aria-multiline": "true", role: "textbox", spellcheck: "false" },
      transformPasted: withoutBlockIds,
      dispatchTransaction(tr) {
        const before = editor.state
        const next = before.apply(tr)
        if (next.doc == before.doc) return editor.updateState(next)
        const derived = blockEdits(before.doc, next.doc, next.selection.head)
        if (!derived.ok) return latest.current.onRefused(derived.reason)
        const replay = applyEdits(before.doc, derived.edits)
        if (!replay.ok) return latest.current.onRefused(replay.reason)
        let shown = next
        if (!replay.tr.doc.eq(next.doc)) {
          const fix = before.tr
          for (const step of replay.tr.steps) fix.step(step)
          fix.setSelection(Selection.near(fix.doc.resolve(Math.min(next.selection.head, fix.doc.content.size))))
          shown = before.apply(fix)
        }
        editor.updateState(shown)
        if (derived.edits.length) latest.current.onEdits(derived.edits, shown.doc)
      }
    })
    view.current = editor
    return () => {
      view.current = null
      editor.destroy()
    }
  }, [leader])

  useEffect(() => {
    const editor = view.current
    if (!editor || editor.state.doc == doc || editor.state.doc.eq(doc)) return
    const current = editor.state.doc
    const start = current.content.findDiffStart(doc.content)
    const end = current.content.findDiffEnd(doc.content)
    const tr = editor.state.tr
    if (start == null || !end) tr.replaceWith(0, current.content.size, doc.content)
    else {
      let { a: endA, b: endB } = end
      const overlap = start - Math.min(endA, endB)
      if (overlap > 0) {
        endA += overlap
        endB += overlap
      }
      tr.replace(start, endA, doc.slice(start, endB))
    }
    if (!tr.doc.eq(doc)) tr.replaceWith(0, tr.doc.content.size, doc.content)
    editor.updateState(editor.state.apply(tr.setMeta("addToHistory", false)))
  }, [doc])

  return <div ref={mount} className="lab-editor-mount" data-testid="lab-editor" />
}
