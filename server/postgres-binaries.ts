import { execFile } from "node:child_process"
import { chownSync, existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

/** A system user by name and ids. */
export interface SystemUser {
  readonly name: string
  readonly uid: number
  readonly gid: number
}

/** PostgreSQL's programs (initdb, pg_ctl) as this machine runs them, for a cluster of our own. */
export interface PostgresBinaries {
  /** The bin folder they are in. */
  readonly bin: string
  /** The user they run as and the cluster's files belong to; null when not root (then the current user). */
  readonly user: SystemUser | null
  /** Run `program` with `args` as that user; rejects when it fails. */
  run(program: string, args: string[]): Promise<{ stdout: string; stderr: string }>
  /** Give `path` to that user, so that PostgreSQL may write in it; nothing when not root. */
  own(path: string): void
}

/** The bin folder of the newest PostgreSQL Debian installed (/usr/lib/postgresql/<major>/bin). */
export function postgresBin(): string {
  const root = "/usr/lib/postgresql"
  const majors = existsSync(root) ? readdirSync(root).filter(name => existsSync(join(root, name, "bin", "initdb"))) : []
  if (!majors.length) throw new Error(`No PostgreSQL under ${root}: install Debian's postgresql package (.ci/run does)`)
  return join(root, majors.sort((a, b) => Number(b) - Number(a))[0], "bin")
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the package's postgres user, else to nobody. */
async function unprivilegedUser(): Promise<SystemUser | null> {
  if (process.getuid?.() != 0) return null
  for (const name of ["postgres", "nobody"]) {
    const ids = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]).catch(() => null)
    if (ids) return { name, uid: Number(ids[0].stdout), gid: Number(ids[1].stdout) }
  }
  throw new Error("Running as root and neither postgres nor nobody exists to run PostgreSQL as")
}

/** Find PostgreSQL's programs and the user to run them as; throws when PostgreSQL is not installed. */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const bin = postgresBin()
  const user = await unprivilegedUser()
  return {
    bin,
    user,
    run: (program, args) => (user ? run("runuser", ["-u", user.name, "--", join(bin, program), ...args]) : run(join(bin, program), args)),
    own: path => {
      if (user) chownSync(path, user.uid, user.gid)
    }
  }
}
