import { io as connect, type Socket } from "socket.io-client"
import { ConcordError, type Reply } from "../lib/protocol"
import type { Forwarded, ForwardedBatch, Forwarder } from "./hub/forwarder"

/** How long a forwarded batch may wait for the committing hub's answer, in ms. */
const answerTimeoutMs = 10_000

/**
 * The hub's connections to the other hubs it forwards batches to: one WebSocket per hub, opened on
 * first use to its `/hubs` namespace (see servePeerHubs) with the cluster's secret, and dropped when it
 * fails, so that the next batch connects anew (to whichever hub then holds the lease).
 */
export class PeerLinks implements Forwarder {
  private readonly sockets = new Map<string, Socket>()

  constructor(private readonly secret: string) {}

  async forward(address: string, batch: ForwardedBatch): Promise<Forwarded> {
    const socket = this.socketTo(address)
    let reply: Reply<Forwarded>
    try {
      await connected(socket)
      reply = await socket.timeout(answerTimeoutMs).emitWithAck(batch.kind, batch.request, batch.author)
    } catch (error) {
      this.drop(address, socket)
      throw new ConcordError("ERR_HUB_UNREACHABLE", `The hub at ${address} did not answer: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (!reply.ok) throw ConcordError.fromJSON(reply.error)
    return reply.value
  }

  close(): void {
    for (const socket of this.sockets.values()) socket.disconnect()
    this.sockets.clear()
  }

  private socketTo(address: string): Socket {
    let socket = this.sockets.get(address)
    if (!socket) {
      socket = connect(`${address}/hubs`, { transports: ["websocket"], reconnection: false, auth: { secret: this.secret } })
      const opened = socket
      socket.on("disconnect", () => this.drop(address, opened))
      this.sockets.set(address, socket)
    }
    return socket
  }

  private drop(address: string, socket: Socket): void {
    if (this.sockets.get(address) == socket) this.sockets.delete(address)
    socket.disconnect()
  }
}

/** Resolves once `socket` is connected; rejects when it fails to connect or disconnects first. */
function connected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve()
  if (!socket.active) return Promise.reject(new Error("disconnected"))
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      socket.off("connect", onConnect).off("connect_error", done).off("disconnect", onDisconnect)
      if (error) reject(error)
      else resolve()
    }
    const onConnect = () => done()
    const onDisconnect = () => done(new Error("disconnected"))
    socket.on("connect", onConnect).on("connect_error", done).on("disconnect", onDisconnect)
  })
}
