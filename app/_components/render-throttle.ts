/**
 * True while the focus is in editable text (the editor), where every React commit walks all of it,
 * unless the change comes from something done outside the editor (a filter chosen, a button pressed),
 * which shows at once.
 */
export function editingText(): boolean {
  if (typeof document == "undefined" || !(document.activeElement as HTMLElement | null)?.isContentEditable) return false
  const event = typeof window != "undefined" ? window.event : undefined
  const target = event && event.type != "message" ? event.target : null
  return !(target instanceof HTMLElement && !target.isContentEditable && !target.closest("[contenteditable=true]"))
}

/** A re-render asked for as changes come (see renderThrottle). */
export interface RenderThrottle {
  /** Render now, or at the end of the spell the last render began when the focus is in the editor. */
  request(): void
  /** Render now. */
  now(): void
  /** Forget a render waiting. */
  cancel(): void
}

/**
 * Renders through `render` at once, unless the focus is in the editor and it rendered within the last
 * `ms`: then once, at the end of those. Each React commit with the editor focused walks the whole
 * editable DOM to save and restore the selection (some 50 ms a keystroke in a 10,000-paragraph
 * document), so the page follows typing and others' edits a few times a second; a change made
 * elsewhere on the page (a filter, a slider, a button) has the focus there, and shows at once.
 */
export function renderThrottle(render: () => void, ms: number): RenderThrottle {
  let last = 0
  let pending: ReturnType<typeof setTimeout> | null = null
  const cancel = () => {
    if (pending) clearTimeout(pending)
    pending = null
  }
  const now = () => {
    cancel()
    last = performance.now()
    render()
  }
  return {
    request: () => {
      const wait = last + ms - performance.now()
      if (wait <= 0 || !editingText()) now()
      else pending ??= setTimeout(now, wait)
    },
    now,
    cancel
  }
}
