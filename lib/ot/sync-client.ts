import { type EditorState, Plugin, PluginKey, type Transaction } from "prosemirror-state"
import { AttrStep, DocAttrStep, ReplaceStep, Step, type StepMap } from "prosemirror-transform"
import type { Node } from "prosemirror-model"
import type { BlockWrite, LeanOp, StepJSON } from "../protocol/messages"
import { limits } from "../protocol/limits"
import { overTransformBudget } from "../protocol/transform-budget"
import { ConcordError } from "../protocol/errors"
import { stepPlaceProblem } from "../schema/validate-step"
import { mapStep } from "./map-step"
import { safeApply, stepTransformed } from "./apply-step"
import { addStep } from "./internals/transform-add-step"
import { setMirror } from "./internals/mapping-set-mirror"
import { StepApplier } from "./step-applier"
import { itemTransaction } from "./item-transaction"
import { PiecesStep } from "./pieces-step"
import { StepInverter } from "./step-inverter"
import { BatchMapping } from "./batch-mapping"
import { invertReadsDoc, isInsertion, sameInsertion, stepText } from "./step-info"
import { followSplit, mayDelete, splitAround } from "./kept-insertions"
import { InsertedRanges } from "./inserted-ranges"
import { othersStepsMeta, type StepSpan } from "./others-steps"
import { mergeSteps } from "./merge-steps"
import { unmergeCommitted } from "./unmerge-steps"
import { type StepRun, typingRuns } from "./typing-runs"
import { TextEdges } from "./text-edges"
import { chunkedTransaction } from "./chunked-change"
import { markedStepJSON, restoredVersionOf, restoresOfJSON } from "./restores-meta"

/** Marks transactions made by the sync client (remote ops and rebases), so that they are not sent back. */
export const syncKey = new PluginKey("concord-sync")

// prosemirror-history merges adjacent steps of an event into one item unless a plugin asks it to keep
// them apart, while its handling of "rebased" transactions pairs its newest items one to one with the
// steps rebased: merged items would be paired with the wrong steps, and undo would then undo the wrong
// change or throw. prosemirror-collab's plugin asks the same.
// The plugin also keeps out a local edit that may not go where it is made (a wrap that would nest the
// document deeper than limits.maxNodeDepth): the hub would refuse the whole batch holding it.
const syncPlugin = new Plugin({
  key: syncKey,
  historyPreserveItems: true,
  filterTransaction: tr => tr.getMeta(syncKey) != null || !tr.docChanged || tr.steps.every((step, i) => !stepPlaceProblem(step, tr.docs[i]))
})

/** A local step not yet confirmed by the hub, with its inverse (to undo it when rebasing). */
interface Unconfirmed {
  step: Step
  inverted: Step
  /** Index of the step its batch was sent with, which steps merged into one share (see mergeSteps); for pending steps, -1. */
  origin: number
  /** An insertion that stays left of what others insert at the same point concurrently (SubmitRequest.stickLeft, see TextEdges). */
  stickLeft: boolean
  /** The version the step's transaction restored (see restoresMeta): it goes in a batch of restore steps only. */
  restores?: number
  /**
   * Shared by the pieces of one step that a rebase split around others' typing (splitAround), which
   * follow each other: one item of undo history, as the step was (see itemTransaction).
   */
  group?: number
}

/** What SyncClient's redo made of the unconfirmed steps, for rebase to take. */
interface Redone {
  tr: Transaction
  /** The new confirmed document: the old one with the steps rebased over. */
  confirmed: Node
  inflight: Unconfirmed[]
  pending: Unconfirmed[]
  /** The document after the steps in flight, when steps not sent yet follow them. */
  inflightAfter: Node | null
  /** Steps in flight that no longer apply, and steps not sent yet that no longer apply. */
  lost: LocalDrop[]
  dropped: LocalDrop[]
  /** For each step in flight then not sent, the index of the step it redoes. */
  from: number[]
  /** True when a step was split into pieces around others' typing. */
  split: boolean
  /**
   * The maps of what the unconfirmed steps became, a run of typing moved whole as one map: mapping
   * through them is mapping through the redone steps of `tr`, at the cost of a run, not a keystroke.
   */
  redoneMaps: StepMap[]
}

/** A batch on its way to the hub, as it was sent (to resend it unchanged after a reconnect). */
export interface Batch {
  seq: number
  baseVersion: number
  steps: StepJSON[]
  /** Indices of the insertions that stay left of what others insert at the same point concurrently (SubmitRequest.stickLeft). */
  stickLeft?: number[]
  /** Last-writer-wins documents: the writer's clock and the blocks the steps changed (see BatchDescriber). */
  clock?: number
  blocks?: BlockWrite[]
  /** The version the batch's steps restore the document to (SubmitRequest.restores). */
  restores?: number
}

/**
 * Adds what a document's conflict strategy needs to a batch, given the confirmed document the batch
 * is written on and the document after it: last-writer-wins documents send block values and a clock.
 */
export type BatchDescriber = (before: Node, after: Node) => Pick<Batch, "clock" | "blocks">

