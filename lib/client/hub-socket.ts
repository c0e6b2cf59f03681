import { io, type Socket } from "socket.io-client"
import type { ClientToServerEvents, ServerToClientEvents } from "../protocol/messages"

/** A Socket.IO socket speaking Concord's typed events. */
export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * A new socket to the hub at `url` (the page's own origin by default), not connected yet: its own
 * Manager, WebSocket first with long polling as the fallback.
 */
export function hubSocket(url?: string): HubSocket {
  const options = { autoConnect: false, forceNew: true, transports: ["websocket", "polling"], tryAllTransports: true }
  return url ? io(url, options) : io(options)
}
