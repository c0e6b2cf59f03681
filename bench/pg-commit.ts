// `npm run bench:pg-commit [-- --seconds 5 --callers 200 --documents 100 --listeners 0]`
// PostgresStorage.commit alone, no hub: `callers` concurrent callers on `documents` documents (caller i
// on document i % documents), each committing one single-step op, built on its document's head op
// (`follows`), and waiting for it before the next, for `seconds` after a 1 s warm-up. Reports commits/s
// and PostgreSQL's CPU (the postmaster and its backends, from /proc) in cores and per commit. PostgreSQL
// is the tests' own (tests/support/postgres-server.ts: a temporary cluster, fsync off). `listeners`
// hubs' buses LISTEN meanwhile, as each hub of a cluster does: every commit's notice wakes each of them.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { CommittedOp } from "../lib/protocol"
import { createLogger } from "../server/log"
import { newLinks } from "../server/link-tokens"
import { openPostgresStorage, type PostgresStorage } from "../server/storage"
import { PostgresBus } from "../server/storage/postgres-bus"
import type { OpKey } from "../server/storage/storage"
import { startPostgresServer } from "../tests/support/postgres-server"
import { machine, processTreeCpuSeconds, sleep } from "./harness/measure"

/** The value after `--name` on the command line, as a number, or `fallback`. */
function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? fallback : Number(process.argv[at + 1])
}

const seconds = option("seconds", 5)
const callers = option("callers", 200)
const documents = option("documents", 100)
const listeners = option("listeners", 0)

/** A document's head as its callers build on it: the next version and the op at the head. */
interface Head {
  version: number
  op: OpKey | null
}

/** The op of `clientId`'s `seq`-th keystroke at `version`: one character typed at the start. */
function keystroke(version: number, clientId: string, seq: number): CommittedOp {
  return {
    version, clientId, seq, baseVersion: version - 1, time: Date.now(),
    steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "x" }] } }],
    author: { name: clientId, color: "#336699" }
  }
}

/** Commit keystrokes as caller `index` until `until`, counting each committed one in `counter`. */
async function type(storage: PostgresStorage, heads: Head[], index: number, until: () => boolean, counter: { commits: number }): Promise<void> {
  const docIndex = index % documents
  const head = heads[docIndex]
  const clientId = `caller-${index}`
  for (let seq = 1; !until(); seq++) {
    // Calls of one document apply in call order, so taking the next version at call time keeps them consecutive.
    const op = keystroke(++head.version, clientId, seq)
    const follows = head.op
    head.op = { clientId, seq }
    await storage.commit(`doc-${docIndex}`, [op], undefined, follows)
    counter.commits++
  }
}

const postgres = await startPostgresServer()
const postmaster = Number(readFileSync(join(postgres.dir, "data", "postmaster.pid"), "utf8").split("\n")[0])
try {
  const url = await postgres.createDatabase()
  const storage = await openPostgresStorage({ connectionString: url, log: createLogger("silent") })
  const buses = await Promise.all(Array.from({ length: listeners }, () => PostgresBus.open({ connectionString: url, log: createLogger("silent") })))
  let heard = 0
  for (const bus of buses) bus.listen(() => heard++)
  const heads: Head[] = []
  for (let i = 0; i < documents; i++) {
    await storage.createDocument(`doc-${i}`, "ot", { type: "doc", content: [{ type: "paragraph" }] }, Date.now(), newLinks().hashes)
    heads.push({ version: 0, op: null })
  }
  let stop = false
  const counter = { commits: 0 }
  const typing = Array.from({ length: callers }, (_, i) => type(storage, heads, i, () => stop, counter))
  await sleep(1000)
  const commitsBefore = counter.commits
  const cpuBefore = processTreeCpuSeconds(postmaster)
  const began = performance.now()
  await sleep(seconds * 1000)
  const commits = counter.commits - commitsBefore
  const cpu = processTreeCpuSeconds(postmaster) - cpuBefore
  const elapsed = (performance.now() - began) / 1000
  stop = true
  await Promise.all(typing)
  await Promise.all(buses.map(bus => bus.close()))
  await storage.close()
  console.log(machine())
  console.log(`${callers} callers on ${documents} documents, ${listeners} listening (${heard} notices heard), ${seconds} s: ${Math.round(commits / elapsed)} commits/s, ` +
    `PostgreSQL ${(cpu / elapsed).toFixed(2)} cores, ${((cpu * 1000) / commits).toFixed(3)} ms CPU per commit`)
} finally {
  await postgres.stop()
}
