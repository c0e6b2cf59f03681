// A minimal Yjs relay as a benchmark peer, as y-websocket's server does it: one room per URL path,
// each with a Y.Doc that stores every update and an Awareness; sync step 1/2 on connect, every
// update applied and relayed to every connection of the room (the sender included, as y-websocket
// does). A connection to "/" joins no room. Run as a child process.
import { createServer } from "node:http"
import * as Y from "yjs"
import * as syncProtocol from "y-protocols/sync"
import * as awarenessProtocol from "y-protocols/awareness"
import * as encoding from "lib0/encoding"
import * as decoding from "lib0/decoding"
import { WebSocketServer, type WebSocket } from "ws"
import { serveAsChild } from "./peer-process"
import { messageAwareness, messageSync } from "./yjs-messages"

interface Room {
  doc: Y.Doc
  awareness: awarenessProtocol.Awareness
  /** Each connection with the awareness client ids it controls. */
  conns: Map<WebSocket, Set<number>>
}

const rooms = new Map<string, Room>()

function send(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState == ws.OPEN) ws.send(message)
}

function room(name: string): Room {
  const found = rooms.get(name)
  if (found) return found
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)
  const created: Room = { doc, awareness, conns: new Map() }
  doc.on("update", (update: Uint8Array) => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messageSync)
    syncProtocol.writeUpdate(encoder, update)
    const message = encoding.toUint8Array(encoder)
    for (const ws of created.conns.keys()) send(ws, message)
  })
  awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const changed = added.concat(updated, removed)
    const controlled = created.conns.get(origin as WebSocket)
    if (controlled) {
      for (const id of added) controlled.add(id)
      for (const id of removed) controlled.delete(id)
    }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messageAwareness)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, changed))
    const message = encoding.toUint8Array(encoder)
    for (const ws of created.conns.keys()) send(ws, message)
  })
  rooms.set(name, created)
  return created
}

function receive(joined: Room, ws: WebSocket, data: Uint8Array): void {
  const decoder = decoding.createDecoder(data)
  const type = decoding.readVarUint(decoder)
  if (type == messageSync) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messageSync)
    syncProtocol.readSyncMessage(decoder, encoder, joined.doc, ws)
    if (encoding.length(encoder) > 1) send(ws, encoding.toUint8Array(encoder))
  } else if (type == messageAwareness) {
    awarenessProtocol.applyAwarenessUpdate(joined.awareness, decoding.readVarUint8Array(decoder), ws)
  }
}

const http = createServer()
const wss = new WebSocketServer({ server: http })
wss.on("connection", (ws, request) => {
  const name = decodeURIComponent((request.url ?? "/").slice(1))
  if (!name) return
  const joined = room(name)
  joined.conns.set(ws, new Set())
  ws.on("message", (data: Buffer) => receive(joined, ws, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
  ws.on("close", () => {
    const controlled = joined.conns.get(ws)
    joined.conns.delete(ws)
    if (controlled?.size) awarenessProtocol.removeAwarenessStates(joined.awareness, [...controlled], null)
  })
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  syncProtocol.writeSyncStep1(encoder, joined.doc)
  send(ws, encoding.toUint8Array(encoder))
  const states = joined.awareness.getStates()
  if (states.size) {
    const awarenessEncoder = encoding.createEncoder()
    encoding.writeVarUint(awarenessEncoder, messageAwareness)
    encoding.writeVarUint8Array(awarenessEncoder, awarenessProtocol.encodeAwarenessUpdate(joined.awareness, [...states.keys()]))
    send(ws, encoding.toUint8Array(awarenessEncoder))
  }
})
serveAsChild(http)
