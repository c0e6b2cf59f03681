// W5: a client offline for N local steps while M steps commit; the time from its reconnect until
// both clients converge.
import { Worker, withWorkers } from "../harness/child-processes"
import { systemLabels, type ServerHandle } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import type { OfflineParams, OfflineResult } from "./offline-task"
import { cells, succeeded, type Workload } from "./workload"

/** How W5 runs. */
export interface OfflineWorkload {
  offline: number
  online: number
  chunk: number
  timeoutMs: number
}

/** Run W5 against `server`, a server of `system`, on a document of its own. */
export async function runOfflineMerge(system: SystemName, server: ServerHandle, workload: OfflineWorkload): Promise<OfflineResult> {
  const workers: Worker[] = []
  return withWorkers(workers, async () => {
    const params: OfflineParams = { system, url: server.url, docId: `offline-${workload.offline}`, ...workload }
    const worker = Worker.start("offline", params, 2 * workload.timeoutMs + 90_000)
    workers.push(worker)
    await worker.next("ready", workload.timeoutMs + 60_000)
    worker.go()
    return (await worker.next("result", workload.timeoutMs + 10_000)) as OfflineResult
  })
}

/** W5 with N = M = `n`; Concord should converge within 50 ms at 1,000 and 100 ms at 10,000 (issue #21). */
export function offlineMerge(n: number, timeoutMs: number): Workload<OfflineResult> {
  const label = `W5 offline merge, N = M = ${n.toLocaleString("en-US")}`
  return {
    label,
    measure: { server: "given", run: (system, server) => runOfflineMerge(system, server, { offline: n, online: n, chunk: 1000, timeoutMs }) },
    rows: results => [{
      workload: label, metric: "ms from reconnect to convergence", better: "lower", digits: 0, cells: cells(results, f => f.converged),
      target: n >= 10_000 ? { text: "≤ 100 ms (issue #21)", met: c => c <= 100 } : { text: "≤ 50 ms (issue #21)", met: c => c <= 50 }
    }],
    notes: results => Object.entries(results).flatMap(([system, r]) => succeeded(r) ? [`W5 ${n}/${n}, ${systemLabels[system as SystemName]}: rejoined after ${r.rejoined.toFixed(0)} ms.`] : [])
  }
}
