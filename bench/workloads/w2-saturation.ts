// W2: saturation. 50 clients on one document, each submitting its next character as soon as the
// last is acknowledged; committed ops/s (target 5,000 for Concord), p99, and what it costs in CPU.
import { runTyping, type TypingFigures } from "./typing-workload"
import { cells, type Workload } from "./workload"

/** W2's sizes. */
export interface SaturationSizes {
  seconds: number
  workers: number
}

/** W2 with 50 clients. */
export function saturation(sizes: SaturationSizes): Workload<TypingFigures> {
  const label = `W2 saturation, 50 clients, ${sizes.seconds} s`
  return {
    label,
    measure: { server: "given", run: (system, server) => runTyping(system, server, { clients: 50, mode: "saturate", rate: 0, ...sizes }) },
    rows: results => [
      { workload: label, metric: "committed ops/s", better: "higher", digits: 0, cells: cells(results, f => f.opsPerSecond), target: { text: "≥ 5,000", met: c => c >= 5000 } },
      { workload: label, metric: "p99 submit → other client, ms", better: "lower", digits: 1, cells: cells(results, f => f.p99) },
      { workload: label, metric: "longest wait for an ack, ms", better: "lower", digits: 0, cells: cells(results, f => f.longestWait) },
      { workload: label, metric: "server CPU, cores", better: "lower", digits: 2, cells: cells(results, f => f.serverCpu) },
      { workload: label, metric: "client CPU (all clients), cores", better: "lower", digits: 2, cells: cells(results, f => f.clientCpu) }
    ],
    notes: () => []
  }
}
