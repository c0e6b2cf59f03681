import type { Node } from "prosemirror-model"
import { Step, type StepMap } from "prosemirror-transform"
import { schema, checkStepContent, compactJSON, malformedStep, setsVectorAttrs, stepContentProblem, stepPlaceProblem } from "../../lib/schema"
import { transformBatch, summarizeSteps, summaryText, summaryPhrases, StepSummarizer, outOfRange, sizeBefore, type TransformedBatch } from "../../lib/ot"
import { applyWrites, type LwwGranularity } from "../../lib/strategies/block-writes"
import { applyVectorWrites } from "../../lib/strategies/vv/writes"
import { withDocAttrSteps } from "../../lib/strategies/doc-attr-steps"
import { ConcordError, limits, overTransformBudget, type Author, type CommittedOp, type LwwStamp, type LwwWrite, type RestoredVersion, type SubmitRequest, type SubmitResult, type VvWrite } from "../../lib/protocol"
import type { DocumentMode } from "../../lib/strategies/mode"
import { modeOf } from "../../lib/strategies/registry"
import type { HubDocument } from "./hub-document"
import { committedUnder } from "./dedup"
import { findRestored, restoredSummary } from "./restored-version"
import type { SubmitContext } from "./submit-context"

/** A batch that passed every check and was applied in memory; `commit` settles once it is durable. */
export interface PreparedSubmit {
  op: CommittedOp
  duplicate: boolean
  commit: Promise<void>
}

// The pipeline, one small step each, in the order prepareSubmit runs them (ShareDB's submit request runs
// the same checks): check strategy -> check version -> parse steps -> dedup -> find the restored version
// -> settle (by the document's mode: check distance -> load concurrent ops -> check bounds -> transform
// and apply; or settle block writes by clock or vector) -> check size -> build op -> commit -> publish
// (once durable, before the acknowledgement).

function checkStrategy(mode: DocumentMode, doc: HubDocument, request: SubmitRequest): void {
  if (mode.carries == "updates")
    throw new ConcordError("ERR_STRATEGY_MISMATCH", `Document ${doc.id} is a CRDT document: send Yjs updates with "update", not steps`)
  if (mode.carries == "blocks" && !request.blocks)
    throw new ConcordError("ERR_STRATEGY_MISMATCH", `Document ${doc.id} resolves conflicts per block (${doc.strategy}): send the changed blocks with the steps`)
}

/**
 * Only a version-vector document's blocks carry version vectors and versions in conflict, which its
 * hub writes: on any other document a step that sets them, or inserts a block carrying them, is
 * refused (the editor would show a made-up conflict). On a version-vector document a client's steps
 * may carry copies of them (a split block, an undo), which the hub settles.
 */
function checkVectorAttrs(mode: DocumentMode, steps: readonly Step[]): void {
  if (mode.blocks?.by == "vector") return
  const index = steps.findIndex(setsVectorAttrs)
  if (index >= 0)
    throw new ConcordError("ERR_SCHEMA_VIOLATION", `Step ${index}: only a version-vector document's blocks carry version vectors and conflicts`)
}

/** A batch or update may be based on any version the document has, none newer than its head (both pipelines). */
export function checkBaseVersion(doc: HubDocument, baseVersion: number | undefined): void {
  if (baseVersion !== undefined && baseVersion > doc.version)
    throw new ConcordError("ERR_VERSION_FROM_FUTURE", `Base version ${baseVersion} is newer than the document's version ${doc.version}`)
}

async function findDuplicate(ctx: SubmitContext, doc: HubDocument, request: SubmitRequest, submitted: () => string): Promise<CommittedOp | null> {
  const earlier = await committedUnder(ctx, doc, request.clientId, request.seq)
  if (!earlier) return null
  if (JSON.stringify(earlier.original ?? earlier.steps) != submitted())
    throw new ConcordError("ERR_SEQ_REUSED", `Seq ${request.seq} of client ${request.clientId} was already committed with other steps`)
  return earlier
}

/**
 * Bound the hub's work for one batch, before any is done: its base may be at most limits.maxSubmitBehind
 * ops behind. Past that the client catches up (the join pages the ops) and rebases the batch itself.
 * Runs after dedup: a resend of a committed batch is acknowledged however old its base.
 */
function checkDistance(doc: HubDocument, request: SubmitRequest): void {
  const over = overTransformBudget(doc.version - request.baseVersion, 0, 0)
  if (over) throw tooOld(request, over)
}

/**
 * Then bound it by the steps it would be transformed past (one op may hold a thousand): at most
 * limits.maxConcurrentSteps, and at most limits.maxTransformWork times the batch's own steps.
 */
function checkWork(request: SubmitRequest, concurrent: readonly StepMap[]): void {
  const over = overTransformBudget(0, concurrent.length, request.steps.length)
  if (over) throw tooOld(request, over)
}

