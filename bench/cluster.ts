// `npm run bench:cluster [-- --quick]`
// Issue #20's speed figures, side by side in one run: Concord's hubs on one PostgreSQL against one
// hub on SQLite, and ShareDB scaled out as its users do it (sharedb-postgres on the same PostgreSQL,
// its own database, with sharedb-redis-pubsub on a redis-server of the benchmark's own).
// W1: 50 clients × 5 keys/s on one document, on 1 server and on 3 (client i on server i % 3).
// W2: 200 clients typing as fast as acknowledgements come into 100 documents (2 clients each), on
// 1 server and on 2 (a document's clients on different servers), with the CPU of every server, of
// PostgreSQL and of Redis. --quick types for 5 s instead of 20.
// Needs PostgreSQL (Debian's postgresql package) and redis-server (apt-get install -y redis-server).
import { readFileSync, mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { startPostgresServer, type PostgresServer } from "../tests/support/postgres-server"
import { killAll, onExit } from "./harness/child-processes"
import { cpuSeconds, loadAverage, machine, processTreeCpuSeconds } from "./harness/measure"
import { startRedisServer, type RedisServer } from "./harness/redis-server"
import { formatNumber, setupTable, type SetupColumn, type SetupOutcome } from "./harness/setup-table"
import type { SystemName } from "./peers/load-clients"
import { startSystem, type ServerHandle } from "./peers/systems"
import { runTyping, warmupMs, type CpuMeter, type TypingFigures, type TypingWorkload } from "./workloads/typing-workload"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const seconds = quick ? 5 : 20
const hotDocument: TypingWorkload = { clients: 50, workers: 5, mode: "paced", rate: 5, seconds }
const manyDocuments: TypingWorkload = { clients: 200, workers: 5, mode: "saturate", rate: 0, seconds, documents: 100 }
// Concord's benchmark clients join with the link tokens of the documents they create; the worker
// processes share them through this folder (tests/support/link-registry.ts).
const linksDir = (process.env.CONCORD_TEST_LINKS_DIR = mkdtempSync(join(tmpdir(), "concord-bench-links-")))
onExit(() => rmSync(linksDir, { recursive: true, force: true }))

/** One measured run: a system on some of its servers, a workload, and a name for its documents. */
interface Run {
  setup: string
  system: SystemName
  servers: () => ServerHandle[]
  workload: TypingWorkload
  runName: string
}

/** The processes every run shares: PostgreSQL, Redis, and each system's servers. */
interface Cluster {
  postgres: PostgresServer
  redis: RedisServer
  sqliteHub: ServerHandle
  postgresHubs: ServerHandle[]
  sharedbServers: ServerHandle[]
}

/** Create sharedb-postgres's tables (its structure.sql) in a database of their own. */
async function sharedbDatabase(postgres: PostgresServer): Promise<string> {
  const url = await postgres.createDatabase()
  const structure = readFileSync(createRequire(import.meta.url).resolve("sharedb-postgres/structure.sql"), "utf8")
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(structure)
  } finally {
    await client.end()
  }
  return url
}

async function startCluster(): Promise<Cluster> {
  const postgres = await startPostgresServer()
  // An immediate shutdown (SIGQUIT to the postmaster) when the benchmark ends any other way than through stopCluster.
  const postmaster = postmasterPid(postgres)
  onExit(() => {
    try {
      process.kill(postmaster, "SIGQUIT")
    } catch {
      // Stopped already.
    }
    rmSync(postgres.dir, { recursive: true, force: true })
  })
  const redis = await startRedisServer()
  const concordUrl = await postgres.createDatabase()
  const sharedbEnv = { BENCH_SHAREDB_DATABASE_URL: await sharedbDatabase(postgres), BENCH_SHAREDB_REDIS_URL: redis.url }
  const concordEnv = { env: { CONCORD_DATABASE_URL: concordUrl } }
  // The first hub migrates the empty database; the others start on the migrated one.
  const firstHub = await startSystem("concord", concordEnv)
  const [sqliteHub, ...otherHubs] = await Promise.all([startSystem("concord"), startSystem("concord", concordEnv), startSystem("concord", concordEnv)])
  const sharedbServers = await Promise.all([0, 1, 2].map(() => startSystem("sharedb", { env: sharedbEnv })))
  return { postgres, redis, sqliteHub, postgresHubs: [firstHub, ...otherHubs], sharedbServers }
}

