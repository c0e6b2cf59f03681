// `npm run bench [-- --quick] [--only=w1,w2,w3,w4,w5,w6] [--systems=concord,sharedb,rebase,yjs] [--profile]`
// Runs every workload of issue #7 (and #21's W6) against Concord and its peers (ShareDB, a reject-and-retry
// authority, a Yjs relay) on this machine, one system after another, and prints one markdown table.
// --quick runs shortened versions, with one server per system shared by W1, W2 and W3 (a full
// run starts a fresh server for every workload and system); --profile runs Concord's server and
// Concord's client processes under the V8 CPU profiler and prints where their time went.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { killAll, onExit, profileWorkers } from "./harness/child-processes"
import { formatSummary, profilesIn, summarizeProfiles } from "./harness/cpu-profile"
import { loadAverage, machine } from "./harness/measure"
import { failureNotes, markdownTable, type Row } from "./harness/report"
import { systemNames, type SystemName } from "./peers/load-clients"
import { startSystem, systemLabels, type ServerHandle } from "./peers/systems"
import { hotDocument } from "./workloads/w1-hot-document"
import { saturation } from "./workloads/w2-saturation"
import { trace } from "./workloads/w3-trace"
import { scale } from "./workloads/w4-scale"
import { offlineMerge } from "./workloads/w5-offline-merge"
import { longDocument } from "./workloads/w6-long-document"
import type { Results, Workload } from "./workloads/workload"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const profile = args.includes("--profile")
const option = (name: string) => args.find(a => a.startsWith(`--${name}=`))?.split("=")[1]?.split(",")
const only = option("only")
const systems = (option("systems") ?? systemNames) as SystemName[]
const root = fileURLToPath(new URL("..", import.meta.url))
// Concord's benchmark clients join with the link tokens of the documents they create; the worker
// processes (forked with this environment) share them through this folder (tests/support/link-registry.ts).
const linksDir = (process.env.CONCORD_TEST_LINKS_DIR = mkdtempSync(join(tmpdir(), "concord-bench-links-")))
onExit(() => rmSync(linksDir, { recursive: true, force: true }))

/** The workloads by name, at the issue's sizes or shortened ones for --quick. */
const workloads: [string, Workload<any>[]][] = quick
  ? [
      ["w1", [hotDocument(10, { seconds: 3, workers: 5, rate: 5 }), hotDocument(50, { seconds: 3, workers: 5, rate: 5 })]],
      ["w2", [saturation({ seconds: 3, workers: 5 })]],
      ["w3", [trace({ patches: 20_000, chunk: 1000, timeoutMs: 30_000 })]],
      ["w4", [scale({ idleConnections: 200, warmConnections: 100, documents: 20, clientsPerDoc: 5, charsPerClient: 10, workers: 2, settleMs: 300 })]],
      ["w5", [offlineMerge(1000, 30_000, 1)]],
      ["w6", [longDocument({ characters: 100_000, clients: 20, typists: 5, rate: 5, seconds: 10, workers: 5 })]]
    ]
  : [
      ["w1", [hotDocument(10, { seconds: 20, workers: 5, rate: 5 }), hotDocument(50, { seconds: 20, workers: 5, rate: 5 })]],
      ["w2", [saturation({ seconds: 20, workers: 5 })]],
      ["w3", [trace({ patches: null, chunk: 1000, timeoutMs: 240_000 })]],
      ["w4", [scale({ idleConnections: 5000, warmConnections: 500, documents: 200, clientsPerDoc: 5, charsPerClient: 10, workers: 4, settleMs: 1000 })]],
      ["w5", [offlineMerge(1000, 120_000, 5), offlineMerge(10_000, 120_000, 5)]],
      ["w6", [longDocument({ characters: 100_000, clients: 20, typists: 5, rate: 5, seconds: 20, workers: 5 })]]
    ]

