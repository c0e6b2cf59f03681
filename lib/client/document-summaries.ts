import { ConcordError } from "../protocol/errors"
import { limits } from "../protocol/limits"
import type { DocumentSummary } from "../protocol/messages"
import { ackTimeout, toError } from "./hub-connection"
import { hubSocket } from "./hub-socket"

/**
 * Ask the hub at `url` (the page's own origin by default), over a socket of its own, for the summaries
 * of documents this browser holds a link token for, a request of at most limits.maxSummaryDocuments at
 * a time. Rejects with a ConcordError when the hub refuses or does not answer in time.
 */
export async function fetchSummaries(documents: readonly { docId: string; token: string }[], url?: string): Promise<DocumentSummary[]> {
  if (!documents.length) return []
  const socket = hubSocket(url)
  socket.connect()
  const summaries: DocumentSummary[] = []
  try {
    for (let i = 0; i < documents.length; i += limits.maxSummaryDocuments) {
      let reply
      try {
        reply = await socket.timeout(ackTimeout).emitWithAck("summaries", { documents: documents.slice(i, i + limits.maxSummaryDocuments) })
      } catch {
        throw new ConcordError("ERR_INTERNAL", "The server did not answer")
      }
      if (!reply.ok) throw toError(reply.error)
      summaries.push(...reply.value)
    }
  } finally {
    socket.disconnect()
  }
  return summaries
}
