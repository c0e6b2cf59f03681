import type { Node } from "prosemirror-model"
import { Change, ChangeSet } from "prosemirror-changeset"
import { Step, type StepMap } from "prosemirror-transform"
import { schema } from "../schema"
import { StepApplier } from "../ot/step-applier"
import type { Author, AuthorshipSpan, CommittedOp } from "../protocol/messages"
import { authorKey } from "./timeline"

/** A range of a document that one person wrote since the base version (the hub's `authorship` reply holds these). */
export type AuthorSpan = AuthorshipSpan

/** Versions between kept documents, so that moving back replays at most this many ops. */
const keepEvery = 25

/**
 * Who wrote what since a base version: follows ops from the base document, and gives the inserted
 * ranges of the document at any version followed with their authors, from a prosemirror-changeset
 * ChangeSet over the ops' step maps whose data is each op's author. Text older than the base version has
 * no span. Ops are added in version order, starting right after the base version; `moveTo` goes back
 * and forth among those added, replaying from the nearest document kept.
 */
export class Authorship {
  /** The document at `version`. */
  doc: Node
  /** The version the document is at. */
  version: number
  private readonly steps: Step[][] = []
  private readonly maps: StepMap[][] = []
  private readonly keys: string[] = []
  private readonly authors = new Map<string, Author>()
  /** Documents by version: the base, the newest, and every keepEvery-th one replayed. */
  private readonly kept = new Map<number, Node>()
  private computed: { version: number; spans: AuthorSpan[] } | null = null

  constructor(readonly base: Node, readonly baseVersion: number) {
    this.doc = base
    this.version = baseVersion
    this.kept.set(baseVersion, base)
  }

  /** The newest version added. */
  get latest(): number {
    return this.baseVersion + this.steps.length
  }

  /**
   * Replay `op`, the op after the newest version added, and move to it. Throws RangeError when it is
   * not the next op or does not apply.
   */
  add(op: CommittedOp): void {
    const steps = this.decode(op)
    let doc = this.kept.get(this.latest)!
    for (const step of steps) {
      const result = step.apply(doc)
      if (!result.doc) throw new RangeError(`Op ${op.version} does not apply: ${result.failed}`)
      doc = result.doc
    }
    this.push(op, steps, doc)
  }

  /**
   * Add `ops`, the ops after the newest version added, in order, and move to the last of them. `doc`, the
   * document at the last of them when it is known (fetched), spares replaying them; without it they are
   * replayed once, along a StepApplier. Throws RangeError when they do not follow on or do not apply.
   */
  addAll(ops: readonly CommittedOp[], doc?: Node): void {
    if (!ops.length) return
    const decoded = ops.map(op => this.decode(op, op.version - ops[0].version))
    const final = doc ?? this.replayed(decoded)
    ops.forEach((op, i) => this.push(op, decoded[i], i == ops.length - 1 ? final : null))
  }

  /** Move to `version`, one of those added (baseVersion..latest), replaying from the nearest document kept. */
  moveTo(version: number): void {
    this.moveTowards(version, Infinity)
  }

  /**
   * Move toward `version`, one of those added, replaying at most `maxOps` ops from the nearest document
   * kept (or from where it is); true once there, else it stopped on the way and is to be called again.
   */
  moveTowards(version: number, maxOps: number): boolean {
    if (version < this.baseVersion || version > this.latest) throw new RangeError(`Version ${version} is outside ${this.baseVersion}..${this.latest}`)
    let from = this.baseVersion
    for (const kept of this.kept.keys()) if (kept <= version && kept > from) from = kept
    let doc = this.kept.get(from)!
    if (this.version <= version && this.version > from) {
      from = this.version
      doc = this.doc
    }
    const to = Math.min(version, from + maxOps)
    // These steps applied when they were added, to these very documents (or, added at once, on the hub).
    for (let at = from; at < to;) {
      for (const step of this.steps[at - this.baseVersion]) doc = step.apply(doc).doc!
      if (++at % keepEvery == 0) this.kept.set(at, doc)
    }
    this.doc = doc
    this.version = to
    return to == version
  }