/** A local step that was never sent and no longer applies after a rebase: it is lost, and the user should be told. */
export interface LocalDrop {
  /** The step as it was before the rebase. */
  step: StepJSON
  /** The text it would have inserted (empty when it inserted none). */
  text: string
}

/** What `receive` did. */
export interface ReceiveResult {
  /** Ops applied (own and remote); ops the client already had are skipped. */
  applied: number
  /** True when an op was missing before the ops given: the client must catch up from its version first. */
  gap: boolean
  /** The transactions the client applied to its state, for an editor view to follow. */
  transactions: Transaction[]
  /**
   * Local steps not yet sent that no longer apply over the ops received, so were dropped here; the
   * hub never sees them, so this is the only report of them (steps in flight are reported by the hub
   * in the op's `dropped`).
   */
  dropped: LocalDrop[]
}

/**
 * The unconfirmed part of a SyncClient, as JSON: with the confirmed document and its version, enough
 * to restore the client after its page is gone (a reload, a closed tab) and send its work exactly once.
 */
export interface UnconfirmedWork {
  nextSeq: number
  /** The seq of the newest batch an op confirmed (0 before any). */
  confirmedSeq: number
  /** The batch in flight as sent, with its steps as rebased onto the confirmed document since and their index in the batch. */
  inflight: { batch: Batch; steps: StepJSON[]; origins: number[] } | null
  /** The steps not sent yet, on the confirmed document after the steps in flight. Steps of a restore are marked (see markedStepJSON). */
  pending: StepJSON[]
}

/**
 * UnconfirmedWork as the client holds it, its steps as Step objects (immutable: a writer may cache their
 * JSON), without copying: read it at once, as the client's next change changes it.
 */
export interface UnconfirmedView {
  readonly nextSeq: number
  readonly confirmedSeq: number
  readonly inflight: { readonly batch: Batch; readonly steps: readonly { readonly step: Step; readonly origin: number; readonly restores?: number }[] } | null
  readonly pending: readonly { readonly step: Step; readonly restores?: number }[]
}

/** Options for a SyncClient. */
export interface SyncClientOptions {
  clientId: string
  /** The confirmed version `state.doc` is at. */
  version: number
  state: EditorState
  /** The seq of the next batch; carry it over when a client restarts with the same id. */
  nextSeq?: number
  maxStepsPerBatch?: number
  describeBatch?: BatchDescriber
}

/**
 * The client side of Concord's sync: holds the confirmed version, the batch in flight and the local
 * steps not yet sent, and keeps `state` equal to the confirmed document plus those local steps. Local
 * edits apply at once; committed ops from the hub arrive in hub order and local steps are rebased over
 * them (undo local, apply remote, redo mapped local). Its own batch comes back in the hub's transformed
 * form, which replaces the local form, so the client always ends at the hub's document. Pure: the caller
 * moves messages.
 */
export class SyncClient {
  readonly clientId: string
  /** The confirmed document plus the unconfirmed steps; carries the sync plugin, which a replacement state must keep. */
  state: EditorState
  version: number
  nextSeq: number
  /** The document at `version`: `state.doc` without the unconfirmed steps. */
  private confirmed: Node
  /**
   * The batch in flight, as sent and as it stands after rebases, with the confirmed document plus its
   * steps when known (worked out when needed, see inflightDoc).
   */
  private inflight: { batch: Batch; steps: Unconfirmed[]; after: Node | null; lost?: LocalDrop[]; concurrentSteps: number } | null = null
  private pending: Unconfirmed[] = []
  /** The seq of the newest batch of this client's that an op confirmed (0 before any). */
  private confirmedSeq = 0
  private changes = 0
  /** The next id for the pieces of a step split around others' typing (Unconfirmed.group). */
  private groups = 0
  /** Where the newest text this client and others typed begins and ends, for its insertions to say which side they stick to. */
  private readonly edges = new TextEdges()
  private readonly maxStepsPerBatch: number
  private readonly describeBatch: BatchDescriber | null

  constructor(options: SyncClientOptions) {
    this.clientId = options.clientId
    const state = options.state
    this.state = syncKey.get(state) ? state : state.reconfigure({ plugins: state.plugins.concat(syncPlugin) })
    this.version = options.version
    this.confirmed = state.doc
    this.nextSeq = options.nextSeq ?? 1
    this.maxStepsPerBatch = options.maxStepsPerBatch ?? limits.maxStepsPerBatch
    this.describeBatch = options.describeBatch ?? null
  }

