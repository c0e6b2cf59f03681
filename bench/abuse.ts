// `npm run bench:abuse [-- --seconds=20] [-- --only=submit,presence,...]`: fairness under hostile clients (issue #17). A real server
// with the default budgets; 10 typists at 5 keys/s on one document, their submit-to-ack p50 and p99
// over `seconds` without a flooder, then the same with one flooder (its own process, see
// abuse-flood.ts) per kind of request: submits on another document, presence, history pages,
// docAt, authorship, joins, and sockets that never join. Reads go to a 4,000-op archive document,
// written beforehand with the budgets off. Loopback only; every phase is bounded in time and every
// flood in outstanding requests. The flooder connects from 127.0.0.2, another client address to the
// hub (Linux routes all of 127/8 to loopback). Prints a markdown table for docs/BENCHMARKS.md.
import { once } from "node:events"
import { forkTs } from "./harness/child-processes"
import { loadAverage, machine, percentile } from "./harness/measure"
import { LightClient } from "./light-client"
import { floodKinds, submitDocument, type FloodKind, type FloodOrder, type FloodReport } from "./abuse-flood"
import { knownLinks } from "../tests/support/link-registry"
import { removeDataDir, startServerProcess, type ServerProcess } from "../tests/support/server-process"
import type { Reply, SubmitResult } from "../lib/protocol"

const seconds = Number(process.argv.find(arg => arg.startsWith("--seconds="))?.slice("--seconds=".length) ?? 20)
const only = process.argv.find(arg => arg.startsWith("--only="))?.slice("--only=".length).split(",")
const typists = 10
const keysPerSecond = 5
const archive = "archive"
const archiveOps = 4_000
const stepsPerArchiveOp = 10
/** The flooder's client address: another machine as far as the hub can tell (the typists use 127.0.0.1). */
const flooderAddress = "127.0.0.2"

/** Write the archive document: `archiveOps` ops of `stepsPerArchiveOp` one-word inserts each. */
async function writeArchive(url: string): Promise<void> {
  const writer = new LightClient(url, archive, "archivist")
  await writer.join(true)
  for (let seq = 1; seq <= archiveOps; seq++) {
    const steps = Array.from({ length: stepsPerArchiveOp }, () => ({ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: `w${seq} ` }] } }))
    const reply: Reply<SubmitResult> = await writer.socket.emitWithAck("submit", { docId: archive, clientId: "archivist", seq, baseVersion: seq - 1, steps })
    if (!reply.ok) throw new Error(`archive op ${seq}: ${reply.error.message}`)
  }
  writer.close()
}

/** `promise`, or a rejection naming `what` after `ms`. */
function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms) })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The hub's refusal counts, from /metrics (the bench runs on loopback). */
async function refusals(server: ServerProcess): Promise<{ rateLimited: number; connectionsRefused: number }> {
  return (await fetch(`${server.url}/metrics`)).json()
}

interface Phase {
  p50: number
  p99: number
  samples: number
  errors: string[]
  flood: FloodReport | null
  hubRefused: number
  hubHandshakesRefused: number
}

/** Typists on a document of their own for `seconds`, beside a flooder of `kind` (none: the clean run). */
async function phase(server: ServerProcess, kind: FloodKind | null): Promise<Phase> {
  const docId = `typing-${kind ?? "clean"}`
  const clients = Array.from({ length: typists }, (_, i) => new LightClient(server.url, docId, `typist-${i}`))
  await withinMs(clients[0].join(true), 30_000, "typist's join")
  for (const client of clients.slice(1)) await withinMs(client.join(), 30_000, "typist's join")
  const before = await refusals(server)
  const flooder = kind ? forkTs(new URL("./abuse-flooder.ts", import.meta.url).pathname) : null
  // Started once the flooder has loaded, so that the flood and the typing cover the same seconds.
  if (flooder) await once(flooder, "message")
  const report = flooder ? once(flooder, "message").then(([message]) => message as FloodReport) : Promise.resolve(null)
  if (flooder && kind) flooder.send({ url: server.url, localAddress: flooderAddress, kind, seconds, archive, head: archiveOps, tokens } satisfies FloodOrder)

  const latencies: number[] = []
  const errors: string[] = []
  const typed: Promise<void>[] = []
  const interval = 1000 / keysPerSecond
  const end = performance.now() + seconds * 1000
  await Promise.all(clients.map(async (client, i) => {
    // Spread over the interval, as people do not type in step.
    await new Promise(resolve => setTimeout(resolve, (i * interval) / typists))
    for (let next = performance.now(); next < end; next += interval) {
      await new Promise(resolve => setTimeout(resolve, Math.max(0, next - performance.now())))
      // One keystroke in flight per typist, as the client library sends one batch at a time.
      if (client.inflight) continue
      const sent = performance.now()
      typed.push(withinMs(client.typeOne(), 30_000, "acknowledgement").then(() => void latencies.push(performance.now() - sent), error => void errors.push(String(error.message))))
    }
  }))
  await Promise.all(typed)
  const flood = await withinMs(report, 60_000, "flooder's report")
  const after = await refusals(server)
  for (const client of clients) client.close()
  const sorted = latencies.sort((a, b) => a - b)
  return {
    p50: percentile(sorted, 50), p99: percentile(sorted, 99), samples: sorted.length, errors, flood,
    hubRefused: after.rateLimited - before.rateLimited, hubHandshakesRefused: after.connectionsRefused - before.connectionsRefused
  }
}

