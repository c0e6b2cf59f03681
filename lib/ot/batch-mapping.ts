import { type MapResult, type Mappable, Mapping, type Step, StepMap } from "prosemirror-transform"
import { MappedPosition, recoveredPosition } from "./map-result"
import { mapStep } from "./map-step"
import { PositionTree, refresh, TrackedPosition } from "./position-tree"

// A position a step asks to have mapped, and how it is being followed.
interface Query {
  pos: number
  assoc: number
  /** Followed back through the batch's own steps, over the concurrent maps and forward: the answer when no mirror applies. */
  main: TrackedPosition | null
  /** The first of the batch's own steps (counting back) whose insertion the position was inside, where Mapping would jump to its mirror. */
  jump: { step: number; range: number; offset: number; del: number } | null
  /** Followed from that mirror onward, once the step has been transformed; null while it is not, or when it has no mirror (dropped or refitted: Mapping then goes on past it). */
  mirrored: TrackedPosition | null
}

// The positions mapStep asks about: every step type asks for its positions whatever the answers.
class QueryRecorder implements Mappable {
  readonly queries: { pos: number; assoc: number }[] = []

  map(pos: number, assoc = 1): number {
    this.queries.push({ pos, assoc })
    return pos
  }

  mapResult(pos: number, assoc = 1): MapResult {
    this.queries.push({ pos, assoc })
    return StepMap.empty.mapResult(pos, assoc)
  }
}

/**
 * The mappings that transform a batch of steps past concurrent changes, as prosemirror-collab's
 * rebaseSteps builds them: step i is mapped back through the inverses of steps i-1..0, forward through
 * the concurrent maps, then through the transformed steps 0..i-1, recovering positions inside the
 * batch's own insertions through mirrors. Built with one Mapping, that costs O(i + concurrent maps) per
 * step; here every position the steps ask about is followed through all of the maps at once, in ordered
 * trees, so a batch of N steps over M maps costs O((N + M) log N). The answers are those of the Mapping,
 * which also remains the fallback for a position whose first mirror is missing (its step was dropped
 * or refitted), and answers alone for small batches. Use: for each step in order, map it with `mappingFor(i)`, then
 * `record` the map of what it became.
 */
export class BatchMapping implements Mappable {
  /** Batches of N steps over M maps with N·(N + M) up to this are mapped with the plain Mapping, faster at that size. */
  static directLimit = 256

  private readonly reference = new Mapping()
  private readonly queries: Query[][]
  private readonly trees = [new PositionTree(-1), new PositionTree(1)]
  private readonly jumpsAt: Query[][]
  private readonly all: Query[] = []
  private next = 0
  private back = 0

  /**
   * `steps` is the batch, `inverses[i]` the map that undoes `steps[i]`, `concurrent` the maps of the
   * changes to transform past, in order; `stickLeft` the indices of the insertions that mapStep is told stick left (see mapStep).
   */
  constructor(steps: readonly Step[], inverses: readonly StepMap[], concurrent: readonly StepMap[], stickLeft?: ReadonlySet<number>) {
    const n = steps.length
    for (let i = n - 1; i >= 0; i--) this.reference.appendMap(inverses[i])
    for (const map of concurrent) this.reference.appendMap(map)
    const all = this.all
    const direct = n * (n + concurrent.length) <= BatchMapping.directLimit
    this.queries = steps.map((step, i) => {
      if (direct) return []
      const recorder = new QueryRecorder()
      mapStep(step, recorder, stickLeft?.has(i))
      return recorder.queries.map(({ pos, assoc }) => {
        const query: Query = { pos, assoc, main: new TrackedPosition(pos, 0, all.length), jump: null, mirrored: null }
        all.push(query)
        return query
      })
    })
    this.jumpsAt = steps.map(() => [])
    // Back through the batch's own steps, newest first: a step's positions join before the inverse of the step before it.
    for (let k = n - 1; k >= -1; k--) {
      if (k + 1 < n) for (const query of this.queries[k + 1]) this.treeFor(query.assoc).insert(query.main!)
      if (k < 0) break
      this.back = k
      for (const tree of this.trees) tree.map(inverses[k], this.jumped)
    }
    for (const map of concurrent) for (const tree of this.trees) tree.map(map)
  }

  /** The mapping for step `i`, the next one (this object, answering for that step until `record` is called). */
  mappingFor(i: number): Mappable {
    if (i != this.next) throw new RangeError(`BatchMapping: asked for step ${i}, expected ${this.next}`)
    return this
  }

  /** Map a position of the next step, as its Mapping would. */
  mapResult(pos: number, assoc = 1): MapResult {
    const i = this.next
    let node: TrackedPosition | null = null
    for (const query of this.queries[i]) {
      if (query.pos != pos || query.assoc != assoc) continue
      node = query.jump ? query.mirrored : query.main
      break
    }
    if (!node) return this.reference.slice(this.queries.length - i).mapResult(pos, assoc)
    refresh(node)
    return new MappedPosition(node.pos, node.del)
  }

  /** Map a position of the next step, as its Mapping would. */
  map(pos: number, assoc = 1): number {
    return this.mapResult(pos, assoc).pos
  }

  /**
   * Record what the step just mapped became: the map of the transformed step, or null when it was
   * dropped; `mirrors` says whether that map mirrors the step's inverse (it inserts the same content).
   */
  record(map: StepMap | null, mirrors: boolean): void {
    const i = this.next++
    for (const query of this.queries[i]) {
      const node = query.jump ? query.mirrored : query.main
      if (node) this.treeFor(query.assoc).remove(node)
    }
    if (!map) return
    this.reference.appendMap(map, mirrors ? this.queries.length - 1 - i : undefined)
    for (const tree of this.trees) tree.map(map)
    if (mirrors) for (const query of this.jumpsAt[i]) {
      query.mirrored = new TrackedPosition(recoveredPosition(map, query.jump!.range, query.jump!.offset), query.jump!.del, 0)
      this.treeFor(query.assoc).insert(query.mirrored)
    }
  }

  // A position of a later step was inside the insertion of step `back`: Mapping would jump to that step's mirror.
  private readonly jumped = (node: TrackedPosition, range: number, offset: number): void => {
    const query = this.all[node.owner]
    query.main = null
    query.jump = { step: this.back, range, offset, del: node.del }
    this.jumpsAt[this.back].push(query)
  }

  private treeFor(assoc: number): PositionTree {
    return this.trees[assoc < 0 ? 0 : 1]
  }
}
