import { useEffect, useRef, useState, type KeyboardEvent } from "react"
import type { EditorView } from "prosemirror-view"
import { linkActive, setLink } from "@/lib/editor/commands"
import { blockItems, describeShortcut, historyItems, markItems, wrapItems, type ToolbarItem } from "@/lib/editor/toolbar-items"
import { LinkDialog } from "./link-dialog"
import type { ToolbarAction } from "./toolbar-action"
import { toolbarIcons } from "./toolbar-icons"
import { ToolbarMoreMenu } from "./toolbar-more-menu"
import { usePhoneWidth } from "./use-phone-width"

interface ButtonProps {
  action: ToolbarAction
  current: boolean
  register: (id: string, element: HTMLButtonElement | null) => void
  onFocus: () => void
}

function ToolbarButton({ action, current, register, onFocus }: ButtonProps) {
  const { id, title, active, enabled, run } = action
  return (
    <button ref={element => register(id, element)} type="button" className={active ? "tb-button is-active" : "tb-button"}
      data-testid={`tb-${id}`} data-toolbar-id={id} tabIndex={current ? 0 : -1}
      title={title} aria-label={title} aria-pressed={active}
      // Disabled buttons stay focusable so that arrowing through the toolbar finds every command (as in WAI-ARIA's toolbar example).
      aria-disabled={!enabled || undefined}
      // Keep the editor's focus and selection while clicking.
      onMouseDown={event => event.preventDefault()}
      onFocus={onFocus}
      onClick={() => enabled && run()}>
      {toolbarIcons[id]}
    </button>
  )
}

/** Where each key moves the focus among `count` toolbar controls from `index`, wrapping at the ends. */
function movedIndex(key: string, index: number, count: number): number | null {
  const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: count - 1 }
  return key in moves ? (moves[key] + count) % count : null
}

/**
 * Formatting buttons that act on `view` and show whether each applies to the selection; disabled until
 * the document loads. A toolbar as WAI-ARIA describes it: one tab stop, Left and Right move between the
 * buttons (wrapping), Home and End go to the first and last. The link button opens a link dialog under
 * the toolbar; at phone width only the most used buttons show, the others are in a "More" menu.
 */
export function EditorToolbar({ view }: { view: EditorView | null }) {
  const [apple, setApple] = useState(false)
  useEffect(() => setApple(/Mac|iP(hone|[oa]d)/.test(navigator.platform)), [])
  const phone = usePhoneWidth()
  const [current, setCurrent] = useState("undo")
  const [linkOpen, setLinkOpen] = useState(false)
  const controls = useRef(new Map<string, HTMLButtonElement>())
  const state = view?.state

  const register = (id: string, element: HTMLButtonElement | null) => {
    if (element) controls.current.set(id, element)
    else controls.current.delete(id)
  }
  const action = (item: ToolbarItem): ToolbarAction => ({
    id: item.id,
    title: item.shortcut ? `${item.title} (${describeShortcut(item.shortcut, apple)})` : item.title,
    label: item.title,
    active: !!state && !!item.active?.(state),
    enabled: !!state && item.command(state),
    phone: !!item.phone,
    run: () => {
      if (!view) return
      item.command(view.state, view.dispatch, view)
      view.focus()
    }
  })
  const linkOn = !!state && linkActive(state)
  const link: ToolbarAction = {
    id: "link",
    title: linkOn ? "Edit link" : "Link",
    label: linkOn ? "Edit link" : "Link",
    active: linkOn,
    enabled: !!state && (linkOn || setLink("https://example.com")(state)),
    phone: true,
    run: () => setLinkOpen(true)
  }
  const groups = [historyItems.map(action), blockItems.map(action), [...markItems.map(action), link], wrapItems.map(action)]
  const shown = phone ? groups.map(group => group.filter(entry => entry.phone)) : groups
  const overflow = phone ? groups.flat().filter(entry => !entry.phone) : []
  const order = [...shown.flat().map(entry => entry.id), ...(overflow.length ? ["more"] : [])]
  const tabStop = order.includes(current) ? current : order[0]

  const onKeyDown = (event: KeyboardEvent) => {
    const id = (event.target as HTMLElement).dataset.toolbarId
    if (!id) return
    const next = movedIndex(event.key, order.indexOf(id), order.length)
    if (next == null) return
    event.preventDefault()
    setCurrent(order[next])
    controls.current.get(order[next])?.focus()
  }

  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="Formatting" onKeyDown={onKeyDown}>
        {shown.filter(group => group.length).map(group => (
          <div key={group[0].id} className="toolbar-group">
            {group.map(entry => (
              <ToolbarButton key={entry.id} action={entry} current={entry.id == tabStop} register={register} onFocus={() => setCurrent(entry.id)} />
            ))}
          </div>
        ))}
        {overflow.length > 0 && (
          <div className="toolbar-group">
            <ToolbarMoreMenu actions={overflow} current={tabStop == "more"} register={register} onFocus={() => setCurrent("more")} />
          </div>
        )}
      </div>
      {linkOpen && view && <LinkDialog view={view} onClose={() => setLinkOpen(false)} />}
    </>
  )
}
