import { ConcordError, type CommittedOp } from "../../lib/protocol"
import type { HubDocument } from "./hub-document"
import type { SubmitContext } from "./submit-context"

/**
 * The newest seq `clientId` committed to the document (0 when none): known from memory (ops of the
 * window and since), or else from the store.
 */
async function lastSeqOf(ctx: SubmitContext, doc: HubDocument, clientId: string): Promise<{ seq: number; op: CommittedOp | null }> {
  const known = doc.lastSeq.get(clientId)
  if (known) return { seq: known.seq, op: null }
  const op = await ctx.storage.lastOp(doc.id, clientId)
  return { seq: op?.seq ?? 0, op }
}

/** The seq `clientId`'s next batch on this document must carry: one past its newest committed seq. */
export async function nextSeqOf(ctx: SubmitContext, doc: HubDocument, clientId: string): Promise<number> {
  return (await lastSeqOf(ctx, doc, clientId)).seq + 1
}

/**
 * The op `clientId` already committed under `seq`, or null when `seq` is the client's next: the dedup
 * step of both pipelines. A client's seqs are consecutive and it has one batch in flight, which it
 * resends unchanged until acknowledged, so a seq is either the next one, or the newest committed one
 * (a resend). A seq older than the newest is refused with ERR_SEQ_REUSED (that batch was acknowledged
 * already), one past the next with ERR_SEQ_GAP (a client that skips seqs could otherwise claim a seq
 * so high that no later batch of its id could ever follow it).
 */
export async function committedUnder(ctx: SubmitContext, doc: HubDocument, clientId: string, seq: number): Promise<CommittedOp | null> {
  const last = await lastSeqOf(ctx, doc, clientId)
  if (seq == last.seq + 1) return null
  if (seq > last.seq + 1)
    throw new ConcordError("ERR_SEQ_GAP", `Seq ${seq} of client ${clientId} skips ahead: its next seq on this document is ${last.seq + 1}`)
  if (seq < last.seq)
    throw new ConcordError("ERR_SEQ_REUSED", `Seq ${seq} of client ${clientId} is older than its newest committed seq ${last.seq}`)
  return last.op ?? doc.recentOp(clientId, seq) ?? (await ctx.storage.lastOp(doc.id, clientId))
}
