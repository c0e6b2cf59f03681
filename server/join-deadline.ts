import type { Server } from "socket.io"

/**
 * Disconnect every socket of `io` that has not joined a document room within `ms` of connecting: an
 * idle socket costs the hub memory and a slot of its address's quota, and a client has no other use
 * for one.
 */
export function disconnectUnjoined(io: Server, ms: number): void {
  const deadlines = new Map<string, ReturnType<typeof setTimeout>>()
  const met = (id: string) => {
    clearTimeout(deadlines.get(id))
    deadlines.delete(id)
  }
  io.on("connection", socket => {
    deadlines.set(socket.id, setTimeout(() => {
      deadlines.delete(socket.id)
      socket.disconnect(true)
    }, ms))
    socket.on("disconnect", () => met(socket.id))
  })
  // Every socket joins the room named by its own id on connecting; any other room is a document's.
  io.of("/").adapter.on("join-room", (room: string, id: string) => {
    if (room != id) met(id)
  })
}