function tooOld(request: SubmitRequest, behind: string): ConcordError {
  return new ConcordError("ERR_VERSION_TOO_OLD",
    `Base version ${request.baseVersion} is ${behind} behind the document: catch up and rebase the ${request.steps.length} steps before sending them`)
}

/** Refuse a batch whose steps do not fit the document they were written on (see outOfRange). */
function checkBounds(doc: HubDocument, steps: readonly Step[], concurrent: readonly StepMap[]): void {
  const problem = outOfRange(steps, sizeBefore(doc.doc.content.size, concurrent))
  if (problem) throw new ConcordError("ERR_STEP_INVALID", problem)
}

function parseSteps(request: SubmitRequest): Step[] {
  return request.steps.map((json, i) => {
    let step: Step
    try {
      step = Step.fromJSON(schema, json)
    } catch (e) {
      throw new ConcordError("ERR_SCHEMA_VIOLATION", `Step ${i}: ${e instanceof Error ? e.message : String(e)}`)
    }
    const problem = malformedStep(step)
    if (problem) throw new ConcordError("ERR_STEP_INVALID", `Step ${i}: ${problem}`)
    // Before transform: a step transformed past the loss of its place is dropped, never checked where it lands.
    const forbidden = stepContentProblem(step, schema)
    if (forbidden) throw new ConcordError("ERR_SCHEMA_VIOLATION", `Step ${i}: ${forbidden}`)
    return step
  })
}

/**
 * The step maps of the ops committed after `baseVersion`: from memory, else the older ones read from the
 * store a page at a time, giving up (ERR_VERSION_TOO_OLD) as soon as they hold more steps than a batch
 * may be transformed past, so that reading them is bounded too.
 */
async function concurrentMaps(ctx: SubmitContext, doc: HubDocument, request: SubmitRequest): Promise<StepMap[]> {
  const inMemory = doc.mapsAfter(request.baseVersion)
  if (inMemory) return inMemory
  const windowStart = doc.windowStart
  const recent = doc.mapsAfter(windowStart) ?? []
  const maps: StepMap[] = []
  for (let after = request.baseVersion; after < windowStart;) {
    const page = await ctx.storage.getOps(doc.id, after, windowStart, 100)
    if (!page.length) throw new ConcordError("ERR_STORAGE", `Ops after ${after} of ${doc.id} are missing from the store`)
    for (const op of page) for (const json of op.steps) maps.push(Step.fromJSON(schema, json).getMap())
    if (maps.length + recent.length > limits.maxConcurrentSteps) throw tooOld(request, `more than ${limits.maxConcurrentSteps} steps`)
    after = page[page.length - 1].version
  }
  return maps.concat(recent)
}

/** A batch ready to commit, with its summary when that was worked out on the way. */
type Transformed = TransformedBatch & { summary?: string }

function transformAndApply(doc: HubDocument, steps: Step[], concurrent: StepMap[], stickLeft?: readonly number[]): Transformed {
  // What the steps carry was checked as they were parsed, and transform moves them without changing it:
  // where they land, only what depends on the place. A batch written on the head is refused for a step
  // that may not go where it was written; a step that concurrent changes moved there (text wrapped
  // deeper meanwhile) is dropped and reported, as a step that no longer applies is: the hub cannot tell
  // it from one written there, without the document the batch was written on.
  const check = (step: Step, at: Node) => {
    const problem = stepPlaceProblem(step, at)
    if (problem && concurrent.length == 0) throw new ConcordError("ERR_SCHEMA_VIOLATION", problem)
    return problem
  }
  // Described as the steps apply, so that no intermediate document outlives the transform.
  const summarizer = new StepSummarizer(summaryPhrases)
  let result: TransformedBatch
  try {
    result = transformBatch(doc.doc, steps, concurrent, {
      check, applied: (committed, at) => summarizer.addCommitted(committed, at), applier: doc.applier, stickLeft: stickLeft && new Set(stickLeft)
    })
  } catch (e) {
    // ProseMirror throws rather than fails for some steps that cannot apply (a node mark on text, say):
    // the client's steps are at fault, and the head is untouched (transformBatch is pure).
    throw ConcordError.from(e, "ERR_STEP_INVALID")
  }
  if (concurrent.length == 0 && result.dropped.length)
    throw new ConcordError("ERR_STEP_INVALID", `Step ${result.dropped[0].index} does not apply at version ${doc.version}: ${result.dropped[0].reason}`)
  return { ...result, summary: summaryText(summarizer.changes, summaryPhrases, summarizer.total) }
}

/** Check what each of the hub's own steps for block writes carries, against the document it applies to. */
function checkSteps(head: Node, steps: readonly Step[]): void {
  let at = head
  for (const step of steps) {
    const problem = checkStepContent(step, at)
    if (problem) throw new ConcordError("ERR_SCHEMA_VIOLATION", problem)
    at = step.apply(at).doc ?? at
  }
}

