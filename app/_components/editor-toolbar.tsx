import { useEffect, useState } from "react"
import type { EditorView } from "prosemirror-view"
import { linkActive, normalizeHref, removeLink, setLink } from "@/lib/editor/commands"
import { blockItems, describeShortcut, historyItems, markItems, wrapItems, type ToolbarItem } from "@/lib/editor/toolbar-items"
import { toolbarIcons } from "./toolbar-icons"

interface ButtonProps {
  id: string
  title: string
  active: boolean
  enabled: boolean
  onRun: () => void
}

function ToolbarButton({ id, title, active, enabled, onRun }: ButtonProps) {
  return (
    <button type="button" className={active ? "tb-button is-active" : "tb-button"} data-testid={`tb-${id}`}
      title={title} aria-label={title} aria-pressed={active} disabled={!enabled}
      // Keep the editor's focus and selection while clicking.
      onMouseDown={event => event.preventDefault()}
      onClick={onRun}>
      {toolbarIcons[id]}
    </button>
  )
}

/** Formatting buttons that act on `view` and show whether each applies to the selection; disabled until the document loads. */
export function EditorToolbar({ view }: { view: EditorView | null }) {
  const [apple, setApple] = useState(false)
  useEffect(() => setApple(/Mac|iP(hone|[oa]d)/.test(navigator.platform)), [])
  const state = view?.state

  const title = (item: ToolbarItem) => item.shortcut ? `${item.title} (${describeShortcut(item.shortcut, apple)})` : item.title
  const button = (item: ToolbarItem) => (
    <ToolbarButton key={item.id} id={item.id} title={title(item)}
      active={!!state && !!item.active?.(state)}
      enabled={!!state && item.command(state)}
      onRun={() => {
        if (!view) return
        item.command(view.state, view.dispatch, view)
        view.focus()
      }} />
  )
  const editLink = () => {
    if (!view) return
    if (linkActive(view.state)) {
      removeLink(view.state, view.dispatch, view)
    } else {
      const input = window.prompt("Link address (http, https or mailto)", "https://")
      if (input == null) return view.focus()
      const href = normalizeHref(input)
      if (href) setLink(href)(view.state, view.dispatch, view)
      else window.alert("Links must be http, https or mailto addresses.")
    }
    view.focus()
  }
  const linkOn = !!state && linkActive(state)

  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting">
      <div className="toolbar-group">{historyItems.map(button)}</div>
      <div className="toolbar-group">{blockItems.map(button)}</div>
      <div className="toolbar-group">
        {markItems.map(button)}
        <ToolbarButton id="link" title={linkOn ? "Remove link" : "Link"} active={linkOn}
          enabled={!!state && (linkOn || setLink("https://example.com")(state))} onRun={editLink} />
      </div>
      <div className="toolbar-group">{wrapItems.map(button)}</div>
    </div>
  )
}