async function stopCluster(cluster: Cluster): Promise<void> {
  await Promise.all([cluster.sqliteHub, ...cluster.postgresHubs, ...cluster.sharedbServers].map(s => s.stop()))
  await cluster.redis.stop()
  await cluster.postgres.stop()
}

function postmasterPid(postgres: PostgresServer): number {
  return Number(readFileSync(join(postgres.dir, "data", "postmaster.pid"), "utf8").split("\n")[0])
}

/** PostgreSQL's and Redis's CPU, read over each run's typing window. */
function backingMeters(cluster: Cluster): CpuMeter[] {
  const postmaster = postmasterPid(cluster.postgres)
  return [
    { name: "postgres", seconds: () => processTreeCpuSeconds(postmaster) },
    { name: "redis", seconds: () => cpuSeconds(cluster.redis.pid) }
  ]
}

function runs(cluster: Cluster): { w1: Run[]; w2: Run[] } {
  const { sqliteHub, postgresHubs: hubs, sharedbServers: sdb } = cluster
  return {
    w1: [
      { setup: "Concord, 1 hub, SQLite", system: "concord", servers: () => [sqliteHub], workload: hotDocument, runName: "w1-sqlite" },
      { setup: "Concord, 1 hub, PostgreSQL", system: "concord", servers: () => hubs.slice(0, 1), workload: hotDocument, runName: "w1-1hub" },
      { setup: "Concord, 3 hubs, PostgreSQL", system: "concord", servers: () => hubs, workload: hotDocument, runName: "w1-3hubs" },
      { setup: "ShareDB, 1 server, PostgreSQL + Redis", system: "sharedb", servers: () => sdb.slice(0, 1), workload: hotDocument, runName: "w1-1server" },
      { setup: "ShareDB, 3 servers, PostgreSQL + Redis", system: "sharedb", servers: () => sdb, workload: hotDocument, runName: "w1-3servers" }
    ],
    w2: [
      { setup: "Concord, 1 hub, SQLite", system: "concord", servers: () => [sqliteHub], workload: manyDocuments, runName: "w2-sqlite" },
      { setup: "Concord, 1 hub, PostgreSQL", system: "concord", servers: () => hubs.slice(0, 1), workload: manyDocuments, runName: "w2-1hub" },
      { setup: "Concord, 2 hubs, PostgreSQL", system: "concord", servers: () => hubs.slice(0, 2), workload: manyDocuments, runName: "w2-2hubs" },
      { setup: "ShareDB, 1 server, PostgreSQL + Redis", system: "sharedb", servers: () => sdb.slice(0, 1), workload: manyDocuments, runName: "w2-1server" },
      { setup: "ShareDB, 2 servers, PostgreSQL + Redis", system: "sharedb", servers: () => sdb.slice(0, 2), workload: manyDocuments, runName: "w2-2servers" }
    ]
  }
}

/** A run's figures, and for Concord the batches each hub committed and forwarded to the hub holding their document's lease. */
type ClusterFigures = TypingFigures & { committedEach?: number[]; forwardedEach?: number[] }

/** The batches a Concord hub committed and forwarded so far (its /metrics). */
async function hubCounts(server: ServerHandle): Promise<{ committed: number; forwarded: number }> {
  return (await fetch(`${server.url}/metrics`)).json()
}

