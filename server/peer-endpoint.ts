import { timingSafeEqual } from "node:crypto"
import type { Server } from "socket.io"
import { ConcordError, parse, type Reply } from "../lib/protocol"
import type { Hub } from "./hub/hub"
import type { Forwarded } from "./hub/forwarder"
import type { Logger } from "./log"

/**
 * Serve the other hubs of the cluster on the `/hubs` namespace: each may forward the batches of the
 * documents this hub holds the lease of, written by members it checked. Only a hub that shows the
 * cluster's secret (kept in the shared database) connects; what it sends is parsed like a client's.
 */
export function servePeerHubs(io: Server, hub: Hub, secret: string, log: Logger): void {
  const hubs = io.of("/hubs")
  hubs.use((socket, next) => {
    if (sameSecret(socket.handshake.auth?.secret, secret)) return next()
    log.warn({ address: socket.handshake.address }, "peer-refused")
    next(new Error("Not a hub of this cluster"))
  })
  hubs.on("connection", socket => {
    const answer = (ack: unknown, run: () => Promise<Forwarded>) => {
      if (typeof ack != "function") return
      run().then(
        value => ack({ ok: true, value } satisfies Reply<Forwarded>),
        error => ack({ ok: false, error: ConcordError.from(error).toJSON() } satisfies Reply<Forwarded>)
      )
    }
    socket.on("submit", (request: unknown, author: unknown, ack: unknown) =>
      answer(ack, async () => hub.commitForwarded({ kind: "submit", request: parse.submit(request), author: parse.author(author) })))
    socket.on("update", (request: unknown, author: unknown, ack: unknown) =>
      answer(ack, async () => hub.commitForwarded({ kind: "update", request: parse.update(request), author: parse.author(author) })))
  })
}

function sameSecret(given: unknown, secret: string): boolean {
  if (typeof given != "string") return false
  const a = Buffer.from(given), b = Buffer.from(secret)
  return a.length == b.length && timingSafeEqual(a, b)
}
