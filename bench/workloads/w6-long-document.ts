// W6: a long document. A document of about 100,000 characters, seeded by one client of the system
// before anything is measured, is opened by many clients at once (tabs); a few of them type at
// random places while the others only receive. Latency as W1 measures it, the time for the clients
// to join, and the server's memory (after full collections, as W4 reads it) once all have joined.
import { Worker, withWorkers } from "../harness/child-processes"
import { startProbedServer, type Kilobytes } from "../harness/probed-server"
import { systemLabels, type StartOptions } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import type { SeedParams, SeedResult } from "./seed-task"
import { runTyping, typingDocIds, warmupMs, type TypingFigures } from "./typing-workload"
import { cells, succeeded, type Workload } from "./workload"

/** W6's sizes. */
export interface LongDocumentSizes {
  /** The document's length before the clients join, at most (whole paragraphs). */
  characters: number
  clients: number
  /** How many of the clients type; the others only receive. */
  typists: number
  rate: number
  seconds: number
  workers: number
}

/** What W6 measured on one system. */
export interface LongDocumentFigures extends TypingFigures {
  seeded: SeedResult
  /** The server's memory when started, and once the document was loaded and every client had joined. */
  memoryAtStart: Kilobytes
  memoryJoined: Kilobytes
}

const runName = "long-document"
const seedTimeoutMs = 120_000

/** Seed the document through one client of `system`, in a worker as every client runs. */
async function seed(system: SystemName, url: string, characters: number): Promise<SeedResult> {
  const workers: Worker[] = []
  return withWorkers(workers, async () => {
    const params: SeedParams = { system, url, docId: typingDocIds(runName, 1)[0], characters, paragraphsPerTransaction: 100, timeoutMs: seedTimeoutMs }
    const worker = Worker.start("seed", params, seedTimeoutMs + 60_000)
    workers.push(worker)
    return (await worker.next("result", seedTimeoutMs + 30_000)) as SeedResult
  })
}

/** Run W6 against a fresh server of `system` (its memory must owe nothing to other workloads). */
export async function runLongDocument(system: SystemName, sizes: LongDocumentSizes, start: StartOptions = {}): Promise<LongDocumentFigures> {
  const probed = await startProbedServer(system, start)
  try {
    const memoryAtStart = await probed.memory()
    const seeded = await seed(system, probed.server.url, sizes.characters)
    let memoryJoined: Kilobytes | null = null
    const typed = await runTyping(
      system, probed.server,
      { clients: sizes.clients, typists: sizes.typists, workers: sizes.workers, rate: sizes.rate, seconds: sizes.seconds, mode: "paced", seeded: true },
      runName, [], async () => void (memoryJoined = await probed.memory())
    )
    return { ...typed, seeded, memoryAtStart, memoryJoined: memoryJoined! }
  } finally {
    await probed.stop()
  }
}

/** W6 at the sizes given. */
export function longDocument(sizes: LongDocumentSizes): Workload<LongDocumentFigures> {
  const label = `W6 long document, ${sizes.characters.toLocaleString("en-US")} characters, ${sizes.clients} clients, ${sizes.typists} typing × ${sizes.rate} keys/s, ${sizes.seconds} s`
  const mb = (kb: number) => kb / 1024
  return {
    label,
    measure: { server: "own", run: (system, start) => runLongDocument(system, sizes, start) },
    rows: results => [
      { workload: label, metric: "p50 submit → other client, ms", better: "lower", digits: 1, cells: cells(results, f => f.p50) },
      { workload: label, metric: "p99 submit → other client, ms", better: "lower", digits: 1, cells: cells(results, f => f.p99) },
      { workload: label, metric: `p99 after the first ${warmupMs / 1000} s, ms`, better: "lower", digits: 1, cells: cells(results, f => f.steadyP99) },
      { workload: label, metric: "longest wait for an ack, ms", better: "lower", digits: 0, cells: cells(results, f => f.longestWait) },
      { workload: label, metric: `server RSS, document loaded and ${sizes.clients} joined, MB`, better: "lower", digits: 1, cells: cells(results, f => mb(f.memoryJoined.rss)) },
      { workload: label, metric: `server JS heap, document loaded and ${sizes.clients} joined, MB`, better: "lower", digits: 1, cells: cells(results, f => mb(f.memoryJoined.heap)) },
      { workload: label, metric: `ms for the ${sizes.clients} clients to join (first join → last holding it)`, better: "lower", digits: 0, cells: cells(results, f => f.joinMs) }
    ],
    notes: results => Object.entries(results).flatMap(([system, r]) => succeeded(r)
      ? [`W6, ${systemLabels[system as SystemName]}: seeded ${r.seeded.characters.toLocaleString("en-US")} characters in ${r.seeded.paragraphs.toLocaleString("en-US")} paragraphs; server RSS ${mb(r.memoryAtStart.rss).toFixed(1)} → ${mb(r.memoryJoined.rss).toFixed(1)} MB, JS heap ${mb(r.memoryAtStart.heap).toFixed(1)} → ${mb(r.memoryJoined.heap).toFixed(1)} MB (at start → document loaded and every client joined); ${r.opsPerSecond.toFixed(0)} committed ops/s, ${r.latencySamples.toLocaleString("en-US")} arrivals timed, ${r.missingDeliveries} missing, ${r.refused} refused.`]
      : [])
  }
}
