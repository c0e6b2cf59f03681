// W4: server memory per idle connection and per document. The server's memory is read after a
// full garbage collection (bench/harness/server-probe.mjs), once warm-up connections are open, and
// after opening the measured idle connections, then after opening documents with a few clients each; the differences are divided
// by the counts. Resident set (RSS, what the machine pays) and JS heap (what the code keeps) both.
import { Worker, withWorkers } from "../harness/child-processes"
import { sleep } from "../harness/measure"
import { startProbedServer, type Kilobytes } from "../harness/probed-server"
import { systemLabels, type StartOptions } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import type { DocumentsParams, IdleParams } from "./scale-task"
import { cells, succeeded, type Workload } from "./workload"

/** How W4 runs. */
export interface ScaleWorkload {
  idleConnections: number
  /**
   * Idle connections opened before the first reading and kept open: they pay the server's one-off
   * costs (the young generation growing to its working size, code compiled on first use), so
   * that the readings after them show what each further connection costs.
   */
  warmConnections: number
  documents: number
  clientsPerDoc: number
  charsPerClient: number
  workers: number
  /** Pause before each reading, for the server to finish what the clients set off. */
  settleMs: number
}

/** What W4 measured on one system. */
export interface ScaleFigures {
  perIdleConnection: Kilobytes
  /** Per document with its clients, less what as many idle connections cost. */
  perDocument: Kilobytes
  /** Per document with its clients, everything included. */
  perDocumentWithClients: Kilobytes
  /** The readings, in MB: before, with the idle connections, with the documents too. */
  readingsMB: Kilobytes[]
}

function per(after: Kilobytes, before: Kilobytes, count: number): Kilobytes {
  return { rss: (after.rss - before.rss) / count, heap: (after.heap - before.heap) / count }
}

function split<T>(items: T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, p) => items.filter((_, i) => i % parts == p))
}

/** Run W4 against a fresh server of `system` (its memory must owe nothing to other workloads). */
export async function runScale(system: SystemName, workload: ScaleWorkload, start: StartOptions = {}): Promise<ScaleFigures> {
  const probed = await startProbedServer(system, start)
  const { server, memory } = probed
  const workers: Worker[] = []
  try {
    return await withWorkers(workers, async () => {
      const deadline = 300_000
      const idleWorkers = (count: number, parts: number) => split(Array.from({ length: count }, (_, i) => i), parts).map(part => {
        const params: IdleParams = { system, url: server.url, count: part.length, concurrency: 25 }
        return Worker.start("idle", params, deadline)
      })
      const warm = idleWorkers(workload.warmConnections, 1)
      const idle = idleWorkers(workload.idleConnections, workload.workers)
      const docs = split(Array.from({ length: workload.documents }, (_, i) => `doc${i}`), workload.workers).map((docIds, w) => {
        const params: DocumentsParams = { system, url: server.url, warmDocId: `warm${w}`, docIds, clientsPerDoc: workload.clientsPerDoc, charsPerClient: workload.charsPerClient, concurrency: 10 }
        return Worker.start("documents", params, deadline)
      })
      workers.push(...warm, ...idle, ...docs)
      const all = async (group: Worker[], data?: unknown) => {
        for (const w of group) w.go(data)
        await Promise.all(group.map(w => w.next("ready", 120_000)))
      }
      await Promise.all(workers.map(w => w.next("ready", 60_000)))
      await all(docs)
      await all(warm)
      await sleep(workload.settleMs)
      const before = await memory()
      await all(idle)
      await sleep(workload.settleMs)
      const withIdle = await memory()
      await all(docs)
      await sleep(workload.settleMs)
      const after = await memory()
      for (const w of workers) w.go()
      await Promise.all(workers.map(w => w.next("result", 60_000)))
      const perIdleConnection = per(withIdle, before, workload.idleConnections)
      const perDocumentWithClients = per(after, withIdle, workload.documents)
      const n = workload.clientsPerDoc
      return {
        perIdleConnection,
        perDocument: { rss: perDocumentWithClients.rss - n * perIdleConnection.rss, heap: perDocumentWithClients.heap - n * perIdleConnection.heap },
        perDocumentWithClients,
        readingsMB: [before, withIdle, after].map(k => ({ rss: k.rss / 1024, heap: k.heap / 1024 }))
      }
    })
  } finally {
    await probed.stop()
  }
}

/** W4 at the sizes of `w`; Concord should keep an idle connection within 22 KB. */
export function scale(w: ScaleWorkload): Workload<ScaleFigures> {
  const label = `W4 scale: ${w.idleConnections.toLocaleString("en-US")} idle connections after ${w.warmConnections.toLocaleString("en-US")}, ${w.documents} documents × ${w.clientsPerDoc} clients`
  const doc = `${w.clientsPerDoc} clients, ${w.clientsPerDoc * w.charsPerClient} ops`
  return {
    label,
    measure: { server: "own", run: (system, start) => runScale(system, w, start) },
    rows: results => [
      { workload: label, metric: "server RSS per idle connection, KB", better: "lower", digits: 1, cells: cells(results, f => f.perIdleConnection.rss), target: { text: "≤ 22 KB", met: c => c <= 22 } },
      { workload: label, metric: "server JS heap per idle connection, KB", better: "lower", digits: 1, cells: cells(results, f => f.perIdleConnection.heap) },
      { workload: label, metric: `server RSS per document (${doc}), KB`, better: "lower", digits: 1, cells: cells(results, f => f.perDocument.rss) },
      { workload: label, metric: `server JS heap per document (${doc}), KB`, better: "lower", digits: 1, cells: cells(results, f => f.perDocument.heap) }
    ],
    notes: results => Object.entries(results).flatMap(([system, r]) => {
      if (!succeeded(r)) return []
      const [a, b, c] = r.readingsMB
      return [`W4, ${systemLabels[system as SystemName]}: server RSS ${a.rss.toFixed(1)} → ${b.rss.toFixed(1)} → ${c.rss.toFixed(1)} MB, JS heap ${a.heap.toFixed(1)} → ${b.heap.toFixed(1)} → ${c.heap.toFixed(1)} MB (at start, with the idle connections, with the documents too); per document with its clients ${r.perDocumentWithClients.rss.toFixed(1)} KB RSS, ${r.perDocumentWithClients.heap.toFixed(1)} KB heap.`]
    })
  }
}
