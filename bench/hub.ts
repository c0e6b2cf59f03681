// `npm run bench:hub [-- --quick]`: one hot document, clients in separate processes, against a real server process.
import { fork, type ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"
import { cpus } from "node:os"
import { startServerProcess, removeDataDir } from "../tests/support/server-process"
import { LightClient } from "./light-client"

const quick = process.argv.includes("--quick")
const seconds = quick ? 5 : 20
const workers = 5

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function rssKB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1])
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN
}

async function run(mode: "paced" | "saturate", clients: number, rate: number) {
  const server = await startServerProcess({ env: { CONCORD_LOG_LEVEL: "error" } })
  const docId = `bench-${mode}-${clients}`
  const creator = new LightClient(server.url, docId, "creator")
  await creator.join(true)
  creator.close()
  const procs: ChildProcess[] = []
  const results: Promise<any>[] = []
  for (let w = 0; w < workers; w++) {
    const ids = Array.from({ length: clients / workers }, (_, i) => `w${w}c${i}`)
    const child = fork(new URL("./hub-worker.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"] })
    procs.push(child)
    const ready = new Promise(resolve => child.once("message", resolve))
    child.send({ url: server.url, docId, ids, mode, rate, seconds })
    await ready
    results.push(new Promise(resolve => child.once("message", resolve)))
  }
  const serverPid = server.child.pid!
  const cpu0 = cpuSeconds(serverPid)
  const t0 = Date.now()
  for (const p of procs) p.send({ go: true })
  const outputs = await Promise.all(results)
  const elapsed = (Date.now() - t0) / 1000
  const serverCpu = cpuSeconds(serverPid) - cpu0
  const submitted = new Map<string, number>()
  for (const o of outputs) for (const [c, s, t] of o.submits) submitted.set(c + "/" + s, t)
  const latencies: number[] = []
  for (const o of outputs) for (const [c, s, t] of o.arrivals) {
    const sent = submitted.get(c + "/" + s)
    if (sent != null && c != o.observer) latencies.push(t - sent)
  }
  latencies.sort((a, b) => a - b)
  const version = Math.max(...outputs.flatMap(o => o.versions))
  const rss = rssKB(serverPid)
  const clientCpu = outputs.reduce((n, o) => n + o.cpu, 0) / elapsed
  const longestWait = Math.max(...outputs.flatMap(o => o.waits))
  await server.stop()
  removeDataDir(server.dataDir)
  return {
    mode, clients, committed: version, opsPerSecond: version / seconds, elapsed,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1],
    serverCpu: serverCpu / elapsed, clientCpu, longestWait, rssMB: rss / 1024
  }
}

const rows = []
rows.push(await run("paced", 10, 5))
rows.push(await run("paced", 50, 5))
rows.push(await run("saturate", 50, 0))
console.log(`\nMachine: ${cpus().length} cores, ${cpus()[0].model}, node ${process.version}; ${seconds} s per workload, clients in ${workers} processes\n`)
console.log("| workload | clients | committed ops | ops/s | p50 ms | p99 ms | max ms | longest ack wait ms | server CPU (cores) | client CPU (cores) | server RSS MB |")
console.log("|---|---|---|---|---|---|---|---|---|---|---|")
for (const r of rows) {
  const name = r.mode == "paced" ? "hot document, 5 keys/s each" : "saturation"
  console.log(`| ${name} | ${r.clients} | ${r.committed} | ${r.opsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.longestWait.toFixed(1)} | ${r.serverCpu.toFixed(2)} | ${r.clientCpu.toFixed(2)} | ${r.rssMB.toFixed(0)} |`)
}
