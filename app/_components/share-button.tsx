"use client"

import { useEffect, useRef, useState } from "react"
import { SharePanel } from "./share-panel"
import type { PageConnection } from "./use-doc-connection"

/** Opens the Share panel under the button, focus in it; Escape (focus back on the button) or a click outside closes it. */
export function ShareButton({ connection }: { connection: PageConnection }) {
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!open) return
    // A dialog takes the focus: its first control.
    root.current?.querySelector<HTMLElement>("[data-testid=share-panel] button, [data-testid=share-panel] input")?.focus()
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const escape = (event: KeyboardEvent) => {
      if (event.key != "Escape") return
      const inside = root.current?.contains(document.activeElement) ?? false
      setOpen(false)
      // Back where the dialog was opened from, rather than to the page.
      if (inside) button.current?.focus()
    }
    document.addEventListener("pointerdown", outside)
    document.addEventListener("keydown", escape)
    return () => {
      document.removeEventListener("pointerdown", outside)
      document.removeEventListener("keydown", escape)
    }
  }, [open])
  return (
    <div className="share" ref={root}>
      <button ref={button} type="button" className="button button-primary" data-testid="share-button" aria-expanded={open} aria-haspopup="dialog"
        onClick={() => setOpen(was => !was)}>
        Share
      </button>
      {open && <SharePanel connection={connection} />}
    </div>
  )
}