  /**
   * Take back the work a client of this id had not had confirmed, written on the confirmed document
   * this client starts from (`version` and `state.doc`, with nothing unconfirmed yet): its state shows
   * that work at once, and the batch in flight goes out again as it was sent. Returns the transactions
   * applied, for an editor view to follow. Throws ConcordError ERR_STEP_INVALID when the work does not
   * apply to the document (stored data that does not belong together), changing nothing.
   */
  resumeWork(work: UnconfirmedWork): readonly Transaction[] {
    if (!this.idle) throw new RangeError("SyncClient.resumeWork called with unconfirmed steps")
    const tr = this.state.tr
    const origins = work.inflight ? work.inflight.origins : []
    const unconfirmed = (work.inflight ? work.inflight.steps : []).concat(work.pending).map((json, i): Unconfirmed => {
      const before = tr.doc
      let step: Step
      let failed: string | null
      try {
        step = Step.fromJSON(this.state.schema, json)
        failed = tr.maybeStep(step).failed
      } catch (error) {
        failed = error instanceof Error ? error.message : String(error)
      }
      if (failed != null) throw new ConcordError("ERR_STEP_INVALID", `Stored step ${i} does not apply to the stored document: ${failed}`)
      const inflight = i < origins.length
      const resumed: Unconfirmed = { step: step!, inverted: step!.invert(before), origin: inflight ? origins[i] : -1, stickLeft: false }
      // A batch in flight says whether its steps restore; each step not sent yet says it for itself.
      const restores = inflight ? work.inflight!.batch.restores : restoresOfJSON(json)
      if (restores !== undefined) resumed.restores = restores
      return resumed
    })
    this.nextSeq = work.nextSeq
    this.confirmedSeq = work.confirmedSeq
    this.inflight = work.inflight ? { batch: work.inflight.batch, steps: unconfirmed.slice(0, origins.length), after: null, concurrentSteps: 0 } : null
    this.pending = unconfirmed.slice(origins.length)
    this.changes++
    return this.apply(tr.setMeta(syncKey, true).setMeta("addToHistory", false))
  }

  /** The text the unconfirmed steps insert (in flight, then not sent), in order: what would be lost with them. */
  unconfirmedText(): string {
    return [...(this.inflight ? this.inflight.steps : []), ...this.pending].map(u => stepText(u.step)).join("")
  }

  /**
   * Counts the changes of what `work()`, `version` and `confirmedDoc` say (not of the selection): a
   * writer of those compares it with the one it wrote.
   */
  get revision(): number {
    return this.changes
  }

  /** The document at `version`, without the unconfirmed steps. */
  get confirmedDoc(): Node {
    return this.confirmed
  }

  /** The unconfirmed work as JSON, to store (see restore). */
  work(): UnconfirmedWork {
    const { inflight, pending, ...seqs } = this.workView()
    return {
      ...seqs,
      inflight: inflight ? { batch: inflight.batch, steps: inflight.steps.map(u => markedStepJSON(u.step, u.restores)), origins: inflight.steps.map(u => u.origin) } : null,
      pending: pending.map(u => markedStepJSON(u.step, u.restores))
    }
  }

  /** The unconfirmed work, uncopied (see UnconfirmedView). */
  workView(): UnconfirmedView {
    const { nextSeq, confirmedSeq, inflight, pending } = this
    return { nextSeq, confirmedSeq, inflight: inflight && { batch: inflight.batch, steps: inflight.steps }, pending }
  }

  /** Local steps not yet confirmed: in flight plus not yet sent. */
  get unconfirmedCount(): number {
    return (this.inflight ? this.inflight.steps.length : 0) + this.pending.length
  }

  /** The batch waiting for its acknowledgement, as sent; resend it unchanged after a reconnect. */
  get inflightBatch(): Batch | null {
    return this.inflight ? this.inflight.batch : null
  }

  /**
   * True when the hub would refuse the batch in flight, for the ops received since its base (see
   * overTransformBudget): then requeue it, rebased here already, rather than send it as it is.
   */
  get inflightTooOld(): boolean {
    return !!this.inflight && !this.inflightFitsAfter([])
  }

  /**
   * Whether the batch in flight would still be within the hub's transform budget once `ops` (others'
   * ops, in order from this client's version, as a join brings them) are received: then it may go out
   * before they are, the hub transforming it while this client rebases it. False when nothing is in
   * flight, and when `ops` hold a gap or an op of this client's.
   */
  inflightFitsAfter(ops: readonly LeanOp[]): boolean {
    const inflight = this.inflight
    if (!inflight) return false
    let version = this.version, concurrent = inflight.concurrentSteps
    for (const op of ops) {
      if (op.version <= version) continue
      if (op.version != version + 1 || op.clientId == this.clientId) return false
      version = op.version
      concurrent += op.steps.length
    }
    return overTransformBudget(version - inflight.batch.baseVersion, concurrent, inflight.batch.steps.length) == null
  }

  /** True when nothing is in flight and nothing waits to be sent. */
  get idle(): boolean {
    return !this.inflight && this.pending.length == 0
  }

  /**
   * Apply a local transaction (and whatever plugins append to it); its steps join the pending ones. A
   * long deletion or paste is applied in chunks (chunkedTransaction), so that it and its undo can be sent.
   */
  apply(tr: Transaction): readonly Transaction[] {
    const { state, transactions } = this.state.applyTransaction(tr.getMeta(syncKey) ? tr : chunkedTransaction(this.state, tr))
    this.state = state
    for (const t of transactions) this.record(t)
    return transactions
  }

  /**
   * The hub refused the batch in flight without committing it, because its base is too old for the hub
   * to transform: its steps, as rebased since, go back in front of the pending ones, to be sent again on
   * the newer base under the same seq. Returns the steps of that batch that rebasing had dropped, which
   * no op will now report.
   */
  requeue(): LocalDrop[] {
    const inflight = this.inflight
    if (!inflight) return []
    this.inflight = null
    this.pending = inflight.steps.concat(this.pending)
    this.nextSeq = inflight.batch.seq
    this.changes++
    return inflight.lost ?? []
  }

