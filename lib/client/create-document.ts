import { ConcordError } from "../protocol/errors"
import type { CreateRequest, CreateResult } from "../protocol/messages"
import { ackTimeout, toError } from "./hub-connection"
import { hubSocket } from "./hub-socket"

/**
 * Create a document on the hub at `url` (the page's own origin by default) over a socket of its own,
 * and return its id, strategy and link tokens. Rejects with a ConcordError when the hub refuses or
 * does not answer in time.
 */
export async function createDocument(request: CreateRequest = {}, url?: string): Promise<CreateResult> {
  const socket = hubSocket(url)
  socket.connect()
  let reply
  try {
    reply = await socket.timeout(ackTimeout).emitWithAck("create", request)
  } catch {
    throw new ConcordError("ERR_INTERNAL", "The server did not answer")
  } finally {
    socket.disconnect()
  }
  if (!reply.ok) throw toError(reply.error)
  return reply.value
}
