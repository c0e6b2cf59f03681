// ShareDB as a benchmark peer: its backend with the in-memory database and pub/sub, the
// ot-text-unicode type, one WebSocket per client through a JSON stream. Run as a child process.
import { createServer } from "node:http"
import ShareDB from "sharedb"
import { type as textUnicode } from "ot-text-unicode"
import { WebSocketServer } from "ws"
import { serveAsChild } from "./peer-process"
import { WebSocketJSONStream } from "./ws-json-stream"

ShareDB.types.register(textUnicode)
const backend = new ShareDB()
const http = createServer()
const wss = new WebSocketServer({ server: http })
wss.on("connection", ws => backend.listen(new WebSocketJSONStream(ws)))
serveAsChild(http)
