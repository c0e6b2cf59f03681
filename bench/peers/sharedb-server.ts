// ShareDB as a benchmark peer: its backend, the ot-text-unicode type, one WebSocket per client
// through a JSON stream. Run as a child process. The database and pub/sub are in memory unless
// BENCH_SHAREDB_DATABASE_URL (a postgres:// URL, for sharedb-postgres, whose tables must exist)
// and BENCH_SHAREDB_REDIS_URL (for sharedb-redis-pubsub) say otherwise: several such servers on
// one database and one Redis are ShareDB scaled out as its users do it (bench/cluster.ts).
import { createServer } from "node:http"
import ShareDB from "sharedb"
import PostgresDB from "sharedb-postgres"
import RedisPubSub from "sharedb-redis-pubsub"
import { type as textUnicode } from "ot-text-unicode"
import { WebSocketServer } from "ws"
import { serveAsChild } from "./peer-process"
import { restoreEmptyTexts } from "./sharedb-empty-text"
import { WebSocketJSONStream } from "./ws-json-stream"

const databaseUrl = process.env.BENCH_SHAREDB_DATABASE_URL
const redisUrl = process.env.BENCH_SHAREDB_REDIS_URL

ShareDB.types.register(textUnicode)
const backend = new ShareDB({
  ...(databaseUrl ? { db: new PostgresDB({ connectionString: databaseUrl }) } : {}),
  ...(redisUrl ? { pubsub: new RedisPubSub({ url: redisUrl }) } : {})
})
if (databaseUrl) restoreEmptyTexts(backend)
const http = createServer()
const wss = new WebSocketServer({ server: http })
wss.on("connection", ws => backend.listen(new WebSocketJSONStream(ws)))
serveAsChild(http)