/** Measure `run`; a failure becomes its outcome. */
async function measure(run: Run, meters: CpuMeter[]): Promise<SetupOutcome<ClusterFigures>> {
  const began = Date.now()
  let outcome: SetupOutcome<ClusterFigures>
  try {
    const servers = run.servers()
    const concord = run.system == "concord"
    const before = concord ? await Promise.all(servers.map(hubCounts)) : []
    const typed: ClusterFigures = await runTyping(run.system, servers, run.workload, run.runName, meters)
    if (concord) {
      const after = await Promise.all(servers.map(hubCounts))
      typed.committedEach = after.map((a, i) => a.committed - before[i].committed)
      typed.forwardedEach = after.map((a, i) => a.forwarded - before[i].forwarded)
    }
    outcome = { setup: run.setup, figures: typed }
  } catch (error) {
    outcome = { setup: run.setup, failed: String(error instanceof Error ? error.message : error).split("\n")[0].slice(0, 300) }
  }
  process.stderr.write(`${run.runName} | ${run.setup}: ${JSON.stringify("figures" in outcome ? outcome.figures : outcome)} (${((Date.now() - began) / 1000).toFixed(1)} s, load ${loadAverage()})\n`)
  return outcome
}

const figures = (outcomes: SetupOutcome<ClusterFigures>[], setup: string) => {
  const found = outcomes.find(o => o.setup == setup)
  return found && "figures" in found ? found.figures : null
}
const number = (digits: number, pick: (f: ClusterFigures) => number): ((f: ClusterFigures) => string) => f => formatNumber(pick(f), digits)
const cores = (value: number) => formatNumber(value, 2)
/** Each hub's batches committed and forwarded, as "c1 + c2 / f1 + f2"; empty for ShareDB. */
const routed = (f: ClusterFigures) => f.committedEach ? `${f.committedEach.join(" + ")} / ${f.forwardedEach!.join(" + ")}` : ""

function w1Table(outcomes: SetupOutcome<ClusterFigures>[]): string {
  const baseline = figures(outcomes, "Concord, 1 hub, SQLite")
  const columns: SetupColumn<ClusterFigures>[] = [
    { title: "committed ops/s", cell: number(0, f => f.opsPerSecond) },
    { title: "p50 submit → other client, ms", cell: number(1, f => f.p50) },
    { title: "p99 submit → other client, ms", cell: number(1, f => f.p99) },
    { title: `p99 after the first ${warmupMs / 1000} s, ms`, cell: number(1, f => f.steadyP99) },
    { title: "longest wait for an ack, ms", cell: number(0, f => f.longestWait) },
    { title: "deliveries missing", cell: number(0, f => f.missingDeliveries) },
    { title: "submits refused", cell: number(0, f => f.refused) },
    { title: "CPU of each server, cores", cell: f => f.serverCpuEach.map(cores).join(" + ") },
    { title: "batches committed / forwarded, each hub", cell: routed },
    { title: "PostgreSQL CPU, cores", cell: f => cores(f.meteredCpu.postgres) }
  ]
  const table = setupTable(columns, outcomes)
  const clustered = figures(outcomes, "Concord, 3 hubs, PostgreSQL")
  if (!baseline || !clustered) return table
  const p99Met = clustered.p99 <= 2 * baseline.p99 && clustered.missingDeliveries == 0
  const waitMet = clustered.longestWait <= 1000 && clustered.refused == 0
  return `${table}\n\nTarget (issue #20), Concord on 3 hubs: p99 within 2× of 1 hub on SQLite (${formatNumber(clustered.p99, 1)} vs 2 × ${formatNumber(baseline.p99, 1)} ms, every op delivered): ${p99Met ? "met" : "**short**"}; no op waiting over 1 s (longest ${formatNumber(clustered.longestWait, 0)} ms, none refused): ${waitMet ? "met" : "**short**"}.`
}

