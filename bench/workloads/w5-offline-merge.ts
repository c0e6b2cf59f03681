// W5: a client offline for N local steps while M steps commit; the time from its reconnect until
// both clients converge, in fresh processes and in processes that have merged before.
import { Worker, withWorkers } from "../harness/child-processes"
import { median } from "../harness/measure"
import { startSystem, systemLabels, type ServerHandle, type StartOptions } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import type { OfflineParams, OfflineResult } from "./offline-task"
import { cells, succeeded, type Workload } from "./workload"

/** How W5 runs. */
export interface OfflineWorkload {
  offline: number
  online: number
  chunk: number
  timeoutMs: number
  /** How many merges each figure is the median of. */
  rounds: number
}

/** What W5 measured on one system: each merge in fresh processes, and each merge after one in the same processes. */
export interface OfflineFigures {
  fresh: OfflineResult[]
  warm: OfflineResult[]
}

/**
 * One merge against `server` on a document of its own (`docId`), its clients in a worker process
 * started for it (`fresh`) or the one the last task ran in.
 */
async function mergeOnce(system: SystemName, server: ServerHandle, workload: OfflineWorkload, docId: string, fresh: boolean): Promise<OfflineResult> {
  const workers: Worker[] = []
  return withWorkers(workers, async () => {
    const params: OfflineParams = { system, url: server.url, docId, ...workload }
    const worker = Worker.start("offline", params, 2 * workload.timeoutMs + 90_000, { fresh })
    workers.push(worker)
    await worker.next("ready", workload.timeoutMs + 60_000)
    worker.go()
    return (await worker.next("result", workload.timeoutMs + 10_000)) as OfflineResult
  })
}

/**
 * W5 on `system`: `rounds` merges each with a server and a client process of its own, started for it
 * (nothing ran in them before: the first merge a process does); then, on one more fresh server and
 * process, an untimed merge followed by `rounds` timed ones (a hub and a tab that have merged before).
 */
export async function runOfflineMerge(system: SystemName, workload: OfflineWorkload, start: StartOptions): Promise<OfflineFigures> {
  const n = workload.offline
  const withServer = async <T>(body: (server: ServerHandle) => Promise<T>) => {
    const server = await startSystem(system, start)
    try {
      return await body(server)
    } finally {
      await server.stop()
    }
  }
  const fresh: OfflineResult[] = []
  for (let r = 0; r < workload.rounds; r++) fresh.push(await withServer(server => mergeOnce(system, server, workload, `offline-${n}-fresh${r}`, true)))
  const warm = await withServer(async server => {
    const results: OfflineResult[] = []
    for (let r = 0; r <= workload.rounds; r++) results.push(await mergeOnce(system, server, workload, `offline-${n}-warm${r}`, r == 0))
    return results.slice(1)
  })
  return { fresh, warm }
}

const convergedIn = (results: readonly OfflineResult[]) => median(results.map(r => r.converged))

/** "52 (46-99)": the median and range of the merges' times, in ms. */
function spread(results: readonly OfflineResult[], pick: (r: OfflineResult) => number): string {
  const values = results.map(pick)
  return `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})`
}

/**
 * W5 with N = M = `n`, each figure the median of `rounds` merges; Concord should converge within 50 ms
 * at 1,000 and 100 ms at 10,000 (issue #21), in fresh processes, as the workload was first measured.
 */
export function offlineMerge(n: number, timeoutMs: number, rounds: number): Workload<OfflineFigures> {
  const label = `W5 offline merge, N = M = ${n.toLocaleString("en-US")}`
  const times = rounds == 1 ? "" : `, median of ${rounds}`
  return {
    label,
    measure: { server: "own", run: (system, start) => runOfflineMerge(system, { offline: n, online: n, chunk: 1000, timeoutMs, rounds }, start) },
    rows: results => [
      {
        workload: label, metric: `ms from reconnect to convergence, fresh processes${times}`, better: "lower", digits: 0, cells: cells(results, f => convergedIn(f.fresh)),
        target: n >= 10_000 ? { text: "≤ 100 ms (issue #21)", met: c => c <= 100 } : { text: "≤ 50 ms (issue #21)", met: c => c <= 50 }
      },
      { workload: label, metric: `ms from reconnect to convergence, after a merge in the same processes${times}`, better: "lower", digits: 0, cells: cells(results, f => convergedIn(f.warm)) }
    ],
    notes: results => Object.entries(results).flatMap(([system, f]) => succeeded(f)
      ? [`W5 ${n}/${n}, ${systemLabels[system as SystemName]}: converged after ${spread(f.fresh, r => r.converged)} ms in fresh processes, ${spread(f.warm, r => r.converged)} after a merge; rejoined after ${spread(f.fresh, r => r.rejoined)} and ${spread(f.warm, r => r.rejoined)} ms (median, range).`]
      : [])
  }
}
