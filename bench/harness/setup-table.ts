// The tables of bench/cluster.ts: a row per setup (a system on some servers and storage), a column per figure.

/** A setup's figures, or why there are none. */
export type SetupOutcome<F> = { setup: string; figures: F } | { setup: string; failed: string }

/** One column: its title and how to read and format it from a setup's figures. */
export interface SetupColumn<F> {
  title: string
  cell(figures: F): string
}

/** A number with `digits` decimals and thousands separators; "–" when it is not finite. */
export function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "–"
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** The markdown table of `outcomes`; a failed setup says so in its first figure's cell. */
export function setupTable<F>(columns: readonly SetupColumn<F>[], outcomes: readonly SetupOutcome<F>[]): string {
  const header = ["setup", ...columns.map(c => c.title)]
  const lines = [`| ${header.join(" | ")} |`, `|---|${columns.map(() => "---:").join("|")}|`]
  for (const outcome of outcomes) {
    const cells = "figures" in outcome
      ? columns.map(c => c.cell(outcome.figures))
      : columns.map((_, i) => (i == 0 ? (/timed out|within \d+ ms|deadline/.test(outcome.failed) ? "timed out" : "failed") : "–"))
    lines.push(`| ${outcome.setup} | ${cells.join(" | ")} |`)
  }
  return lines.join("\n")
}