  /**
   * Take the hub's word, from a join, on the seq this client's next batch carries: a batch in flight
   * that the hub has not committed (its seq at or past that one) is renumbered to it, so that seqs stay
   * consecutive whatever batches the hub refused before. A join answered before an op of this client's
   * that has arrived since says too low a seq: the seqs past the confirmed one are kept.
   */
  resume(nextSeq: number): void {
    nextSeq = Math.max(nextSeq, this.confirmedSeq + 1)
    if (!this.inflight) this.nextSeq = nextSeq
    else if (this.inflight.batch.seq >= nextSeq) {
      this.inflight.batch.seq = nextSeq
      this.nextSeq = nextSeq + 1
    }
    this.changes++
  }

  /** Take the next batch to send: null while one is in flight or when there is nothing to send. */
  nextBatch(): Batch | null {
    if (this.inflight || this.pending.length == 0) return null
    // A restore goes alone, so that its op says what it did and no typing around it is taken for part of it.
    const restores = this.pending[0].restores
    // Adjacent typing and deletions go as one step each: the hub transforms fewer steps and the batch
    // holds more of the work; locally the steps stay as typed, one for each of undo history's items.
    const merged = mergeSteps(this.pending, this.maxStepsPerBatch, u => u.restores === restores)
    const steps = this.pending.splice(0, merged.groups.length)
    steps.forEach((u, i) => (u.origin = merged.groups[i]))
    const batch: Batch = { seq: this.nextSeq++, baseVersion: this.version, steps: merged.steps.map(step => step.toJSON()) }
    if (restores !== undefined) batch.restores = restores
    // A merged step sticks where its first keystroke did.
    const stickLeft = steps.flatMap((u, i) => u.stickLeft && (i == 0 || merged.groups[i - 1] != merged.groups[i]) ? [merged.groups[i]] : [])
    if (stickLeft.length) batch.stickLeft = stickLeft
    this.inflight = { batch, steps, after: this.pending.length == 0 ? this.state.doc : null, concurrentSteps: 0 }
    this.changes++
    if (this.describeBatch) Object.assign(batch, this.describeBatch(this.confirmed, this.inflightDoc()))
    return batch
  }

  /**
   * Receive committed ops in hub order. Ops at or below the confirmed version are skipped; a gap is
   * reported and nothing after it applied. Remote runs are rebased over in one transaction each; the
   * client's own batch confirms the batch in flight.
   */
  receive(ops: readonly LeanOp[]): ReceiveResult {
    const result: ReceiveResult = { applied: 0, gap: false, transactions: [], dropped: [] }
    let run: Step[] = []
    let runVersion = this.version
    const flush = () => {
      if (run.length) this.rebaseRemote(run, result)
      this.version = runVersion
      run = []
    }
    for (const op of ops) {
      if (op.version <= runVersion) continue
      if (op.version != runVersion + 1) {
        result.gap = true
        break
      }
      const own = this.inflight && op.clientId == this.clientId && op.seq == this.inflight.batch.seq
      if (own) {
        flush()
        this.confirm(op, result)
      } else {
        for (const json of op.steps) run.push(Step.fromJSON(this.state.schema, json))
        if (this.inflight) this.inflight.concurrentSteps += op.steps.length
      }
      runVersion = op.version
      result.applied++
    }
    if (result.applied) this.changes++
    flush()
    return result
  }