/** What settling last-writer-wins writes adds to a transformed batch: the records and the registers' new stamps. */
interface LwwResult {
  writes: LwwWrite[]
  stamps: Map<string, LwwStamp>
}

/** Last-writer-wins documents: settle the batch's block writes by clock instead of transforming its steps. */
function resolveWrites(ctx: SubmitContext, doc: HubDocument, request: SubmitRequest, steps: readonly Step[], author: Author, unit: LwwGranularity): TransformedBatch & LwwResult {
  const now = ctx.now()
  const clock = request.clock ?? now
  const stamp = { clientId: request.clientId, author, clock, skew: clock - now }
  const stamps = new Map(doc.stamps)
  let applied
  try {
    const written = applyWrites(schema, doc.doc, stamps, request.blocks!, stamp, unit)
    const renamed = withDocAttrSteps(written, steps, { stamps, stamp })
    applied = { ...renamed, records: written.records.concat(renamed.records) }
  } catch (e) {
    throw new ConcordError("ERR_SCHEMA_VIOLATION", e instanceof Error ? e.message : String(e))
  }
  checkSteps(doc.doc, applied.steps)
  return { doc: applied.doc, steps: applied.steps, origins: [], dropped: [], moves: [], writes: applied.records, stamps }
}

/** What settling version-vector writes adds to a batch: the records, and the blocks whose value the writer now holds. */
interface VectorResult {
  vvWrites: VvWrite[]
  written: string[]
}

/** Version-vector documents: keep concurrent block writes side by side instead of transforming steps. */
function resolveVectorWrites(doc: HubDocument, request: SubmitRequest, steps: readonly Step[], author: Author): TransformedBatch & VectorResult {
  let applied
  try {
    const written = applyVectorWrites(schema, doc.doc, request.blocks!, { author, clientId: request.clientId }, block => doc.writers.get(block))
    const { steps: all, doc: after } = withDocAttrSteps(written, steps)
    applied = { ...written, steps: all, doc: after }
  } catch (e) {
    throw ConcordError.from(e, "ERR_SCHEMA_VIOLATION")
  }
  checkSteps(doc.doc, applied.steps)
  return { doc: applied.doc, steps: applied.steps, origins: [], dropped: [], moves: [], vvWrites: applied.records, written: applied.written }
}

/** The history panel's words for what version-vector writes did to the blocks of `doc`. */
function describeVectorWrites(doc: Node, writes: readonly VvWrite[]): string {
  const place = (id: string) => {
    let name = "a deleted block"
    doc.forEach((node, _pos, index) => { if (node.attrs.id === id) name = `${node.type.name.replace("_", " ")} ${index + 1}` })
    return name
  }
  const names = (w: VvWrite) => [...new Set(w.against!.map(a => a.name))].join(" and ")
  return writes.filter(w => w.outcome != "applied").map(w => w.outcome == "resolved"
    ? `resolved the conflict in ${place(w.block)}`
    : w.continued
      ? `edited their version of ${place(w.block)}, still in conflict with ${names(w)}'s`
      : `edited ${place(w.block)} at the same time as ${names(w)}: both versions kept until someone picks one`).join("; ")
}

function checkSize(result: TransformedBatch): void {
  if (result.doc.content.size > limits.maxDocumentSize)
    throw new ConcordError("ERR_DOCUMENT_TOO_LARGE", `The document would grow past ${limits.maxDocumentSize} positions`)
}

function buildOp(ctx: SubmitContext, doc: HubDocument, request: SubmitRequest, author: Author, result: Transformed, parsed: readonly Step[], submitted: () => string, transformed: boolean, restored: RestoredVersion | null): CommittedOp {
  const steps = result.steps.map(s => s.toJSON())
  const op: CommittedOp = {
    version: doc.version + 1,
    clientId: request.clientId,
    seq: request.seq,
    baseVersion: request.baseVersion,
    steps,
    author,
    time: ctx.now()
  }
  // The steps as submitted, when the hub committed others: what the client sent stays on record.
  const asSubmitted = result.steps.length == parsed.length && result.steps.every((step, i) => step === parsed[i])
  if (!asSubmitted && JSON.stringify(steps) != submitted()) op.original = JSON.parse(submitted())
  if (result.dropped.length) op.dropped = result.dropped
  if (transformed && result.moves.some(m => m.from != m.mappedFrom || m.to != m.mappedTo)) op.moves = result.moves
  if (restored) op.restored = restored
  // A restore's words stand for its steps, which replace whatever differed from the version restored.
  const summary = restored ? restoredSummary(restored) : result.summary ?? summaryText(summarizeSteps(doc.doc, result.steps))
  if (summary) op.summary = summary
  return op
}

