import type { Node } from "prosemirror-model"
import { ReplaceStep, type Step } from "prosemirror-transform"
import { StepApplier } from "./step-applier"

/** What unmergeCommitted returns. */
export interface UnmergedSteps {
  /** The committed steps, those the client had merged split back into its own where possible. */
  steps: Step[]
  /** For each step in flight (by index) that has one, the step of `steps` it became. */
  pairs: Map<number, number>
  /** For each of `steps`, the index of the committed step it is or is a piece of. */
  sources: number[]
}

/**
 * The committed form of a batch in flight, for the client to replace its own steps with: where the
 * client had merged several of its steps into one (mergeSteps) and the hub only moved that one, it is
 * split back into those steps, moved alike, so that each of them has a committed counterpart (undo
 * history pairs an item with one step, and steps written later inside merged typing follow it through
 * that pair). `doc` is the document the committed steps apply to; `committedIndexOf` maps an origin (a
 * step's index in the batch as sent) to the committed step it became, for those committed as one.
 */
export function unmergeCommitted(
  doc: Node,
  committed: readonly Step[],
  inflight: readonly { readonly step: Step; readonly origin: number }[],
  committedIndexOf: ReadonlyMap<number, number>
): UnmergedSteps {
  const members = new Map<number, number[]>()
  inflight.forEach((u, i) => {
    const list = members.get(u.origin)
    if (list) list.push(i)
    else members.set(u.origin, [i])
  })
  const originOf = new Map<number, number>()
  for (const [origin, j] of committedIndexOf) originOf.set(j, origin)
  const steps: Step[] = []
  const pairs = new Map<number, number>()
  const sources: number[] = []
  const applier = new StepApplier()
  committed.forEach((step, j) => {
    const origin = originOf.get(j)
    const mine = origin == null ? undefined : members.get(origin)
    const next = applier.apply(doc, step).doc
    if (!next) throw new Error("a committed step does not apply")
    const pieces = mine && mine.length > 1 ? splitMoved(doc, step, next, mine.map(i => inflight[i].step)) : null
    if (mine && (mine.length == 1 || pieces)) mine.forEach((i, n) => pairs.set(i, steps.length + n))
    steps.push(...(pieces ?? [step]))
    for (let n = pieces ? pieces.length : 1; n > 0; n--) sources.push(j)
    doc = next
  })
  return { steps, pairs, sources }
}

/**
 * `own` (steps that merge into one) moved to where `committed` applies, when `committed` is their merged
 * step moved and they make `expected` (what `committed` makes of `doc`) from `doc`; else null.
 */
function splitMoved(doc: Node, committed: Step, expected: Node, own: readonly Step[]): Step[] | null {
  let merged: Step | null = own[0]
  for (let i = 1; i < own.length && merged; i++) merged = merged.merge(own[i])
  if (!(committed instanceof ReplaceStep) || !(merged instanceof ReplaceStep)) return null
  if (committed.to - committed.from != merged.to - merged.from || !committed.slice.eq(merged.slice)) return null
  const shift = committed.from - merged.from
  const pieces: Step[] = []
  for (const step of own) {
    if (!(step instanceof ReplaceStep)) return null
    pieces.push(new ReplaceStep(step.from + shift, step.to + shift, step.slice))
  }
  let after: Node | null = doc
  for (let i = 0; i < pieces.length && after; i++) after = pieces[i].apply(after).doc
  return after && after.eq(expected) ? pieces : null
}
