import type { ErrorCode } from "../protocol/errors"

/**
 * Where a connection stands: "offline" only after `goOffline`; "denied" when the hub refused the link
 * (or has no such document: it does not say which); "revoked" when the link stopped working after it
 * had worked (the local document stays on show).
 */
export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline" | "denied" | "revoked" | "error"

/** What changed, as told to subscribers. */
export type ConnectionChange = "state" | "status" | "presence" | "issue"

/** Something the user should hear about: an error the connection ran into, or edits that were lost. */
export interface ConnectionIssue {
  /** The hub's error code, or EDITS_DROPPED when the hub dropped some of this client's steps in a conflict. */
  code: ErrorCode | "EDITS_DROPPED"
  message: string
  /** Local steps that are gone for good (0 when nothing was lost). */
  lost: number
  /** The text those steps had inserted, offered back so that nothing typed disappears silently. */
  text?: string
}