function commit(ctx: SubmitContext, doc: HubDocument, op: CommittedOp): Promise<void> {
  const snapshot = op.version % ctx.snapshotEvery == 0 ? { version: op.version, doc: compactJSON(doc.doc) } : undefined
  return ctx.storage.commit(doc.id, [op], snapshot, doc.follows(op)).then(
    () => publish(ctx, doc, doc.markDurable(op.version)),
    error => {
      throw doc.markBroken(error)
    }
  )
}

/** Publish the ops that just became durable to the document's room, in version order, before any is acknowledged. */
export function publish(ctx: SubmitContext, doc: HubDocument, ops: readonly CommittedOp[]): void {
  if (ops.length) ctx.publisher.publish(doc.id, ops)
}

/** A batch settled under its document's mode: what to commit, and what the mode adds to the op and to its registers. */
interface Settled {
  batch: Transformed
  /** True when the batch was transformed past concurrent ops. */
  transformed: boolean
  /** Add what the mode records to the built op (origins, block writes, words), and update the document's registers. */
  finish(op: CommittedOp): void
}

/**
 * Settle a batch as its document's mode does: steps are transformed over the ops committed since their
 * base (the distance and bounds checks first); block writes are settled by clock or by version vector,
 * whose base bounds no work.
 */
async function settle(ctx: SubmitContext, mode: DocumentMode, doc: HubDocument, request: SubmitRequest, steps: Step[], author: Author): Promise<Settled> {
  const blocks = mode.blocks
  if (blocks?.by == "clock") {
    const batch = resolveWrites(ctx, doc, request, steps, author, blocks.unit)
    return {
      batch, transformed: false,
      finish(op) {
        if (batch.writes.length) op.writes = batch.writes
        for (const [key, stamp] of batch.stamps) doc.stamps.set(key, stamp)
      }
    }
  }
  if (blocks?.by == "vector") {
    const batch = resolveVectorWrites(doc, request, steps, author)
    return {
      batch, transformed: false,
      finish(op) {
        if (batch.vvWrites.length) {
          op.vvWrites = batch.vvWrites
          const words = describeVectorWrites(batch.doc, batch.vvWrites)
          if (words) op.summary = op.summary ? `${op.summary}; ${words}` : words
        }
        for (const block of batch.written) doc.writers.set(block, { author, clientId: request.clientId })
      }
    }
  }
  checkDistance(doc, request)
  const concurrent = await concurrentMaps(ctx, doc, request)
  checkWork(request, concurrent)
  checkBounds(doc, steps, concurrent)
  const batch = transformAndApply(doc, steps, concurrent, request.stickLeft)
  return {
    batch, transformed: concurrent.length > 0,
    finish(op) {
      // A step committed as several (a deletion split around others' typing): say which each came from.
      if (batch.steps.length + batch.dropped.length != steps.length) op.origins = batch.origins
    }
  }
}

/**
 * Run a submitted batch through the pipeline up to its commit. Call it inside the document's queue:
 * it applies the op in memory, so the next batch can be transformed before this one is durable, and
 * returns the commit for the caller to await outside the queue (group commit batches them).
 */
export async function prepareSubmit(ctx: SubmitContext, doc: HubDocument, request: SubmitRequest, author: Author): Promise<PreparedSubmit> {
  if (doc.broken) throw new ConcordError("ERR_STORAGE", "The document is being reloaded after a storage failure; resend")
  const mode = modeOf(doc.strategy)
  checkStrategy(mode, doc, request)
  checkBaseVersion(doc, request.baseVersion)
  const steps = parseSteps(request)
  checkVectorAttrs(mode, steps)
  // The batch as submitted, as JSON text, worked out only when needed: to compare a resend with what its
  // seq committed, and to keep it with an op that commits other steps.
  let json: string | null = null
  const submitted = () => (json ??= JSON.stringify(steps.map(s => s.toJSON())))
  const duplicate = await findDuplicate(ctx, doc, request, submitted)
  if (duplicate) return { op: duplicate, duplicate: true, commit: doc.durable(duplicate.version) }
  const restored = await findRestored(ctx, doc, request.restores)
  const settled = await settle(ctx, mode, doc, request, steps, author)
  checkSize(settled.batch)
  const op = buildOp(ctx, doc, request, author, settled.batch, steps, submitted, settled.transformed, restored)
  settled.finish(op)
  const result = settled.batch
  doc.append(op, result.steps.map(s => s.getMap()), result.doc)
  return { op, duplicate: false, commit: commit(ctx, doc, op) }
}

/** The acknowledgement for a prepared submit once it is durable. */
export function acknowledgement(prepared: PreparedSubmit): SubmitResult {
  return { seq: prepared.op.seq, version: prepared.op.version, ...(prepared.duplicate ? { duplicate: true } : {}) }
}
