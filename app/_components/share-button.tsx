"use client"

import { useEffect, useRef, useState } from "react"
import { SharePanel } from "./share-panel"
import type { PageConnection } from "./use-doc-connection"

/** Opens the Share panel under the button; Escape or a click outside closes it. */
export function ShareButton({ connection }: { connection: PageConnection }) {
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const escape = (event: KeyboardEvent) => {
      if (event.key == "Escape") setOpen(false)
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
      <button type="button" className="button button-primary" data-testid="share-button" aria-expanded={open} aria-haspopup="dialog"
        onClick={() => setOpen(was => !was)}>
        Share
      </button>
      {open && <SharePanel connection={connection} />}
    </div>
  )
}
