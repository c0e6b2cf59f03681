import type { CommittedOp, PresenceState, Role } from "../../lib/protocol"

/** What a hub tells the other hubs sharing its store. */
export type BusNotice =
  /** The teller is still there (told every heartbeat: a hub not heard from for three is taken for dead). */
  | { kind: "alive" }
  | { kind: "presence"; docId: string; state: PresenceState }
  | { kind: "left"; docId: string; clientId: string }
  /** The teller just opened the document: whoever has members there tells their presence. */
  | { kind: "ask"; docId: string }
  /** The document's links of `role` were replaced: sockets that joined with them lose the document on every hub. */
  | { kind: "revoked"; docId: string; role: Role }

/** What a hub hears from the other hubs sharing its store, and from the store itself. */
export type BusEvent =
  /** The store committed the document's ops up to `version` (whichever hub committed them): `ops` are those ops when they fit in the notice. */
  | { kind: "committed"; docId: string; version: number; ops?: CommittedOp[] }
  /** Another hub told this: `hub` is its id on the bus. */
  | (BusNotice & { hub: string })
  /** The bus lost its connection a while, and may have missed events: catch up every open document. */
  | { kind: "missed" }

/**
 * How the hubs sharing one store hear of one another: the commits the store announces as they land,
 * and the presence each hub tells. A hub on the embedded store is alone and has none.
 */
export interface HubBus {
  /** This hub's id on the bus: the others see it on what it tells, and it skips its own. */
  readonly hubId: string
  /** Hear every event from now on. */
  listen(heard: (event: BusEvent) => void): void
  /** Tell the other hubs; best effort (presence is soon told again). */
  tell(notice: BusNotice): void
  /** Stop hearing and telling. */
  close(): Promise<void>
}
