// W1: a hot document. Clients each type `rate` characters a second at random positions; committed
// ops/s, the time from submit to arrival at another client (p50, p99), and the longest ack wait.
import { runTyping, warmupMs, type TypingFigures } from "./typing-workload"
import { cells, type Workload } from "./workload"

/** W1's sizes. */
export interface HotDocumentSizes {
  seconds: number
  workers: number
  rate: number
}

/** W1 with `clients` clients; at 50 clients Concord's p99 should be at or below the best peer's. */
export function hotDocument(clients: number, sizes: HotDocumentSizes): Workload<TypingFigures> {
  const label = `W1 hot document, ${clients} clients × ${sizes.rate} keys/s, ${sizes.seconds} s`
  return {
    label,
    measure: { server: "given", run: (system, server) => runTyping(system, server, { clients, mode: "paced", ...sizes }) },
    rows: results => [
      { workload: label, metric: "committed ops/s", better: "higher", digits: 0, cells: cells(results, f => f.opsPerSecond) },
      {
        workload: label, metric: "p50 submit → other client, ms", better: "lower", digits: 1, cells: cells(results, f => f.p50),
        target: { text: "≤ best peer (issue #21)", met: (c, best) => c <= best }
      },
      {
        workload: label, metric: "p99 submit → other client, ms", better: "lower", digits: 1, cells: cells(results, f => f.p99),
        target: { text: "≤ best peer (issue #21)", met: (c, best) => c <= best }
      },
      {
        workload: label, metric: `p99 after the first ${warmupMs / 1000} s, ms`, better: "lower", digits: 1, cells: cells(results, f => f.steadyP99),
        target: clients == 50 ? { text: "≤ 10 ms (issue #3)", met: c => c <= 10 } : undefined
      },
      { workload: label, metric: "longest wait for an ack, ms", better: "lower", digits: 0, cells: cells(results, f => f.longestWait) }
    ],
    notes: () => []
  }
}
