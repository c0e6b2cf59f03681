import { useEffect, useRef, useState, type FocusEvent, type FormEvent } from "react"
import type { EditorView } from "prosemirror-view"
import type { EditorState } from "prosemirror-state"
import { schema } from "@/lib/schema"
import { linkActive, normalizeHref, removeLink, setLink } from "@/lib/editor/commands"

/** The address of the first link in the selection, or around an empty one; "" when there is none. */
function currentHref(state: EditorState): string {
  const { from, to, empty, $from } = state.selection
  const link = schema.marks.link
  let mark = empty ? link.isInSet($from.marks()) ?? link.isInSet($from.nodeAfter?.marks ?? []) ?? link.isInSet($from.nodeBefore?.marks ?? []) : undefined
  if (!empty) state.doc.nodesBetween(from, to, node => !(mark ??= link.isInSet(node.marks)))
  return (mark?.attrs.href as string | undefined) ?? ""
}

/**
 * The link dialog under the toolbar: a URL field with Apply (or Enter), Remove when the selection has a
 * link, and Cancel (or Escape), which closes it and returns the focus to the editor. It acts on the
 * editor's selection, which stays as it was when the dialog opened (remote edits only move it), since
 * the dialog closes as soon as the focus leaves it. Addresses that normalizeHref refuses (anything but
 * http, https and mailto) show an error and change nothing.
 */
export function LinkDialog({ view, onClose }: { view: EditorView; onClose: () => void }) {
  const [hadLink] = useState(() => linkActive(view.state))
  const [address, setAddress] = useState(() => currentHref(view.state))
  const [error, setError] = useState<string | null>(null)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])

  const finish = () => {
    onClose()
    view.focus()
  }
  const apply = (event: FormEvent) => {
    event.preventDefault()
    const href = normalizeHref(address)
    if (!href) return setError("Enter an http, https or mailto address.")
    if (!setLink(href)(view.state, view.dispatch, view)) return setError("A link cannot go in a code block.")
    finish()
  }
  const remove = () => {
    removeLink(view.state, view.dispatch, view)
    finish()
  }
  const leave = (event: FocusEvent) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onClose()
  }

  return (
    <form className="link-dialog" role="dialog" aria-label={hadLink ? "Edit link" : "Add link"} data-testid="link-dialog"
      onSubmit={apply} onBlur={leave}
      onKeyDown={event => {
        if (event.key != "Escape") return
        event.preventDefault()
        finish()
      }}>
      <label className="link-dialog-label" htmlFor="link-dialog-address">Link address</label>
      <input ref={input} id="link-dialog-address" className="link-dialog-input" data-testid="link-address" type="text" inputMode="url"
        autoComplete="url" spellCheck={false} placeholder="https://example.com" value={address}
        aria-invalid={!!error} aria-describedby={error ? "link-dialog-error" : undefined}
        onChange={event => {
          setAddress(event.target.value)
          setError(null)
        }} />
      {error && <p id="link-dialog-error" className="link-dialog-error" role="alert" data-testid="link-error">{error}</p>}
      <div className="link-dialog-actions">
        {hadLink && <button type="button" className="button" data-testid="link-remove" onClick={remove}>Remove</button>}
        <button type="button" className="button" data-testid="link-cancel" onClick={finish}>Cancel</button>
        <button type="submit" className="button button-primary" data-testid="link-apply">Apply</button>
      </div>
    </form>
  )
}