  private confirm(op: LeanOp, out: ReceiveResult): void {
    const inflight = this.inflight!
    this.inflight = null
    this.confirmedSeq = op.seq
    const local = inflight.steps
    // The hub committed the batch as sent, with nothing received since it was sent, or committed the
    // steps in flight as they stand: the local state already is the hub's plus what was not sent yet.
    const asSent = this.version == inflight.batch.baseVersion && sameJSON(op.steps, inflight.batch.steps)
    if (asSent && !inflight.after && op.steps.length < Math.min(local.length, this.pending.length)) {
      // Fewer steps to apply than the keystrokes in flight or those not sent yet.
      this.confirmed = applyAll(this.confirmed, op.steps.map(json => Step.fromJSON(this.state.schema, json)), new StepApplier())
      return
    }
    if (asSent || (op.steps.length == local.length && op.steps.every((json, i) => sameJSON(json, local[i].step.toJSON())))) {
      this.confirmed = this.inflightDoc(inflight)
      return
    }
    const hubSteps = op.steps.map(json => Step.fromJSON(this.state.schema, json))
    // Steps of another form may still make the same document (a last-writer-wins hub writes a block as
    // one minimal replace): then the local state already is the hub's plus what was not sent yet.
    const mine = this.inflightDoc(inflight)
    if (this.sameOutcome(mine, hubSteps)) {
      this.confirmed = mine
      return
    }
    // A version-vector hub also sets attributes (vv, conflict) after the content, and then the batch's
    // rename if it had one: when the content and the rename are ours, only the attribute steps are new
    // (a rename moves no position), and the unsent steps are rebased over them alone.
    let content = hubSteps.length
    while (content > 0 && (hubSteps[content - 1] instanceof AttrStep || hubSteps[content - 1] instanceof DocAttrStep)) content--
    const tail = hubSteps.slice(content), attributes = tail.filter(step => step instanceof AttrStep)
    if (attributes.length && this.sameOutcome(mine, hubSteps.slice(0, content).concat(tail.filter(step => !(step instanceof AttrStep))))) {
      this.confirmed = mine
      return this.rebase(attributes, this.pending, 0, null, out)
    }
    // The hub's form differs from ours: undo ours, apply the hub's, redo what was not sent yet.
    // Which committed step each step in flight became, one for one past the dropped ones, for undo
    // history and the steps not sent yet to follow. With `origins` (the hub committed a step as several
    // around others' typing), the steps committed as one are paired here, and the pieces of a split one
    // are its undo item's as one step (splitCommitted, itemTransaction). A step the client merged from
    // several (mergeSteps) and the hub only moved is split back into those.
    const hubIndexOf = new Map<number, number>()
    let origins = op.origins
    if (origins) {
      const count = new Map<number, number>()
      for (const origin of origins) count.set(origin, (count.get(origin) ?? 0) + 1)
      origins.forEach((origin, j) => { if (count.get(origin) == 1) hubIndexOf.set(origin, j) })
    } else {
      const dropped = new Set((op.dropped ?? []).map(d => d.index))
      origins = []
      for (let i = 0; i < inflight.batch.steps.length; i++) if (!dropped.has(i)) hubIndexOf.set(i, origins.push(i) - 1)
    }
    const { steps, pairs, sources } = unmergeCommitted(this.confirmed, hubSteps, local, hubIndexOf)
    const committed = splitCommitted(local, sources.map(j => origins[j]))
    if (committed.size || local.some(u => u.group != null)) {
      // The other items in flight, each committed as one step, as rebase pairs them.
      for (const [i, j] of pairs) if (local[i].group == null && sameInsertion(local[i].step, steps[j])) committed.set(i, { from: j, to: j + 1 })
    }
    this.rebase(steps, local.concat(this.pending), local.length, pairs, out, committed)
  }

  /** The confirmed document plus the steps in flight: from whichever is shorter, the steps in flight or the pending ones. */
  private inflightDoc(inflight = this.inflight!): Node {
    if (inflight.after) return inflight.after
    let doc = this.state.doc
    const applier = new StepApplier()
    if (inflight.steps.length <= this.pending.length) {
      doc = applyAll(this.confirmed, inflight.steps.map(u => u.step), applier)
    } else {
      for (let i = this.pending.length - 1; i >= 0; i--) doc = applier.apply(doc, this.pending[i].inverted).doc!
    }
    return (inflight.after = doc)
  }

  /** True when `hubSteps` turn the confirmed document into `mine`, the document the steps in flight made. */
  private sameOutcome(mine: Node, hubSteps: readonly Step[]): boolean {
    const applier = new StepApplier()
    let doc: Node | null = this.confirmed
    for (let i = 0; i < hubSteps.length && doc; i++) doc = applier.apply(doc, hubSteps[i]).doc
    return !!doc && doc.eq(mine)
  }

  private rebaseRemote(over: Step[], out: ReceiveResult): void {
    const inflight = this.inflight ? this.inflight.steps : []
    this.rebase(over, inflight.concat(this.pending), inflight.length, null, out)
  }

  /**
   * Undo the unconfirmed steps `all` (the first `inflightCount` of them in flight), apply `over`, and
   * redo them mapped over it. With `replaced`, `over` is the committed form of the steps in flight:
   * those are not redone but mirrored to their committed counterparts (`replaced` maps the index of a
   * step in flight to its counterpart's in `over`), so undo history follows them.
   * A step is mirrored only to a counterpart that inserts the same content (sameInsertion); undo
   * history forgets one that was refitted. Pending steps that no longer apply are reported in `out.dropped`.
   * Without `replaced`, runs of typing are mapped as one step each and moved together (see redo), unless
   * one of them would not land whole: then every step is mapped on its own. `committed` says which
   * range of `over` each undo item in flight became, where one became several steps. When a step is
   * made of pieces (Unconfirmed.group), the editor takes the rebase with each undo item one step
   * (itemTransaction).
   */
  private rebase(
    over: Step[],
    all: Unconfirmed[],
    inflightCount: number,
    replaced: Map<number, number> | null,
    out: ReceiveResult,
    committed?: Map<number, { from: number; to: number }>
  ): void {
    const runs = replaced ? null : typingRuns(all, inflightCount)
    const rebased = (runs && runs.length < all.length ? this.redo(over, all, inflightCount, null, runs) : null) ??
      this.redo(over, all, inflightCount, replaced, null)!
    const { inflight, pending, inflightAfter, lost, dropped } = rebased
    // Pieces of a split step are one undo item: the editor takes the rebase with each item one step.
    const byItem = rebased.split || (committed && committed.size > 0) || all.some(u => u.group != null)
      ? itemTransaction(this.state, { all, over, redone: rebased.tr.steps.slice(all.length + over.length), redoneFrom: rebased.from, committed })
      : null
    const tr = byItem ? byItem.tr : rebased.tr
    this.confirmed = rebased.confirmed
    if (this.inflight) {
      Object.assign(this.inflight, { steps: inflight, after: inflightAfter ?? tr.doc })
      if (lost.length) (this.inflight.lost ??= []).push(...lost)
    }
    this.pending = pending
    out.dropped.push(...dropped)
    tr.setMeta("rebased", byItem ? byItem.items : all.length).setMeta("addToHistory", false).setMeta(syncKey, true)
    // Which steps are others' (not the committed form of this client's own, `replaced`): their text is kept from undo (keepOthersText).
    if (!replaced) {
      const from = byItem ? byItem.items : all.length
      tr.setMeta(othersStepsMeta, { from, to: from + over.length } satisfies StepSpan)
    }
    const { state, transactions } = this.state.applyTransaction(tr)
    this.state = state
    out.transactions.push(...transactions)
    if (rebased.tr.steps.length <= TextEdges.followLimit) this.edges.map(rebased.tr.mapping)
    else this.edges.restart(newestInsertion(this.pending.length ? this.pending : this.inflight?.steps ?? []))
    if (!replaced) this.noteOthersTyping(over, rebased.redoneMaps)
    for (const t of transactions.slice(1)) this.record(t)
  }

