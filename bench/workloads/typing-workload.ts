// Orchestrator side of W1 and W2: one document, clients spread over worker processes, the system's
// server in its own process; latency is measured from submit to arrival at each worker's observer.
import { Worker, withWorkers } from "../harness/child-processes"
import { cpuSeconds, percentile } from "../harness/measure"
import { now } from "../harness/worker-protocol"
import type { ServerHandle } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import type { TypingParams, TypingResult } from "./typing-task"

/** How one typing workload runs. */
export interface TypingWorkload {
  clients: number
  workers: number
  mode: "paced" | "saturate"
  rate: number
  seconds: number
}

/** What one typing workload measured on one system. */
export interface TypingFigures {
  /** Ops acknowledged within the measured seconds, per second. */
  opsPerSecond: number
  p50: number
  p99: number
  /**
   * The p99 of the ops submitted after the first `warmupMs` (JIT compilation, first allocations: a
   * process that has been serving a while), next to `p99` over the whole run.
   */
  steadyP99: number
  maxLatency: number
  /** The longest any op waited for its acknowledgement (still waiting at the end counts to the end). */
  longestWait: number
  /** Cores of CPU the server used while the clients typed. */
  serverCpu: number
  clientCpu: number
  /** How many (op, observer) arrivals the latency percentiles are taken over. */
  latencySamples: number
}

const graceMs = 10_000
/** What steadyP99 leaves out at the start of a run. */
export const warmupMs = 3_000

/** Run one typing workload against `server`, a server of `system`, on a document of its own. */
export async function runTyping(system: SystemName, server: ServerHandle, workload: TypingWorkload): Promise<TypingFigures> {
  const docId = `typing-${workload.mode}-${workload.clients}`
  const workers: Worker[] = []
  return withWorkers(workers, async () => {
    const perWorker = Math.ceil(workload.clients / workload.workers)
    for (let w = 0; w * perWorker < workload.clients; w++) {
      const names = Array.from({ length: Math.min(perWorker, workload.clients - w * perWorker) }, (_, i) => `w${w}c${i}`)
      const params: TypingParams = { system, url: server.url, docId, names, mode: workload.mode, rate: workload.rate, seconds: workload.seconds, graceMs, create: w == 0 }
      workers.push(Worker.start("typing", params, workload.seconds * 1000 + graceMs + 90_000))
      // The first worker creates the document; the others start once it exists.
      if (w == 0) await workers[0].next("ready", 60_000)
    }
    for (const w of workers.slice(1)) await w.next("ready", 60_000)
    const cpu0 = cpuSeconds(server.pid)
    const begin = now() + 100
    const end = begin + workload.seconds * 1000
    for (const w of workers) w.go({ begin, end })
    const results = (await Promise.all(workers.map(w => w.next("result", workload.seconds * 1000 + graceMs + 30_000)))) as TypingResult[]
    const serverCpu = cpuSeconds(server.pid) - cpu0
    return figures(results, begin, end, serverCpu)
  })
}

function figures(results: TypingResult[], begin: number, end: number, serverCpu: number): TypingFigures {
  const seconds = (end - begin) / 1000
  const submitted = new Map<string, number>()
  for (const r of results) for (const [key, t] of r.submits) submitted.set(key, t)
  const latencies: number[] = [], steady: number[] = []
  for (const r of results) {
    const own = new Set(r.observerKeys)
    for (const [key, t] of r.arrivals) {
      const sent = submitted.get(key)
      if (sent == null || own.has(key)) continue
      latencies.push(t - sent)
      if (sent >= begin + warmupMs) steady.push(t - sent)
    }
  }
  latencies.sort((a, b) => a - b)
  steady.sort((a, b) => a - b)
  const acked = results.reduce((n, r) => n + r.acks.filter(([, at]) => at <= end).length, 0)
  let longestWait = 0
  for (const r of results) {
    for (const [sent, at] of r.acks) longestWait = Math.max(longestWait, at - sent)
    for (const sent of r.unfinished) longestWait = Math.max(longestWait, r.endedAt - sent)
  }
  const elapsed = (Math.max(...results.map(r => r.endedAt)) - begin) / 1000
  return {
    opsPerSecond: acked / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    steadyP99: percentile(steady, 99),
    maxLatency: latencies.length ? latencies[latencies.length - 1] : NaN,
    longestWait,
    serverCpu: serverCpu / elapsed,
    clientCpu: results.reduce((n, r) => n + r.cpu, 0) / elapsed,
    latencySamples: latencies.length
  }
}
