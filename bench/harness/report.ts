// The benchmark's one table: a row per figure, a column per system, Concord's ratio to the best
// peer and whether Concord meets the target.
import { systemLabels } from "../peers/systems"
import { systemNames, type SystemName } from "../peers/load-clients"

/** A figure of one system: a number, or why there is none. */
export type Cell = number | { failed: string }

/** One row: what is measured, which way is better, and the target for Concord, if any. */
export interface Row {
  workload: string
  metric: string
  better: "lower" | "higher"
  digits: number
  cells: Partial<Record<SystemName, Cell>>
  /** The target as the table states it, and whether Concord's figure meets it given the best peer's (and every system's). */
  target?: { text: string; met(concord: number, bestPeer: number, cells: Partial<Record<SystemName, Cell>>): boolean }
}

function format(cell: Cell | undefined, digits: number): string {
  if (cell == null) return "–"
  if (typeof cell != "number") return /timed out|within \d+ ms|deadline/.test(cell.failed) ? "timed out" : "failed"
  if (!Number.isFinite(cell)) return "–"
  return cell.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** The best peer's figure of a row, or null when no peer has one. */
function bestPeer(row: Row): number | null {
  const peers = systemNames.filter(s => s != "concord").map(s => row.cells[s]).filter((c): c is number => typeof c == "number" && Number.isFinite(c))
  if (!peers.length) return null
  return row.better == "lower" ? Math.min(...peers) : Math.max(...peers)
}

/** The markdown table of `rows`. */
export function markdownTable(rows: Row[]): string {
  const header = ["workload", "figure", ...systemNames.map(s => systemLabels[s]), "Concord ÷ best peer", "target"]
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i < 2 || i == header.length - 1 ? "---" : "---:")).join("|")}|`]
  let last = ""
  for (const row of rows) {
    const concord = row.cells.concord
    const best = bestPeer(row)
    const ratio = typeof concord == "number" && best != null && best != 0 ? `${(concord / best).toFixed(2)}×` : "–"
    let target = ""
    if (row.target) {
      const met = typeof concord == "number" && best != null ? row.target.met(concord, best, row.cells) : typeof concord == "number" && row.target.met(concord, row.better == "lower" ? Infinity : 0, row.cells)
      target = `${row.target.text}: ${met ? "met" : "**short**"}`
    }
    const cells = systemNames.map(s => format(row.cells[s], row.digits))
    lines.push(`| ${row.workload == last ? "" : row.workload} | ${row.metric} | ${cells.join(" | ")} | ${ratio} | ${target} |`)
    last = row.workload
  }
  return lines.join("\n")
}

/** The failures of `rows`, one line each, for below the table. */
export function failureNotes(rows: Row[]): string[] {
  const notes: string[] = []
  for (const row of rows) for (const s of systemNames) {
    const cell = row.cells[s]
    if (cell != null && typeof cell != "number") notes.push(`${row.workload}, ${systemLabels[s]}: ${cell.failed}`)
  }
  return [...new Set(notes)]
}
