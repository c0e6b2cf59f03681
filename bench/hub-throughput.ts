// `npm run bench:throughput [-- --seconds=S]`: the hub's own capacity in one process, without sockets:
// the submit pipeline (validation, dedup, transform, apply, summary, group commit to SQLite in WAL
// mode, acknowledgement) driven by simulated clients that each submit a batch at the version they last
// saw and wait for its acknowledgement before the next, as the Socket.IO clients of `bench:hub` do.
// One hot document with 50 clients, then 100 documents with 5 clients each; batches of one keystroke
// and of 10 keystrokes. Prints a markdown table of committed steps/s, ops/s and acknowledgement times.
// `-- --seconds=S` sets each row's length (5 s), `-- --only=3` runs only the third row (or `--only=1,3`).
import { mkdtempSync, rmSync } from "node:fs"
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { Hub } from "../server/hub/hub"
import { SqliteStorage } from "../server/storage/sqlite-storage"
import { createLogger } from "../server/log"
import type { StepJSON } from "../lib/protocol"

const seconds = Number(process.argv.find(a => a.startsWith("--seconds="))?.slice(10) ?? 5)
/** `--only=3` (or `--only=1,3`): run only those rows of the table, numbered from 1. */
const only = process.argv.find(a => a.startsWith("--only="))?.slice(7).split(",").map(Number)

interface Scenario {
  label: string
  documents: number
  clientsPerDocument: number
  stepsPerBatch: number
}

interface Figures {
  steps: number
  ops: number
  p50: number
  p99: number
  longest: number
  cpu: number
  wall: number
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN
}

async function run(scenario: Scenario): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), "concord-throughput-"))
  const storage = new SqliteStorage({ file: join(dir, "concord.db") })
  const hub = new Hub({ storage, log: createLogger("error"), maxDocuments: scenario.documents + 10 })
  const docIds = Array.from({ length: scenario.documents }, (_, i) => `throughput-${i}`)
  const clients: { docId: string; clientId: string; version: number; seq: number }[] = []
  for (const docId of docIds) {
    const { links } = await hub.create({ docId })
    for (let c = 0; c < scenario.clientsPerDocument; c++) {
      const clientId = `${docId}-c${c}`
      const joined = await hub.join({ docId, clientId, secret: `bench-secret-${clientId}`, token: links.edit, version: null, user: { name: clientId, color: "#224488" } }, clientId, () => {})
      clients.push({ docId, clientId, version: joined.version, seq: 0 })
    }
  }
  const waits: number[] = []
  let steps = 0, ops = 0
  const start = performance.now()
  const end = start + seconds * 1000
  const cpu0 = process.cpuUsage()
  await Promise.all(clients.map(async client => {
    while (performance.now() < end) {
      // Every document is one paragraph that only grows, each op by a batch's keystrokes: its length at
      // the version the client last saw is all it needs to pick a place that fits that version.
      const length = client.version * scenario.stepsPerBatch
      const batch: StepJSON[] = []
      // Keystrokes typed one after another at a random place, on the version the client last saw.
      const at = 1 + Math.floor(Math.random() * (length + 1))
      for (let k = 0; k < scenario.stepsPerBatch; k++) batch.push({ stepType: "replace", from: at + k, to: at + k, slice: { content: [{ type: "text", text: "x" }] } })
      const sent = performance.now()
      const result = await hub.submit({ docId: client.docId, clientId: client.clientId, seq: ++client.seq, baseVersion: client.version, steps: batch }, { name: client.clientId, color: "#224488" })
      waits.push(performance.now() - sent)
      client.version = result.version
      steps += batch.length
      ops++
    }
  }))
  const wall = (performance.now() - start) / 1000
  const cpuUsage = process.cpuUsage(cpu0)
  await hub.close()
  // Also stops the store's checkpoint thread, which would otherwise keep the process alive at the end.
  await storage.close()
  rmSync(dir, { recursive: true, force: true })
  waits.sort((a, b) => a - b)
  return {
    steps: steps / wall, ops: ops / wall, p50: percentile(waits, 50), p99: percentile(waits, 99), longest: waits[waits.length - 1],
    cpu: (cpuUsage.user + cpuUsage.system) / 1e6 / wall, wall
  }
}

const scenarios: Scenario[] = [
  { label: "1 document, 50 clients, 1 step per batch", documents: 1, clientsPerDocument: 50, stepsPerBatch: 1 },
  { label: "1 document, 50 clients, 10 steps per batch", documents: 1, clientsPerDocument: 50, stepsPerBatch: 10 },
  { label: "100 documents × 5 clients, 1 step per batch", documents: 100, clientsPerDocument: 5, stepsPerBatch: 1 },
  { label: "100 documents × 5 clients, 10 steps per batch", documents: 100, clientsPerDocument: 5, stepsPerBatch: 10 }
]

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
console.log(`${availableParallelism()} cores (${cpus()[0]?.model.trim()}), node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map(l => l.toFixed(2)).join(", ")}, ${seconds} s per row`)
console.log("")
console.log("| scenario | committed steps/s | committed ops/s | ack p50, ms | ack p99, ms | longest ack, ms | hub process CPU, cores |")
console.log("|---|---:|---:|---:|---:|---:|---:|")
for (const [i, scenario] of scenarios.entries()) {
  if (only && !only.includes(i + 1)) continue
  const f = await run(scenario)
  console.log(`| ${scenario.label} | ${fmt(f.steps)} | ${fmt(f.ops)} | ${fmt(f.p50, 1)} | ${fmt(f.p99, 1)} | ${fmt(f.longest)} | ${fmt(f.cpu, 2)} |`)
}
