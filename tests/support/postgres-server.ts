import { execFile } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import pg from "pg"

const run = promisify(execFile)

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

/** The bin folder of the newest PostgreSQL Debian installed (/usr/lib/postgresql/<major>/bin). */
export function postgresBin(): string {
  const root = "/usr/lib/postgresql"
  const majors = existsSync(root) ? readdirSync(root).filter(name => existsSync(join(root, name, "bin", "initdb"))) : []
  if (!majors.length) throw new Error(`No PostgreSQL under ${root}: install Debian's postgresql package (.ci/run does)`)
  return join(root, majors.sort((a, b) => Number(b) - Number(a))[0], "bin")
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the package's postgres user, else to nobody. */
async function unprivilegedUser(): Promise<{ name: string; uid: number; gid: number } | null> {
  if (process.getuid?.() != 0) return null
  for (const name of ["postgres", "nobody"]) {
    const ids = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]).catch(() => null)
    if (ids) return { name, uid: Number(ids[0].stdout), gid: Number(ids[1].stdout) }
  }
  throw new Error("Running as root and neither postgres nor nobody exists to run PostgreSQL as")
}

/**
 * Make a cluster in a temporary folder with initdb and start it with pg_ctl, listening on a unix socket
 * in that folder only; resolves once it accepts connections. Tests call this once per file.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBin()
  const user = await unprivilegedUser()
  const dir = mkdtempSync(join(tmpdir(), "concord-pg-"))
  if (user) chownSync(dir, user.uid, user.gid)
  const data = join(dir, "data")
  const as = (command: string, args: string[]) =>
    user ? run("runuser", ["-u", user.name, "--", join(bin, command), ...args]) : run(join(bin, command), args)
  const url = (database: string) => `postgresql://${superuser}@localhost/${database}?host=${encodeURIComponent(dir)}&port=${port}`
  try {
    await as("initdb", ["-D", data, "--auth=trust", "-U", superuser, "--encoding=UTF8", "--locale=C", "--no-sync"])
    // fsync off: the tests kill hubs, never the machine, and each commit's flush only slows them down.
    const settings = `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off`
    await as("pg_ctl", ["start", "-D", data, "-w", "-t", "60", "-l", join(dir, "server.log"), "-o", settings])
  } catch (error) {
    await as("pg_ctl", ["stop", "-D", data, "-m", "immediate"]).catch(() => {})
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
      await as("pg_ctl", ["stop", "-D", data, "-m", "immediate"])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