function w2Table(outcomes: SetupOutcome<ClusterFigures>[]): string {
  const scaling = (two: string, one: string) => {
    const a = figures(outcomes, two), b = figures(outcomes, one)
    return a && b ? a.opsPerSecond / b.opsPerSecond : NaN
  }
  const columns: SetupColumn<ClusterFigures>[] = [
    { title: "committed steps/s", cell: number(0, f => f.opsPerSecond) },
    { title: "p99 submit → other client, ms", cell: number(1, f => f.p99) },
    { title: "longest wait for an ack, ms", cell: number(0, f => f.longestWait) },
    { title: "deliveries missing", cell: number(0, f => f.missingDeliveries) },
    { title: "submits refused", cell: number(0, f => f.refused) },
    { title: "CPU of each server, cores", cell: f => f.serverCpuEach.map(cores).join(" + ") },
    { title: "batches committed / forwarded, each hub", cell: routed },
    { title: "PostgreSQL CPU, cores", cell: f => cores(f.meteredCpu.postgres) },
    { title: "Redis CPU, cores", cell: f => cores(f.meteredCpu.redis) },
    { title: "clients' CPU, cores", cell: f => cores(f.clientCpu) },
    { title: "server CPU ms per step", cell: number(3, f => (f.serverCpu * 1000) / f.opsPerSecond) }
  ]
  const concord = scaling("Concord, 2 hubs, PostgreSQL", "Concord, 1 hub, PostgreSQL")
  const sharedb = scaling("ShareDB, 2 servers, PostgreSQL + Redis", "ShareDB, 1 server, PostgreSQL + Redis")
  return `${setupTable(columns, outcomes)}\n\n2 servers ÷ 1 in committed steps/s: Concord ${formatNumber(concord, 2)}×, ShareDB ${formatNumber(sharedb, 2)}×. Target (issue #20), Concord ≥ 1.6×: ${concord >= 1.6 ? "met" : "**short**"}.`
}

function failures(outcomes: SetupOutcome<ClusterFigures>[], workload: string): string[] {
  return outcomes.flatMap(o => [
    ...("failed" in o ? [`${workload}, ${o.setup}: failed: ${o.failed}`] : []),
    ...("figures" in o && o.figures.firstRefusal ? [`${workload}, ${o.setup}: ${o.figures.refused} submits refused, the first with: ${o.figures.firstRefusal}`] : [])
  ])
}

const began = Date.now()
const loads = [`start: ${loadAverage()}`]
const w1: SetupOutcome<ClusterFigures>[] = [], w2: SetupOutcome<ClusterFigures>[] = []
let cluster: Cluster | null = null
try {
  cluster = await startCluster()
  const meters = backingMeters(cluster)
  const planned = runs(cluster)
  for (const run of planned.w1) w1.push(await measure(run, meters))
  loads.push(`after W1: ${loadAverage()}`)
  for (const run of planned.w2) w2.push(await measure(run, meters))
  loads.push(`after W2: ${loadAverage()}`)
} catch (error) {
  console.error(`bench:cluster could not start its PostgreSQL, Redis and servers: ${error instanceof Error ? error.message : error}`)
  killAll()
  process.exit(1)
} finally {
  if (cluster) await stopCluster(cluster).catch(error => console.error(`stopping the cluster: ${error}`))
  killAll()
}
const command = `npm run bench:cluster${args.length ? ` -- ${args.join(" ")}` : ""}`
console.log(`\n${machine()}; ${new Date().toISOString()}; \`${command}\`; ${((Date.now() - began) / 1000).toFixed(0)} s`)
console.log(`Load average (1, 5, 15 min): ${loads.join("; ")}\n`)
console.log(`W1 hot document, 50 clients × 5 keys/s, ${seconds} s, client i on server i % (servers):\n`)
console.log(w1Table(w1))
console.log(`\nW2 across 100 documents, 200 clients (2 a document, on different servers when there are 2) each typing its next character once the last is acknowledged, ${seconds} s:\n`)
console.log(w2Table(w2))
console.log("\nTimes in ms; CPU in cores over the typing window (1 step per op: each op inserts one character). Deliveries missing: ops acknowledged in the window that never reached a watching client of their document on any server.")
const notes = [...failures(w1, "W1"), ...failures(w2, "W2")]
if (notes.length) console.log(`\n${notes.map(n => `- ${n}`).join("\n")}`)
process.exit(0)
