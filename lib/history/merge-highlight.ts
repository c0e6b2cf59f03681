import { AttrStep, Step, type StepMap } from "prosemirror-transform"
import { schema } from "../schema"
import { stepRange } from "../ot/step-info"
import type { CommittedOp } from "../protocol/messages"

/** A range to highlight in the editor in the colour of whoever wrote it; an empty range marks a point. */
export interface HighlightRange {
  from: number
  to: number
  color: string
  /** "landed": where the merged op ended up; "concurrent": what the ops it was transformed past did. */
  role: "landed" | "concurrent"
  /** Shown on hover: "Ada, v14". */
  title: string
}

/** Where the steps of `op` landed, in the document right after it; a step that only deleted gives an empty range. */
export function landedRanges(op: CommittedOp): { from: number; to: number }[] {
  const steps = op.steps.map(json => Step.fromJSON(schema, json))
  const ranges: { from: number; to: number }[] = []
  steps.forEach((step, i) => {
    if (step instanceof AttrStep) return
    const map = step.getMap()
    const range = stepRange(step)
    let from = map.map(range.from, -1), to = Math.max(from, map.map(range.to, 1))
    for (const later of steps.slice(i + 1)) {
      const laterMap = later.getMap()
      from = laterMap.map(from, 1)
      to = Math.max(from, laterMap.map(to, -1))
    }
    ranges.push({ from, to })
  })
  return ranges
}

/**
 * What to highlight for merged `op`: where it landed and where the ops it was transformed past (the ops
 * after its base version) made their changes, carried to a later document through `mapsFrom(version)`,
 * which gives the maps from the document at `version` to that document (null when they are not known;
 * such ops are left out). Ranges whose content was deleted since are left out too. Pure.
 */
export function mergeHighlights(op: CommittedOp, lookup: (version: number) => CommittedOp | undefined,
  mapsFrom: (version: number) => readonly StepMap[] | null): HighlightRange[] {
  const found: (HighlightRange & { name: string; first: number; last: number })[] = []
  for (let version = op.baseVersion + 1; version <= op.version; version++) {
    const at = version == op.version ? op : lookup(version)
    const maps = at && mapsFrom(version)
    if (!at || !maps) continue
    const role = at == op ? "landed" : "concurrent"
    for (const range of landedRanges(at)) {
      const mapped = carry(range, maps)
      if (mapped) found.push({ ...mapped, color: at.author.color, role, title: "", name: at.author.name, first: version, last: version })
    }
  }
  // Keystrokes next to each other by one person read as one range.
  found.sort((a, b) => a.from - b.from || a.to - b.to)
  const merged: typeof found = []
  for (const range of found) {
    const last = merged[merged.length - 1]
    if (last && last.to == range.from && range.from < range.to && last.role == range.role && last.name == range.name && last.color == range.color) {
      last.to = range.to
      last.first = Math.min(last.first, range.first)
      last.last = Math.max(last.last, range.last)
    } else merged.push({ ...range })
  }
  return merged.map(({ name, first, last, ...range }) => ({ ...range, title: `${name}, v${first}${last > first ? `–v${last}` : ""}` }))
}

function carry(range: { from: number; to: number }, maps: readonly StepMap[]): { from: number; to: number } | null {
  let { from, to } = range
  const point = from == to
  for (const map of maps) {
    const start = map.mapResult(from, 1), end = map.mapResult(to, -1)
    if (point ? start.deletedAcross : start.pos >= end.pos) return null
    from = start.pos
    to = point ? start.pos : end.pos
  }
  return { from, to }
}
