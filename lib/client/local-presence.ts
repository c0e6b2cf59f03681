import type { Transaction } from "prosemirror-state"
import type { StepMap } from "prosemirror-transform"
import type { SelectionJSON } from "../protocol/messages"
import { mapSelection } from "../ot/map-selection"

/** What a presence update is based on: the confirmed version and the maps of the unconfirmed local steps after it. */
export interface PresenceBase {
  version: number
  unconfirmed: readonly StepMap[]
}

/**
 * This client's selection as others are shown it: sent at most once per interval, in the hub's
 * coordinates (mapped back through the unconfirmed local steps to the confirmed version), and sent again
 * once those steps are confirmed, so that others see the caret where it really is.
 */
export class LocalPresence {
  private selection: SelectionJSON | null = null
  /** True when the last update was mapped through unconfirmed steps. */
  private mapped = false
  private lastSentAt = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  /**
   * `base` tells what the local document is based on, or null while nothing can be sent; `send` puts an
   * update on the wire.
   */
  constructor(
    private readonly base: () => PresenceBase | null,
    private readonly send: (update: { version: number; selection: SelectionJSON | null }) => void,
    private readonly interval = 50
  ) {}

  /** Show others `selection` (local document positions), or nothing. */
  set(selection: SelectionJSON | null): void {
    this.selection = selection
    this.schedule()
  }

  /** Move a shown selection to `selection`; nothing happens while none is shown. */
  relocate(selection: SelectionJSON): void {
    if (this.selection) this.set(selection)
  }

  /** Keep the selection on the same text through a change of the local document. */
  follow(tr: Transaction): void {
    if (!this.selection || !tr.docChanged) return
    this.selection = { anchor: tr.mapping.map(this.selection.anchor), head: tr.mapping.map(this.selection.head) }
  }

  /** The confirmed version moved: send again if the last update was mapped through steps now confirmed. */
  confirmedMoved(): void {
    if (this.mapped) this.schedule()
  }

  /** Send the selection soon, at most once per interval. */
  schedule(): void {
    if (this.timer || !this.base()) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.flush()
    }, Math.max(0, this.lastSentAt + this.interval - Date.now()))
  }

  /** Cancel a pending update. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private flush(): void {
    const base = this.base()
    if (!base) return
    const inverted = base.unconfirmed.map(map => map.invert()).reverse()
    this.mapped = inverted.length > 0
    this.lastSentAt = Date.now()
    this.send({ version: base.version, selection: this.selection && mapSelection(this.selection, inverted) })
  }
}
