// Concord's process entry: `npx tsx server/main.ts` (npm start builds the app first).
// Environment: PORT (default 3000, 0 for any free port), HOST (default 127.0.0.1),
// CONCORD_DATA_DIR (default ./data), CONCORD_DATABASE_URL (postgres://...: PostgreSQL instead of SQLite in the data folder),
// CONCORD_LOG_LEVEL (silent|error|warn|info|debug, default warn; pino JSON lines on stderr),
// CONCORD_UI=off to serve only the hub, CONCORD_SYNC=full for fsync on every commit,
// CONCORD_PACK_AFTER_MS (default 10000; 0 for never) to pack the heads of documents nobody edits.
// CONCORD_PEER_HEARTBEAT_MS (default 5000): with PostgreSQL, how often a hub tells the others it is there (the members of a
// hub silent for three heartbeats leave every document).
// CONCORD_ALLOWED_ORIGINS (comma-separated origins whose pages may connect besides the server's own),
// CONCORD_RATE_LIMITS (off, or JSON overrides of server/budgets.ts), CONCORD_METRICS_TOKEN (bearer token for /metrics).
// Flags: --dev runs Next in development mode. Prints "Concord listening on <url>" once ready.
import { resolve } from "node:path"
import { startServer } from "./create-server"
import { createLogger } from "./log"

const log = createLogger()
const server = await startServer({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? "127.0.0.1",
  dataDir: resolve(process.env.CONCORD_DATA_DIR ?? "data"),
  ui: process.env.CONCORD_UI != "off",
  dev: process.argv.includes("--dev"),
  log
})
process.stdout.write(`Concord listening on ${server.url}\n`)

let stopping = false
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    server.close().then(
      () => process.exit(0),
      error => {
        log.error({ err: error }, "shutdown-failed")
        process.exit(1)
      }
    )
  })
}
