import { ConcordError, type CommittedOp } from "../../lib/protocol"
import type { HubDocument } from "./hub-document"
import type { SubmitContext } from "./submit-pipeline"

/**
 * The op `clientId` already committed under `seq`, or null when `seq` is new: the dedup step of both
 * pipelines. A client has one batch in flight and resends only that one, so a committed seq is always
 * the client's newest; the newest is known from memory (ops of the window and since) or else from the
 * store. A seq older than the newest is refused with ERR_SEQ_REUSED: the batch it names was
 * acknowledged already, and re-sending it is a client error.
 */
export async function committedUnder(ctx: SubmitContext, doc: HubDocument, clientId: string, seq: number): Promise<CommittedOp | null> {
  const known = doc.lastSeq.get(clientId)
  if (known && seq > known.seq) return null
  const last = (known && doc.recentOp(clientId, known.seq)) || (await ctx.storage.lastOp(doc.id, clientId))
  if (!last || seq > last.seq) return null
  if (seq < last.seq)
    throw new ConcordError("ERR_SEQ_REUSED", `Seq ${seq} of client ${clientId} is older than its newest committed seq ${last.seq}`)
  return last
}
