import { io, type Socket } from "socket.io-client"
import type { ClientToServerEvents, ServerToClientEvents } from "../protocol/messages"
import { rotateAddresses } from "./hub-addresses"

/** A Socket.IO socket speaking Concord's typed events. */
export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * A new socket to the hub at `url` (the page's own origin by default), not connected yet: its own
 * Manager, WebSocket first with long polling as the fallback. Given several addresses of hubs on one
 * database, it connects to the first and moves on to the next, in turn, whenever the connection is
 * lost or an attempt fails.
 */
export function hubSocket(url?: string | readonly string[]): HubSocket {
  const options = { autoConnect: false, forceNew: true, transports: ["websocket", "polling"], tryAllTransports: true }
  const urls = typeof url == "string" ? [url] : (url ?? [])
  if (!urls.length) return io(options)
  const socket: HubSocket = io(urls[0], options)
  if (urls.length > 1) rotateAddresses(socket.io, urls)
  return socket
}