  /**
   * Tell the text edges where the newest of the remote steps `over` typed, in the document after them
   * and then `redone` (the maps of the unconfirmed steps redone over them).
   */
  private noteOthersTyping(over: readonly Step[], redone: readonly StepMap[]): void {
    const typed: { from: number; to: number }[] = []
    for (let j = Math.max(0, over.length - TextEdges.kept); j < over.length; j++) {
      const step = over[j]
      if (!isInsertion(step)) continue
      let from = step.from, to = step.from + step.slice.size
      for (let k = j + 1; k < over.length; k++) {
        const map = over[k].getMap()
        from = map.map(from, 1)
        to = map.map(to, -1)
      }
      typed.push({ from, to })
    }
    if (!typed.length) return
    for (const map of redone) for (const range of typed) {
      range.from = map.map(range.from, 1)
      range.to = map.map(range.to, -1)
    }
    for (const { from, to } of typed) this.edges.othersTyped(from, to)
  }

  /**
   * The transaction of a rebase (see rebase), and what the unconfirmed steps became, without changing
   * the client. With `runs`, each run of typing is mapped as one step and, when it lands whole (the same
   * text at one point), its steps are moved by the same distance without applying each: the mapping and
   * the documents then cost a run, not a keystroke. Returns null when a run does not land whole.
   */
  private redo(over: Step[], all: Unconfirmed[], inflightCount: number, replaced: Map<number, number> | null, runs: StepRun[] | null): Redone | null {
    const tr = this.state.tr
    // `tr.docs` is left holding only the documents somebody reads, since all of them would otherwise stay
    // alive until the transaction is applied. prosemirror-history reads `docs` only where a rebased step's
    // mirror lands, to invert the step there: the redone steps, or the committed form of the steps in
    // flight. So steps are added without applying them one by one (addStep) where their documents are
    // known or not needed, with the document a run ends at standing in for each step's own:
    // - Undoing the unconfirmed steps leads back to the confirmed document, known already.
    // - Remote steps are applied outside the transaction, unless they are the committed form of the steps
    //   in flight: undo history is then mirrored to them and reads their documents.
    // - A redone step that inverts without reading its document (see invertReadsDoc) gets the same stand-in.
    for (let i = all.length - 1; i >= 0; i--) addStep(tr, all[i].inverted, this.confirmed)
    const overStart = tr.steps.length
    const applier = new StepApplier()
    if (replaced) {
      for (const step of over) tr.step(step)
    } else {
      const end = applyAll(this.confirmed, over, applier)
      for (const step of over) addStep(tr, step, end)
    }
    const confirmed = tr.doc
    // What the steps rebased over typed, for deletions rebased over it to leave be as the hub does
    // (splitAround): around one insertion in one step, around more in pieces that stay one undo item.
    const inserted = !replaced && all.some(u => mayDelete(u.step)) ? InsertedRanges.of(tr.mapping.maps.slice(overStart)) : null
    // The same mappings as tr.mapping's slices below, answered in O(log n) each; with `replaced` the
    // mirrors point into `over`, a shape BatchMapping does not follow, so tr.mapping answers.
    const maps = tr.mapping.maps
    const units = runs ?? all.map((u, i): StepRun => ({ start: i, end: i + 1, step: u.step, inverse: maps[all.length - 1 - i] }))
    // A run sticks where its first keystroke does.
    const stickLeft = new Set(units.flatMap((unit, r) => all[unit.start].stickLeft ? [r] : []))
    const fast = replaced || all.length == 0 ? null : new BatchMapping(units.map(r => r.step), units.map(r => r.inverse), maps.slice(overStart), stickLeft)
    const out: Redone = { tr, confirmed, inflight: [], pending: [], inflightAfter: null, lost: [], dropped: [], from: [], split: false, redoneMaps: [] }
    const pairs = replaced ? undoPairs(over, all.slice(0, inflightCount), replaced) : null
    const keep = (i: number, step: Step, inverted: Step, group = all[i].group) => {
      const u: Unconfirmed = { step, inverted, origin: all[i].origin, stickLeft: all[i].stickLeft, restores: all[i].restores }
      if (group != null) u.group = group
      ;(i < inflightCount ? out.inflight : out.pending).push(u)
      out.from.push(i)
    }
    const drop = (i: number) => (i < inflightCount ? out.lost : out.dropped).push({ step: all[i].step.toJSON(), text: stepText(all[i].step) })
    for (let r = 0; r < units.length; r++) {
      const { start, end, step } = units[r]
      if (start == inflightCount) out.inflightAfter = tr.doc
      if (replaced && start < inflightCount) {
        const hubIndex = pairs!.get(start)
        if (hubIndex != null) setMirror(tr.mapping, all.length - 1 - start, overStart + hubIndex)
        continue
      }
      let mapped = mapStep(step, fast ? fast.mappingFor(r) : tr.mapping.slice(all.length - start), stickLeft.has(r))
      if (end - start > 1) {
        // A run of typing: moved whole where it lands whole, else every step is mapped on its own.
        const landed = mapped && landsWhole(step as ReplaceStep, mapped, tr.doc, applier)
        if (!landed) return null
        const runMap = mapped!.getMap()
        fast!.record(runMap, true)
        out.redoneMaps.push(runMap)
        const shift = (mapped as ReplaceStep).from - (step as ReplaceStep).from
        for (let i = start; i < end; i++) {
          const step = moved(all[i].step, shift)
          addStep(tr, step, i == end - 1 ? landed : confirmed)
          tr.docs[tr.docs.length - 1] = confirmed
          setMirror(tr.mapping, all.length - 1 - i, tr.steps.length - 1)
          keep(i, step, moved(all[i].inverted, shift))
        }
        inserted?.map(runMap)
        continue
      }
      const u = all[start]
      const split = inserted && mapped ? splitAround(tr.doc, mapped, inserted) : null
      const pieces = split && split.steps.length > 1 ? appliedPieces(tr.doc, split.steps, applier) : null
      if (pieces) {
        // Deleting around others' typing at several places takes several steps: they stay one undo item.
        fast!.record(split!.map, false)
        const group = u.group ?? this.groups++
        split!.steps.forEach((piece, n) => {
          const before = tr.doc
          addStep(tr, piece, pieces[n])
          const pieceMap = piece.getMap()
          inserted!.map(pieceMap)
          out.redoneMaps.push(pieceMap)
          keep(start, piece, piece.invert(before), group)
        })
        out.split = true
        continue
      }
      if (split && split.steps.length <= 1) mapped = split.steps[0] ?? null
      // Moved where it may not go (deeper than the limit, into what others wrapped): the hub drops it too.
      if (mapped && stepPlaceProblem(mapped, tr.doc)) mapped = null
      const applied = mapped && stepTransformed(tr, mapped, applier)
      const appliedMap = applied ? applied.getMap() : null
      if (appliedMap) {
        // A step that moved others' typing into what it inserts (typingPutBack) keeps it from the steps after it too.
        if (inserted && split && applied === split.steps[0]) followSplit(inserted, split)
        else inserted?.map(appliedMap)
        out.redoneMaps.push(appliedMap)
      }
      const mirrors = !!applied && ((split?.extends && applied === split.steps[0]) || sameInsertion(u.step, applied))
      fast?.record(appliedMap, mirrors)
      // The hub reports a dropped step in flight with its op; should it refuse the batch instead, see requeue.
      if (!applied) {
        drop(start)
        continue
      }
      // Undo history pairs each of its items with the step its mirror points to, and loses the maps of
      // steps paired with none that come after a pair: every rebased step is paired, as prosemirror-collab
      // pairs them. Positions are recovered through mirrors only where `fast` maps them, which recovers
      // only through same-shaped steps (`mirrors`); with `replaced`, tr.mapping maps, and only those pair.
      if (mirrors || fast) setMirror(tr.mapping, all.length - 1 - start, tr.steps.length - 1)
      const last = tr.docs.length - 1
      keep(start, applied, applied.invert(tr.docs[last]))
      if (!invertReadsDoc(applied)) tr.docs[last] = confirmed
    }
    return out
  }

