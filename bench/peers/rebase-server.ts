// The reject-and-retry authority as a benchmark peer (ProseMirror's collab demo over a WebSocket):
// per document, the head document and every accepted step in memory; a batch is accepted only
// when written on the current version. Run as a child process.
import { createServer } from "node:http"
import type { Node } from "prosemirror-model"
import { Step } from "prosemirror-transform"
import { WebSocketServer, type WebSocket } from "ws"
import type { StepJSON } from "../../lib/protocol"
import { schema } from "../../lib/schema"
import { serveAsChild } from "./peer-process"
import type { RebaseClientMessage, RebaseServerMessage } from "./rebase-protocol"

interface Authority {
  doc: Node
  steps: StepJSON[]
  clientIDs: string[]
  clients: Set<WebSocket>
}

const authorities = new Map<string, Authority>()

function authority(id: string): Authority {
  let found = authorities.get(id)
  if (!found) {
    found = { doc: schema.node("doc", null, [schema.node("paragraph")]), steps: [], clientIDs: [], clients: new Set() }
    authorities.set(id, found)
  }
  return found
}

function send(ws: WebSocket, message: RebaseServerMessage): void {
  ws.send(JSON.stringify(message))
}

/** Apply a batch written on the current version, or fail without changing anything. */
function accept(auth: Authority, steps: StepJSON[], clientID: string): string | null {
  let doc = auth.doc
  for (const json of steps) {
    const result = Step.fromJSON(schema, json).apply(doc)
    if (!result.doc) return result.failed ?? "step failed"
    doc = result.doc
  }
  auth.doc = doc
  for (const json of steps) {
    auth.steps.push(json)
    auth.clientIDs.push(clientID)
  }
  return null
}

const http = createServer()
const wss = new WebSocketServer({ server: http })
wss.on("connection", ws => {
  let joined: Authority | null = null
  ws.on("close", () => joined?.clients.delete(ws))
  ws.on("message", data => {
    const message = JSON.parse(data.toString()) as RebaseClientMessage
    if (message.t == "join") {
      joined = authority(message.doc)
      joined.clients.add(ws)
      const version = joined.steps.length
      if (message.version == null) send(ws, { t: "joined", version, doc: joined.doc.toJSON() })
      else send(ws, { t: "joined", version, steps: joined.steps.slice(message.version), clientIDs: joined.clientIDs.slice(message.version) })
    } else if (message.t == "submit" && joined) {
      const version = joined.steps.length
      if (message.version != version) return send(ws, { t: "reject", version })
      const failure = accept(joined, message.steps, message.clientID)
      if (failure) return send(ws, { t: "error", message: failure })
      const text = JSON.stringify({ t: "steps", version, steps: message.steps, clientID: message.clientID, seq: message.seq } satisfies RebaseServerMessage)
      for (const client of joined.clients) client.send(text)
    }
  })
})
serveAsChild(http)
