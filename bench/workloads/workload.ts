// What each workload file (w1..w6) gives the orchestrator: how to measure one system, and the
// table rows and notes its figures make.
import type { Cell, Row } from "../harness/report"
import type { SystemName } from "../peers/load-clients"
import type { ServerHandle, StartOptions } from "../peers/systems"

/** A figure set of one system, or why there is none. */
export type Outcome<F> = F | { failed: string }

/** Each system's outcome of one workload. */
export type Results<F> = Partial<Record<SystemName, Outcome<F>>>

/** Where a workload measures: a server the orchestrator gives it, or servers it starts itself (W4, which reads their memory). */
export type Measure<F> =
  | { server: "given"; run(system: SystemName, server: ServerHandle): Promise<F> }
  | { server: "own"; run(system: SystemName, start: StartOptions): Promise<F> }

/** One workload of the benchmark, as bench/run.ts runs it against every system. */
export interface Workload<F> {
  /** How the table names the workload (with its size). */
  label: string
  measure: Measure<F>
  rows(results: Results<F>): Row[]
  /** Details for below the table. */
  notes(results: Results<F>): string[]
}

/** True when the system produced figures. */
export function succeeded<F>(outcome: Outcome<F> | undefined): outcome is F {
  return outcome != null && !(typeof outcome == "object" && outcome !== null && "failed" in outcome)
}

/** A row's cells: `pick` of each system's figures, or its failure. */
export function cells<F>(results: Results<F>, pick: (figures: F) => number): Partial<Record<SystemName, Cell>> {
  const out: Partial<Record<SystemName, Cell>> = {}
  for (const [system, outcome] of Object.entries(results) as [SystemName, Outcome<F>][])
    out[system] = succeeded(outcome) ? pick(outcome) : (outcome as { failed: string })
  return out
}