  private record(tr: Transaction): void {
    if (!tr.docChanged) return
    if (tr.getMeta(syncKey)) return this.edges.map(tr.mapping)
    this.changes++
    const inverter = new StepInverter()
    const restores = restoredVersionOf(tr)
    const keep = (step: Step, before: Node, after: Node, group?: number) => {
      const unconfirmed: Unconfirmed = { step, inverted: inverter.invert(step, before, after), origin: -1, stickLeft: this.edges.record(step) }
      if (restores !== undefined) unconfirmed.restores = restores
      if (group != null) unconfirmed.group = group
      this.pending.push(unconfirmed)
    }
    for (let i = 0; i < tr.steps.length; i++) {
      const step = tr.steps[i]
      const next = i + 1 < tr.steps.length ? tr.docs[i + 1] : tr.doc
      if (!(step instanceof PiecesStep)) {
        keep(step, tr.docs[i], next)
        continue
      }
      // Undo or redo of the pieces of a split step: they go as the pieces, one undo item again.
      const group = step.pieces.length > 1 ? this.groups++ : undefined
      let before = tr.docs[i]
      for (const piece of step.pieces) {
        const after = piece.apply(before).doc!
        keep(piece, before, after, group)
        before = after
      }
    }
  }
}

/** Apply steps in order; a step that fails throws (committed steps always apply to the confirmed document). */
function applyAll(doc: Node, steps: readonly Step[], applier?: StepApplier): Node {
  for (const step of steps) {
    const result = applier ? applier.apply(doc, step) : step.apply(doc)
    if (!result.doc) throw new Error(`a committed step does not apply: ${result.failed}`)
    doc = result.doc
  }
  return doc
}