  /** The inserted ranges of `doc` since the base version, in order, each with its author. */
  get spans(): AuthorSpan[] {
    if (this.computed?.version == this.version) return this.computed.spans
    // One ChangeSet over every map at once: merging the changes op by op costs far more.
    const count = this.version - this.baseVersion
    const maps: StepMap[] = [], data: string[] = []
    for (let i = 0; i < count; i++) for (const map of this.maps[i]) {
      maps.push(map)
      data.push(this.keys[i])
    }
    const spans: AuthorSpan[] = []
    for (const change of maps.length ? changesOf(this.base, this.doc, maps, data) : []) {
      let pos = change.fromB
      for (const span of change.inserted) {
        const author = this.authors.get(span.data)
        if (author && span.length) {
          const last = spans[spans.length - 1]
          if (last && last.to == pos && last.author == author) last.to += span.length
          else spans.push({ from: pos, to: pos + span.length, author })
        }
        pos += span.length
      }
    }
    this.computed = { version: this.version, spans }
    return spans
  }

  /** The newest document kept with `steps` applied, or a RangeError. */
  private replayed(steps: readonly Step[][]): Node {
    const applier = new StepApplier()
    let doc = this.kept.get(this.latest)!
    for (const step of steps.flat()) {
      const result = applier.apply(doc, step)
      if (!result.doc) throw new RangeError(`Ops after ${this.latest} do not apply: ${result.failed}`)
      doc = result.doc
    }
    return doc
  }

  /** The steps of `op`, checking that it comes `ahead` versions after the newest added. */
  private decode(op: CommittedOp, ahead = 0): Step[] {
    if (op.version != this.latest + 1 + ahead) throw new RangeError(`Expected op ${this.latest + 1 + ahead}, got ${op.version}`)
    return op.steps.map(json => Step.fromJSON(schema, json))
  }

  /** Take in `op` with its decoded `steps`, and `doc` after it when it is known, and move to it. */
  private push(op: CommittedOp, steps: Step[], doc: Node | null): void {
    const key = authorKey(op.author)
    this.authors.set(key, op.author)
    this.steps.push(steps)
    this.maps.push(steps.map(step => step.getMap()))
    this.keys.push(key)
    // The newest document is kept; the one before it stays only at the base or a keepEvery-th version.
    // Of a run added at once only the newest is known: the ones before are replayed when moved to.
    if (doc) {
      const previous = op.version - 1
      if (previous != this.baseVersion && previous % keepEvery != 0) this.kept.delete(previous)
      this.kept.set(op.version, doc)
      this.doc = doc
    }
    this.version = op.version
  }
}

/**
 * The changes `maps` make from `base` to `doc`, each map's ranges carrying its `data`, as a ChangeSet
 * gives them: minimized, by diffing what each change deleted against what it inserted. prosemirror-changeset
 * 2.4.6 throws in that diff for a change over 10,000 positions that starts or ends on a block's boundary
 * (it cuts the change's whole blocks and slices the change by their sizes: a paragraph made a heading
 * while 10,001 letters were pasted at its start); then every change is given as the maps made it,
 * merged the way a ChangeSet merges them, so that text retyped as it was counts as typed again.
 */
function changesOf(base: Node, doc: Node, maps: readonly StepMap[], data: readonly string[]): readonly Change<string>[] {
  try {
    return ChangeSet.create<string>(base).addSteps(doc, maps, data).changes
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error
    const combine = (a: string, b: string) => (a === b ? a : null) as string
    const single: Change<string>[] = []
    maps.forEach((map, i) => {
      // Each range of a map as a change of its own, after the ranges before it.
      let offset = 0
      map.forEach((fromA, toA, fromB, toB) => {
        const span = (length: number) => (length ? [{ length, data: data[i] }] : [])
        single.push(Change.fromJSON({ fromA: fromA + offset, toA: toA + offset, fromB, toB, deleted: span(toA - fromA), inserted: span(toB - fromB) }))
        offset += toB - fromB - (toA - fromA)
      })
    })
    const merged = (from: number, to: number): readonly Change<string>[] =>
      to == from + 1 ? [single[from]] : Change.merge(merged(from, (from + to) >> 1), merged((from + to) >> 1, to), combine)
    return single.length ? merged(0, single.length) : []
  }
}
