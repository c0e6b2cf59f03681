import { existsSync, mkdirSync, readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import pg from "pg"
import { postgresBinaries } from "../server/postgres-binaries"

/** The cluster's superuser and database; trust authentication, over a socket only this machine reaches. */
const superuser = "concord"
const database = "concord"

/** The socket's port number: it only names the socket file, in the cluster's own folder, so it never collides. */
const port = 5432

/** The longest unix socket path the kernel takes (sun_path, less its terminating zero). */
const maxSocketPath = 107

/** A PostgreSQL server on a cluster kept in a folder of its own, as `npm run cluster` runs it. */
export interface LocalPostgres {
  /** The postgres:// URL of the Concord database on it. */
  readonly databaseUrl: string
  /** Stop the server (pg_ctl stop -m fast), keeping its data. */
  stop(): Promise<void>
}

/**
 * Start PostgreSQL on the cluster in `dir`, making it with initdb first when the folder is missing or
 * empty, listening on a unix socket in that folder only (no TCP); then create the Concord database
 * unless it exists. A server already running on `dir` (a launcher that was killed) is taken over.
 */
export async function startLocalPostgres(dir: string, say: (line: string) => void): Promise<LocalPostgres> {
  const socket = join(dir, `.s.PGSQL.${port}`)
  if (socket.length > maxSocketPath) throw new RangeError(`The PostgreSQL socket path ${socket} is longer than ${maxSocketPath} characters: run from a shorter path`)
  const postgres = await postgresBinaries()
  if (!existsSync(dir) || !readdirSync(dir).length) {
    say(`Creating a PostgreSQL cluster in ${dir} (initdb)...`)
    mkdirSync(dirname(dir), { recursive: true })
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    postgres.own(dir)
    await postgres.run("initdb", ["-D", dir, "--auth=trust", "-U", superuser, "--encoding=UTF8", "--locale=C"])
  }
  // pg_ctl status exits with 3 when no server runs on the folder.
  const running = await postgres.run("pg_ctl", ["status", "-D", dir]).then(() => true, () => false)
  if (running) say(`PostgreSQL already runs on ${dir}: using it`)
  else {
    const settings = `-p ${port} -k ${dir} -c listen_addresses=''`
    await postgres.run("pg_ctl", ["start", "-D", dir, "-w", "-t", "60", "-l", join(dir, "server.log"), "-o", settings])
  }
  const url = (name: string) => `postgresql://${superuser}@localhost/${name}?host=${encodeURIComponent(dir)}&port=${port}`
  const admin = new pg.Client({ connectionString: url("postgres") })
  try {
    await admin.connect()
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])
    if (!rowCount) await admin.query(`CREATE DATABASE ${database}`)
  } finally {
    await admin.end().catch(() => {})
  }
  return {
    databaseUrl: url(database),
    async stop() {
      await postgres.run("pg_ctl", ["stop", "-D", dir, "-m", "fast"])
    }
  }
}
