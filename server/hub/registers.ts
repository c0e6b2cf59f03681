import type { CommittedOp } from "../../lib/protocol"
import type { HubDocument } from "./hub-document"

/**
 * Per-block documents: what a committed op leaves in the document's registers: the last-writer-wins
 * stamps its winning writes set, and who now holds each version-vector block it wrote.
 */
export function rememberRegisters(doc: HubDocument, op: CommittedOp): void {
  for (const write of op.writes ?? []) if (write.won) doc.stamps.set(write.block, write.stamp)
  for (const write of op.vvWrites ?? []) if (write.outcome != "conflict") doc.writers.set(write.block, { author: op.author, clientId: op.clientId })
}
