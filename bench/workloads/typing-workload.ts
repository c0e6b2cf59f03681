// Orchestrator side of W1, W2 and W6: clients spread over worker processes, over one or more documents
// and over one or more servers of the system, each in its own process; latency is measured from
// submit to arrival at each worker's observer.
import { Worker, withWorkers } from "../harness/child-processes"
import { cpuSeconds, percentile } from "../harness/measure"
import { now } from "../harness/worker-protocol"
import type { ServerHandle } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import type { TypingParams, TypingResult, TypingSeat } from "./typing-task"

/** How one typing workload runs. */
export interface TypingWorkload {
  clients: number
  workers: number
  mode: "paced" | "saturate"
  rate: number
  seconds: number
  /** Documents the clients type into: client i types into document i % documents (default 1). */
  documents?: number
  /** How many of the clients type, spread evenly over them (default all); the others only receive. */
  typists?: number
  /** The documents exist already (seeded before the run), so no client creates one and all join at once. */
  seeded?: boolean
}

/** A process whose CPU time a typing workload reads over the typing window, besides the servers'. */
export interface CpuMeter {
  name: string
  /** CPU seconds it used so far. */
  seconds(): number
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
  /** Cores of CPU the servers used while the clients typed, added up. */
  serverCpu: number
  /** The same for each server, in the order given. */
  serverCpuEach: number[]
  /** Cores of CPU each of the meters given used while the clients typed, by name. */
  meteredCpu: Record<string, number>
  clientCpu: number
  /** How many (op, observer) arrivals the latency percentiles are taken over. */
  latencySamples: number
  /**
   * Ops acknowledged within the measured seconds that never reached an observer in their document
   * (its own excepted) by the time its worker reported: deliveries lost or still waiting.
   */
  missingDeliveries: number
  /** Submits the system refused, and the first refusal's message. */
  refused: number
  firstRefusal: string | null
  /** Ms from the first client's join until the last one held its document (clients creating one excepted: they join before). */
  joinMs: number
}

const graceMs = 10_000
/** What steadyP99 leaves out at the start of a run. */
export const warmupMs = 3_000

/** The names of the documents of a typing run: `runName` itself when there is one. */
export function typingDocIds(runName: string, documents: number): string[] {
  return Array.from({ length: documents }, (_, d) => (documents == 1 ? runName : `${runName}-d${d}`))
}

/**
 * Run one typing workload against `servers`, servers of `system`, on documents of its own (named
 * after `runName`, see typingDocIds). Client i types into document i % D and connects to server
 * ⌊i / D⌋ % S, so that the clients of each document are spread round-robin over the servers.
 * `onJoined` runs once every client has joined, before any types (W6 reads the server's memory there).
 */
export async function runTyping(system: SystemName, servers: ServerHandle | readonly ServerHandle[], workload: TypingWorkload, runName = `typing-${workload.mode}-${workload.clients}`, meters: readonly CpuMeter[] = [], onJoined?: () => Promise<void>): Promise<TypingFigures> {
  const serverList = Array.isArray(servers) ? servers : [servers as ServerHandle]
  const documents = workload.documents ?? 1
  const docIds = typingDocIds(runName, documents)
  const { clients } = workload
  const typists = workload.typists ?? clients
  const seats: TypingSeat[] = Array.from({ length: clients }, (_, i) => ({
    name: `${runName}-c${i}`, docId: docIds[i % documents], url: serverList[Math.floor(i / documents) % serverList.length].url,
    create: !workload.seeded && i < documents,
    // The last client of every group of clients / typists types (a worker's observer, its first, does not when any only receive).
    types: Math.floor(((i + 1) * typists) / clients) > Math.floor((i * typists) / clients)
  }))
  const workers: Worker[] = []
  return withWorkers(workers, async () => {
    const perWorker = Math.ceil(workload.clients / workload.workers)
    const deadline = workload.seconds * 1000 + graceMs + 90_000
    for (let w = 0; w * perWorker < workload.clients; w++) {
      const params: TypingParams = { system, seats: seats.slice(w * perWorker, (w + 1) * perWorker), mode: workload.mode, rate: workload.rate, seconds: workload.seconds, graceMs }
      workers.push(Worker.start("typing", params, deadline))
    }
    // Every document is created before any client joins it: creators join, then everyone else.
    for (const phase of [0, 1]) {
      if (phase) for (const w of workers) w.go()
      for (const w of workers) await w.next("ready", 60_000)
    }
    await onJoined?.()
    const cpu0 = serverList.map(s => cpuSeconds(s.pid))
    const metered0 = meters.map(m => m.seconds())
    const begin = now() + 100
    const end = begin + workload.seconds * 1000
    for (const w of workers) w.go({ begin, end })
    const results = (await Promise.all(workers.map(w => w.next("result", workload.seconds * 1000 + graceMs + 30_000)))) as TypingResult[]
    const serverCpu = serverList.map((s, i) => cpuSeconds(s.pid) - cpu0[i])
    const metered = Object.fromEntries(meters.map((m, i) => [m.name, m.seconds() - metered0[i]]))
    return figures(results, begin, end, serverCpu, metered)
  })
}

function figures(results: TypingResult[], begin: number, end: number, serverCpu: number[], metered: Record<string, number>): TypingFigures {
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
  const cores = (cpu: number) => cpu / elapsed
  return {
    opsPerSecond: acked / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    steadyP99: percentile(steady, 99),
    maxLatency: latencies.length ? latencies[latencies.length - 1] : NaN,
    longestWait,
    serverCpu: cores(serverCpu.reduce((a, b) => a + b, 0)),
    serverCpuEach: serverCpu.map(cores),
    meteredCpu: Object.fromEntries(Object.entries(metered).map(([name, cpu]) => [name, cores(cpu)])),
    clientCpu: cores(results.reduce((n, r) => n + r.cpu, 0)),
    latencySamples: latencies.length,
    missingDeliveries: missingDeliveries(results, end),
    refused: results.reduce((n, r) => n + r.refused, 0),
    firstRefusal: results.find(r => r.firstRefusal)?.firstRefusal ?? null,
    joinMs: Math.max(...results.map(r => r.joining.to)) - Math.min(...results.map(r => r.joining.from))
  }
}

/** Ops acknowledged by `end` that some observer of their document (not their author) never received. */
function missingDeliveries(results: readonly TypingResult[], end: number): number {
  let missing = 0
  for (const r of results) {
    const own = new Set(r.observerKeys)
    const arrived = new Set(r.arrivals.map(([key]) => key))
    for (const other of results)
      for (const [, at, key, docId] of other.acks) if (at <= end && docId == r.observedDoc && !own.has(key) && !arrived.has(key)) missing++
  }
  return missing
}