const started = new Date()
/** The edit links the flooder joins with, made while seeding. */
let tokens: FloodOrder["tokens"] = { archive: "", submit: "" }
const seeding = await startServerProcess({ env: { CONCORD_LOG_LEVEL: "error", CONCORD_RATE_LIMITS: "off" } })
let server: ServerProcess | null = null
try {
  process.stderr.write(`writing the ${archiveOps}-op archive document...\n`)
  await writeArchive(seeding.url)
  const flooding = new LightClient(seeding.url, submitDocument, "flood-seeder")
  await flooding.join(true)
  flooding.close()
  tokens = { archive: knownLinks(archive).edit, submit: knownLinks(submitDocument).edit }
  await seeding.stop()
  server = await startServerProcess({ dataDir: seeding.dataDir, env: { CONCORD_LOG_LEVEL: "error", CONCORD_RATE_LIMITS: "" } })
  const results: [string, Phase][] = []
  for (const kind of [null, ...floodKinds.filter(kind => !only || only.includes(kind))]) {
    // Every budget the flooder spends refills within 10 s: each flood starts on full budgets.
    if (kind) await new Promise(resolve => setTimeout(resolve, 11_000))
    process.stderr.write(`${kind ?? "clean"}: ${seconds} s...\n`)
    results.push([kind ?? "none (clean)", await phase(server, kind)])
  }
  const clean = results[0][1]
  const lines = [
    `Machine: ${machine()}; load average before: ${loadAverage()}. ${started.toISOString().slice(0, 10)}, \`npm run bench:abuse -- --seconds=${seconds}\`.`,
    `${typists} typists at ${keysPerSecond} keys/s on one document for ${seconds} s per row, default budgets; flooder in its own process from another client address (${flooderAddress}), 64 requests outstanding, reconnecting when disconnected.`,
    "",
    "| flooder | acks | typists' p50 (ms) | p99 (ms) | p99 ÷ clean | typist errors | flooder sent | answered, not limited | refused by the hub | flooder disconnected | handshakes refused | target (p99 ≤ 2× clean) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  ]
  for (const [name, result] of results) {
    const ratio = result.p99 / clean.p99
    const flood = result.flood
    lines.push(`| ${name} | ${result.samples} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${ratio.toFixed(2)}× | ${result.errors.length} | ${flood ? flood.sent.toLocaleString("en-US") : "–"} | ${flood ? flood.answered.toLocaleString("en-US") : "–"} | ${flood ? result.hubRefused.toLocaleString("en-US") : "–"} | ${flood ? flood.disconnects : "–"} | ${flood ? result.hubHandshakesRefused.toLocaleString("en-US") : "–"} | ${flood ? (ratio <= 2 ? "met" : "**short**") : ""} |`)
  }
  const errors = results.flatMap(([name, result]) => result.errors.map(error => `${name}: ${error}`))
  process.stdout.write(lines.join("\n") + "\n" + (errors.length ? `\nTypist errors:\n${[...new Set(errors)].slice(0, 10).join("\n")}\n` : ""))
} finally {
  await server?.stop()
  await seeding.stop()
  removeDataDir(seeding.dataDir)
}
process.exit(0)
