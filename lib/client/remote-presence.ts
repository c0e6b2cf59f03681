import type { Schema } from "prosemirror-model"
import type { StepMap } from "prosemirror-transform"
import type { Author, LeanOp, PresenceState, SelectionJSON } from "../protocol/messages"
import { OpMapLog } from "./op-map-log"
import { mapSelection } from "../ot/map-selection"

/** Another person in the document, with their selection in the local document's positions. */
export interface RemotePresence {
  clientId: string
  user: Author
  /** Null when they have no selection or it refers to a version this client has not seen yet. */
  selection: SelectionJSON | null
}

/**
 * The other people in a document as the hub relays them. Their selections refer to hub versions: each
 * is carried forward as committed ops arrive, and placed in the local document (through the ops it has
 * not seen yet and the local unconfirmed steps) by `place`.
 */
export class RemotePresenceSet {
  private readonly states = new Map<string, PresenceState>()
  private readonly opMaps: OpMapLog
  private placed: readonly RemotePresence[] = []

  constructor(private readonly ownClientId: string, schema: Schema) {
    this.opMaps = new OpMapLog(schema)
  }

  /** Everyone else, as placed by the last call to `place`. */
  get list(): readonly RemotePresence[] {
    return this.placed
  }

  /** Record someone's presence; this client's own is ignored. Returns whether anything changed. */
  set(state: PresenceState): boolean {
    if (state.clientId == this.ownClientId) return false
    this.states.set(state.clientId, state)
    return true
  }

  /** Forget someone who left. Returns whether they were known. */
  delete(clientId: string): boolean {
    return this.states.delete(clientId)
  }

  /** Replace everyone, as after a join (or with nobody, after a disconnect). */
  reset(states: readonly PresenceState[] = []): void {
    this.states.clear()
    for (const state of states) this.set(state)
  }

  /** Forget the ops kept for mapping, for a client that starts over from a snapshot. */
  restart(): void {
    this.opMaps.clear()
  }

  /** Note the ops that took the client from version `from` to `to`, and carry every selection up to `to`. */
  committed(ops: readonly LeanOp[], from: number, to: number): void {
    this.opMaps.record(ops, from, to)
    for (const [clientId, state] of this.states) {
      const maps = state.selection && state.version < to && this.opMaps.mapsBetween(state.version, to)
      if (maps) this.states.set(clientId, { ...state, version: to, selection: mapSelection(state.selection!, maps) })
    }
  }

  /**
   * Place everyone's selection in the local document: a document at confirmed `version` plus the
   * unconfirmed steps whose maps are `unconfirmed`, of content size `size` (null version: not loaded).
   */
  place(version: number | null, unconfirmed: readonly StepMap[], size: number): void {
    this.placed = [...this.states.values()].map(state => {
      let selection: SelectionJSON | null = null
      if (version != null && state.selection && state.version <= version) {
        const maps = this.opMaps.mapsBetween(state.version, version) ?? []
        selection = mapSelection(state.selection, [...maps, ...unconfirmed], size)
      }
      return { clientId: state.clientId, user: state.user, selection }
    })
  }
}