const rows: Row[] = []
const notes: string[] = []
const profiles: string[] = []
const loads: string[] = [`start: ${loadAverage()}`]

function profileDir(system: SystemName): string | undefined {
  return profile && system == "concord" ? mkdtempSync(join(tmpdir(), "concord-prof-")) : undefined
}

function collectProfiles(what: string, dir: string | undefined): void {
  if (!dir) return
  const files = profilesIn(dir)
  if (files.length) profiles.push(formatSummary(what, summarizeProfiles(files, root, 12)))
  rmSync(dir, { recursive: true, force: true })
}

// A --quick run shares one server per system between the workloads that take a given server.
const shared = new Map<SystemName, { server: ServerHandle; dir?: string }>()

async function measure<F>(workload: Workload<F>, system: SystemName): Promise<F> {
  const clientDir = profileDir(system)
  profileWorkers(clientDir ?? null)
  try {
    return await measureOn(workload, system)
  } finally {
    profileWorkers(null)
    collectProfiles(`Concord's clients, ${workload.label}`, clientDir)
  }
}

async function measureOn<F>(workload: Workload<F>, system: SystemName): Promise<F> {
  const m = workload.measure
  if (m.server == "own") {
    const dir = profileDir(system)
    try {
      return await m.run(system, { cpuProfileDir: dir })
    } finally {
      collectProfiles(`Concord's server, ${workload.label}`, dir)
    }
  }
  if (quick) {
    let entry = shared.get(system)
    if (!entry || !entry.server.alive()) {
      const dir = profileDir(system)
      entry = { server: await startSystem(system, { cpuProfileDir: dir }), dir }
      shared.set(system, entry)
    }
    return m.run(system, entry.server)
  }
  const dir = profileDir(system)
  const server = await startSystem(system, { cpuProfileDir: dir })
  try {
    return await m.run(system, server)
  } finally {
    await server.stop()
    collectProfiles(`Concord's server, ${workload.label}`, dir)
  }
}

/** Run a workload once per system, one after another; a failure becomes that system's cells. */
async function runWorkload<F>(workload: Workload<F>): Promise<void> {
  const results: Results<F> = {}
  for (const system of systems) {
    const began = Date.now()
    try {
      results[system] = await measure(workload, system)
    } catch (error) {
      results[system] = { failed: String(error instanceof Error ? error.message : error).split("\n")[0].slice(0, 300) }
    }
    process.stderr.write(`${workload.label} | ${systemLabels[system]}: ${JSON.stringify(results[system])} (${((Date.now() - began) / 1000).toFixed(1)} s, load ${loadAverage()})\n`)
  }
  loads.push(`after ${workload.label.split(",")[0]}: ${loadAverage()}`)
  rows.push(...workload.rows(results))
  notes.push(...workload.notes(results))
}

const began = Date.now()
try {
  for (const [name, list] of workloads) if (!only || only.includes(name)) for (const workload of list) await runWorkload(workload)
  for (const [system, { server, dir }] of shared) {
    await server.stop()
    collectProfiles(`${systemLabels[system]}'s server, every --quick workload but W4 and W6`, dir)
  }
} finally {
  killAll()
}
const command = `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`
console.log(`\n${machine()}; ${new Date().toISOString()}; \`${command}\`; ${((Date.now() - began) / 1000).toFixed(0)} s`)
console.log(`Load average (1, 5, 15 min): ${loads.join("; ")}\n`)
console.log(markdownTable(rows))
console.log("\nConcord ÷ best peer: below 1 is better for times and memory, above 1 for ops/s. Times in ms unless the figure says s.")
const failures = failureNotes(rows)
if (failures.length) console.log(`\nFailures:\n${failures.map(f => `- ${f}`).join("\n")}`)
if (notes.length) console.log(`\n${notes.map(n => `- ${n}`).join("\n")}`)
if (profiles.length) console.log(`\nProfiles:\n${profiles.join("\n")}`)
process.exit(0)
