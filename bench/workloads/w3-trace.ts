// W3: one client types the automerge-paper trace as fast as the system allows while a second
// observes; the figure is the time from the first keystroke until the observer has the final text.
import { Worker, withWorkers } from "../harness/child-processes"
import { systemLabels, type ServerHandle } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import type { TraceParams } from "./trace-task"
import { cells, succeeded, type Workload } from "./workload"

/** How W3 runs: the trace prefix (null for all of it), patches per turn, and a time limit. */
export interface TraceWorkload {
  patches: number | null
  chunk: number
  timeoutMs: number
}

/** What W3 measured on one system, in seconds from the first keystroke. */
export interface TraceFigures {
  /** Until the observer had the final text. */
  observed: number
  /** Until the typist had applied every patch locally. */
  typed: number
  /** Until the typist had every edit confirmed. */
  settled: number
}

/** Run W3 against `server`, a server of `system`, on a document of its own. */
export async function runTrace(system: SystemName, server: ServerHandle, workload: TraceWorkload): Promise<TraceFigures> {
  const workers: Worker[] = []
  return withWorkers(workers, async () => {
    const params = (role: TraceParams["role"]): TraceParams => ({ system, url: server.url, docId: "trace", role, patches: workload.patches, chunk: workload.chunk, timeoutMs: workload.timeoutMs })
    const deadline = workload.timeoutMs + 90_000
    const typist = Worker.start("trace", params("typist"), deadline)
    workers.push(typist)
    await typist.next("ready", 60_000)
    const observer = Worker.start("trace", params("observer"), deadline)
    workers.push(observer)
    await observer.next("ready", 60_000)
    observer.go()
    typist.go()
    const [typed, observed] = (await Promise.all([typist.next("result", workload.timeoutMs + 10_000), observer.next("result", workload.timeoutMs + 10_000)])) as [
      { start: number; typed: number; settled: number },
      { done: number }
    ]
    typist.go()
    return { observed: (observed.done - typed.start) / 1000, typed: (typed.typed - typed.start) / 1000, settled: (typed.settled - typed.start) / 1000 }
  })
}

/** W3 on the trace prefix of `sizes` (all of it when `patches` is null); Concord should take at most 10 s and less than every peer. */
export function trace(sizes: TraceWorkload): Workload<TraceFigures> {
  const label = `W3 automerge-paper trace, ${sizes.patches == null ? "all 259,778 patches" : `first ${sizes.patches.toLocaleString("en-US")} patches`}`
  return {
    label,
    measure: { server: "given", run: (system, server) => runTrace(system, server, sizes) },
    rows: results => [{
      workload: label, metric: "s until the observer has the final text", better: "lower", digits: 2,
      cells: cells(results, f => f.observed), target: { text: "≤ 3 s and ≤ 2× the Yjs relay (issue #21)", met: (c, _best, all) => c <= 3 && (typeof all.yjs != "number" || c <= 2 * all.yjs) }
    }],
    notes: results => Object.entries(results).flatMap(([system, r]) => succeeded(r)
      ? [`W3, ${systemLabels[system as SystemName]}: the typist had applied every patch locally at ${r.typed.toFixed(2)} s and had every edit confirmed at ${r.settled.toFixed(2)} s.`]
      : [])
  }
}
