import type { CommittedOp } from "../../lib/protocol"

/** The PostgreSQL channel a commit notifies, inside its transaction, with its document and new head. */
export const commitsChannel = "concord_commits"

/** The channel hubs tell one another about presence on. */
export const presenceChannel = "concord_presence"

/** PostgreSQL refuses a notification payload of 8,000 bytes or more. */
export const maxNoticeBytes = 7_999

/**
 * What a commit of `docId` up to `version` notifies on commitsChannel: the ops too when they fit in a
 * notice (a keystroke's do, by far), so that the other hubs apply them without reading them back.
 */
export function commitNotice(docId: string, version: number, ops: readonly CommittedOp[]): string {
  const whole = JSON.stringify({ docId, version, ops })
  return Buffer.byteLength(whole) <= maxNoticeBytes ? whole : JSON.stringify({ docId, version })
}