/**
 * The document after a run of typing mapped as one step, when it lands whole: the same text inserted
 * at one point, applying as it is; else null (cut by a deletion around it, or refitted).
 */
function landsWhole(run: ReplaceStep, mapped: Step, doc: Node, applier: StepApplier): Node | null {
  if (!(mapped instanceof ReplaceStep) || mapped.from != mapped.to || !mapped.slice.eq(run.slice)) return null
  return safeApply(mapped, doc, applier).doc
}

/** The documents after each of `steps`, applied in order to `doc`; null when one does not apply. */
function appliedPieces(doc: Node, steps: readonly Step[], applier: StepApplier): Node[] | null {
  const docs: Node[] = []
  for (const step of steps) {
    const next = safeApply(step, doc, applier).doc
    if (!next) return null
    docs.push((doc = next))
  }
  return docs
}

/** A step of a run of typing, moved with its run by `shift`: typing, or the deletion that inverts it. */
function moved(step: Step, shift: number): Step {
  const s = step as ReplaceStep
  return shift ? new ReplaceStep(s.from + shift, s.to + shift, s.slice) : s
}

/** Where the newest of `steps` inserted its text, when it is an insertion: the last step, so nothing after it moved it. */
function newestInsertion(steps: readonly Unconfirmed[]): { from: number; to: number } | null {
  const step = steps[steps.length - 1]?.step
  return step && isInsertion(step) ? { from: step.from, to: step.from + step.slice.size } : null
}

/**
 * The undo items in flight (by the index of their first step) that the hub committed as several steps,
 * each with the range of those steps: an item whose steps went in the batch as steps of their own, none
 * shared with another item, committed as consecutive steps (a deletion split around others' typing).
 * `origins` says, for each committed step, the index in the batch of the step it came from.
 */
function splitCommitted(inflight: readonly Unconfirmed[], origins: readonly number[]): Map<number, { from: number; to: number }> {
  const spans = new Map<number, { from: number; to: number }>()
  // The item of each origin, unless it has steps of two items (merged, see mergeSteps); those items are left out.
  const itemOfOrigin = new Map<number, number>()
  const shared = new Set<number>()
  let first = 0
  inflight.forEach((u, i) => {
    if (i > 0 && (u.group == null || u.group != inflight[i - 1].group)) first = i
    const item = itemOfOrigin.get(u.origin)
    if (item != null && item != first) shared.add(item).add(first)
    itemOfOrigin.set(u.origin, first)
  })
  const ranges = new Map<number, { from: number; to: number } | null>()
  origins.forEach((origin, j) => {
    const item = itemOfOrigin.get(origin)
    if (item == null || shared.has(item)) return
    const range = ranges.get(item)
    if (range === undefined) ranges.set(item, { from: j, to: j + 1 })
    else if (range && range.to == j) range.to++
    else ranges.set(item, null)
  })
  for (const [item, range] of ranges) if (range && range.to - range.from > 1) spans.set(item, range)
  return spans
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) == JSON.stringify(b)
}

/**
 * Which step in flight (by index) undo history pairs with which committed step of `over`, their
 * committed form: each with the step `replaced` names for it, where that one inserts the same content
 * (sameInsertion); none at all when a committed step paired with nothing (a step of another form; the
 * pieces of a deletion split around typing are paired as one by itemTransaction) comes after a paired one. prosemirror-history keeps, of a
 * rebased transaction, the maps of the remote steps before the first paired one and each paired step's
 * own map: such a step's map would be lost, and undo would later meet positions it cannot map
 * (RangeError). Pairing none leaves the batch out of undo history with every map kept. (Pairing only
 * those after the last unpaired one would keep the maps too, but would leave the batch's later undo
 * items without the first of their event, which holds it together.) Steps not sent yet that the rebase
 * refits are still paired with none: their maps could be lost the same way (not seen by the fuzzer).
 */
function undoPairs(over: readonly Step[], inflight: readonly Unconfirmed[], replaced: Map<number, number>): Map<number, number> {
  const pairs = new Map<number, number>()
  inflight.forEach((u, i) => {
    const hubIndex = replaced.get(i)
    if (hubIndex != null && sameInsertion(u.step, over[hubIndex])) pairs.set(i, hubIndex)
  })
  const paired = new Set(pairs.values())
  for (let j = Math.min(...paired) + 1; j < over.length; j++) if (!paired.has(j)) return new Map()
  return pairs
}
