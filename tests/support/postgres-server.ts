import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { postgresBinaries } from "../../server/postgres-binaries"

/** The superuser the tests' clusters are made with; trust authentication, so it needs no password. */
const superuser = "concord"

/** The socket's port number: it only names the socket file, in a folder of the cluster's own, so it never collides. */
const port = 5432

/** A PostgreSQL server of the tests' own, on a unix socket in a temporary folder. */
export interface PostgresServer {
  /** The folder holding the cluster and its socket. */
  readonly dir: string
  /** A postgres:// URL of `database` on this server. */
  url(database: string): string
  /** Create an empty database with a new name and give its URL. */
  createDatabase(): Promise<string>
  /** Stop the server at once and remove its folder. */
  stop(): Promise<void>
}

/**
 * Make a cluster in a temporary folder with initdb and start it with pg_ctl, listening on a unix socket
 * in that folder only; resolves once it accepts connections. Tests call this once per file.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const postgres = await postgresBinaries()
  const dir = mkdtempSync(join(tmpdir(), "concord-pg-"))
  postgres.own(dir)
  const data = join(dir, "data")
  const url = (database: string) => `postgresql://${superuser}@localhost/${database}?host=${encodeURIComponent(dir)}&port=${port}`
  try {
    await postgres.run("initdb", ["-D", data, "--auth=trust", "-U", superuser, "--encoding=UTF8", "--locale=C", "--no-sync"])
    // fsync off: the tests kill hubs, never the machine, and each commit's flush only slows them down.
    const settings = `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off`
    await postgres.run("pg_ctl", ["start", "-D", data, "-w", "-t", "60", "-l", join(dir, "server.log"), "-o", settings])
  } catch (error) {
    await postgres.run("pg_ctl", ["stop", "-D", data, "-m", "immediate"]).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const admin = new pg.Client({ connectionString: url("postgres") })
  await admin.connect()
  let databases = 0
  return {
    dir,
    url,
    async createDatabase() {
      const name = `test_${++databases}`
      await admin.query(`CREATE DATABASE ${name}`)
      return url(name)
    },
    async stop() {
      await admin.end().catch(() => {})
      await postgres.run("pg_ctl", ["stop", "-D", data, "-m", "immediate"])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
