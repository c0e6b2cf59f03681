import type { Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"
import type { Step, StepMap } from "prosemirror-transform"
import { addStep } from "./internals/transform-add-step"
import { setMirror } from "./internals/mapping-set-mirror"
import { StepApplier } from "./step-applier"
import { combinedStep, wholeReplace } from "./combined-step"
import { PiecesStep } from "./pieces-step"

/** An unconfirmed step as itemTransaction reads it: the step, its inverse, and the group of pieces it belongs to. */
export interface ItemStep {
  readonly step: Step
  readonly inverted: Step
  /** Shared by the consecutive pieces of one step that a rebase split around others' typing: one undo item. */
  readonly group?: number
}

/** What a rebase did, step by step (see itemTransaction). */
export interface RebaseSteps {
  /** The unconfirmed steps before the rebase, in order. */
  all: readonly ItemStep[]
  /** The steps rebased over. */
  over: readonly Step[]
  /** The unconfirmed steps after it, in order, and for each the index in `all` of the step it redoes. */
  redone: readonly Step[]
  redoneFrom: readonly number[]
  /**
   * For steps in flight confirmed by `over` (their committed form): the range of `over` each undo item
   * became, by the index in `all` of its first step. Those of several steps (a step the hub split around
   * others' typing) become one step of the transaction.
   */
  committed?: ReadonlyMap<number, { from: number; to: number }>
}

/**
 * A rebase's transaction as undo history must see it: one step for each of its items. prosemirror-history
 * pairs its newest items, one for one, with the inverses at the start of a rebased transaction, and each
 * with the step its mirror points to; the pieces of a step split around others' typing are one item, so
 * they are one step here: a PiecesStep, which undo takes back piece by piece, leaving the typing between
 * them as it is then (else the replace step that makes the same document, combinedStep). Returns the
 * transaction, which ends at the document the pieces make, and the number of items it rebases (its
 * "rebased" meta). Every step is applied, so only rebases with such pieces take this way.
 */
export function itemTransaction(state: EditorState, rebase: RebaseSteps): { tr: Transaction; items: number } {
  const { all, over, redone, redoneFrom, committed } = rebase
  // The item each unconfirmed step belongs to, and each item's first step.
  const itemOf: number[] = []
  const firsts: number[] = []
  all.forEach((u, i) => {
    if (i == 0 || u.group == null || u.group != all[i - 1].group) firsts.push(i)
    itemOf.push(firsts.length - 1)
  })
  const items = firsts.length
  const isGroup = (item: number) => (item + 1 < items ? firsts[item + 1] : all.length) - firsts[item] > 1
  const tr = state.tr
  const applier = new StepApplier()
  let doc = state.doc
  const apply = (step: Step): Node => {
    const result = applier.apply(doc, step)
    if (!result.doc) throw new Error(`a rebased step does not apply: ${result.failed}`)
    return (doc = result.doc)
  }
  // Steps applied in order, as one step of the transaction: the step itself, or the one they make
  // together. For the counterpart of item `item` made of pieces, a step through which a mapping
  // recovers what the item's inverse deleted inside the document.
  const add = (steps: readonly Step[], item?: number): number => {
    const before = doc
    for (const step of steps) apply(step)
    let step = steps.length == 1 ? steps[0] : PiecesStep.of(steps) ?? combinedStep(before, doc)
    if (item != null && (steps.length > 1 || isGroup(item)) && !recovers(tr.mapping.maps[items - 1 - item], step.getMap(), doc))
      step = wholeReplace(before, doc)
    addStep(tr, step, doc)
    return tr.steps.length - 1
  }
  for (let item = items - 1; item >= 0; item--) {
    const first = firsts[item], end = item + 1 < items ? firsts[item + 1] : all.length
    if (end - first == 1) {
      add([all[first].inverted])
      continue
    }
    // A group's pieces undone as one: where they are pieces side by side, each put back where it was.
    const after = doc
    for (let i = end - 1; i >= first; i--) apply(all[i].inverted)
    const pieces = PiecesStep.of(all.slice(first, end).map(u => u.step))
    addStep(tr, pieces ? pieces.invert(doc) : combinedStep(after, doc), doc)
  }
  // Over, with the committed form of each item in flight as one step.
  const counterpart = new Map<number, number>()
  const spanAt = new Map<number, { item: number; to: number }>()
  committed?.forEach((span, first) => spanAt.set(span.from, { item: itemOf[first], to: span.to }))
  for (let j = 0; j < over.length;) {
    const span = spanAt.get(j)
    const to = span ? span.to : j + 1
    const pos = add(over.slice(j, to), span?.item)
    if (span) counterpart.set(span.item, pos)
    j = to
  }
  // prosemirror-history keeps the maps of the steps before the first paired one and each paired step's
  // own: past the first paired step of `over`, every one must be paired, or undo would later meet
  // positions it cannot map. Else the items in flight are left out of undo history.
  const paired = new Set(counterpart.values())
  const firstPaired = Math.min(...paired)
  for (let pos = firstPaired + 1; pos < tr.steps.length; pos++) if (!paired.has(pos)) counterpart.clear()
  for (let k = 0; k < redone.length;) {
    const item = itemOf[redoneFrom[k]]
    let end = k + 1
    while (end < redone.length && itemOf[redoneFrom[end]] == item) end++
    counterpart.set(item, add(redone.slice(k, end), item))
    k = end
  }
  // Where even the whole content cannot hold what an item's inverse deleted (others deleted most of the
  // document meanwhile), the item is left out of undo history: a mapping would recover a position
  // outside the document.
  const maps = tr.mapping.maps
  for (const [item, pos] of counterpart) if (recovers(maps[items - 1 - item], maps[pos], tr.docs[pos + 1] ?? tr.doc)) setMirror(tr.mapping, items - 1 - item, pos)
  return { tr, items }
}

/**
 * Whether every position `inverse` deleted, when a mapping recovers it through `mirror` (at the same
 * offset in the same range of it), lands in `after`, the document after the mirror.
 */
function recovers(inverse: StepMap, mirror: StepMap, after: Node): boolean {
  const deleted: number[] = [], starts: number[] = []
  inverse.forEach((oldStart, oldEnd) => deleted.push(oldEnd - oldStart))
  mirror.forEach((_oldStart, _oldEnd, newStart) => starts.push(newStart))
  return deleted.every((size, r) => size == 0 || (r < starts.length && starts[r] + size <= after.content.size))
}

