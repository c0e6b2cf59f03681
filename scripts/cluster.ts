// `npm run cluster -- --hubs 3 [--port 3000] [--no-ui]`: a local PostgreSQL (its data in ./data/pg) and
// that many hubs on consecutive ports from --port (default PORT or 3000), all on one database, each
// serving the app too unless --no-ui (the app is built first when stale, as `npm start` does). A hub
// that dies is started again; Ctrl-C or SIGTERM stops the hubs, then PostgreSQL.
import { spawnSync } from "node:child_process"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { startLocalPostgres } from "./local-postgres"
import { SupervisedHub } from "./supervised-hub"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const say = (line: string) => process.stdout.write(`${line}\n`)

const { values } = parseArgs({ options: { hubs: { type: "string", default: "3" }, port: { type: "string", default: process.env.PORT ?? "3000" }, "no-ui": { type: "boolean", default: false } } })
const hubCount = Number(values.hubs)
const firstPort = Number(values.port)
if (!Number.isInteger(hubCount) || hubCount < 1 || hubCount > 64) throw new RangeError(`--hubs must be a whole number from 1 to 64 (got ${values.hubs})`)
if (!Number.isInteger(firstPort) || firstPort < 1 || firstPort + hubCount - 1 > 65535) throw new RangeError(`--port must leave room for ${hubCount} ports below 65536 (got ${values.port})`)
const ui = !values["no-ui"]

if (ui) {
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" })
  if (build.status != 0) process.exit(build.status ?? 1)
}

const postgres = await startLocalPostgres(join(root, "data", "pg"), say).catch((error: Error) => {
  process.stderr.write(`Could not start PostgreSQL: ${error.message}\n`)
  process.exit(1)
})
const hubs = Array.from({ length: hubCount }, (_, i) => new SupervisedHub(`hub ${i}`, root, {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? "production",
  HOST: process.env.HOST ?? "0.0.0.0",
  PORT: String(firstPort + i),
  CONCORD_DATABASE_URL: postgres.databaseUrl,
  ...(ui ? {} : { CONCORD_UI: "off" })
}, say))

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  say("Stopping the hubs, then PostgreSQL...")
  await Promise.all(hubs.map(hub => hub.stop()))
  await postgres.stop().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`Could not stop PostgreSQL: ${error.message}\n`)
      process.exit(1)
    }
  )
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop())

await Promise.all(hubs.map(hub => hub.start()))
if (!stopping) say(`${hubCount} hub${hubCount == 1 ? "" : "s"} on PostgreSQL ${postgres.databaseUrl}; Ctrl-C stops them`)
