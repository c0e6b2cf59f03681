import { useEffect, useRef, useState, type KeyboardEvent } from "react"

/** What useMenuButton gives a menu button and its menu. */
export interface MenuButton {
  open: boolean
  /** The item that has the focus (and the menu's one tab stop) while the menu is open. */
  active: number
  setActive: (index: number) => void
  /** The element holding the button and the menu: a press outside it closes the menu. */
  root: React.RefObject<HTMLDivElement | null>
  button: React.MutableRefObject<HTMLButtonElement | null>
  /** The items' elements, by index, for the focus to follow `active`. */
  items: React.MutableRefObject<(HTMLButtonElement | null)[]>
  /** Open the menu with item `index` active. */
  openAt: (index: number) => void
  /** Close the menu and give the focus back to the button. */
  close: () => void
  /** Close the menu, leaving the focus where it goes. */
  dismiss: () => void
  /** The button's key handler: Down opens the menu on its first item, Up on its last. */
  onButtonKey: (event: KeyboardEvent) => void
  /** The menu's key handler: Up, Down (wrapping), Home and End move; Escape closes; Tab leaves. */
  onMenuKey: (event: KeyboardEvent) => void
}

/**
 * The state and keys of a menu button as WAI-ARIA describes it, for a menu of `count` items: the menu
 * opens from the button (click, Enter, Space, or Down and Up), the focus follows the active item, and a
 * press outside, Escape or Tab closes it.
 */
export function useMenuButton(count: number): MenuButton {
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(0)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement | null>(null)
  const items = useRef<(HTMLButtonElement | null)[]>([])

  useEffect(() => {
    if (open) items.current[active]?.focus()
  }, [open, active])

  useEffect(() => {
    if (!open) return
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener("pointerdown", outside)
    return () => document.removeEventListener("pointerdown", outside)
  }, [open])

  const openAt = (index: number) => {
    setActive(index)
    setOpen(true)
  }
  const close = () => {
    setOpen(false)
    button.current?.focus()
  }
  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key != "ArrowDown" && event.key != "ArrowUp") return
    event.preventDefault()
    openAt(event.key == "ArrowDown" ? 0 : count - 1)
  }
  const onMenuKey = (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, Home: 0, End: count - 1 }
    if (event.key in moves) {
      event.preventDefault()
      setActive((moves[event.key] + count) % count)
    } else if (event.key == "Escape") {
      event.preventDefault()
      close()
    } else if (event.key == "Tab") setOpen(false)
  }
  return { open, active, setActive, root, button, items, openAt, close, dismiss: () => setOpen(false), onButtonKey, onMenuKey }
}
