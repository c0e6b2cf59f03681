import { z } from "zod"
import { ConcordError } from "./errors"
import { limits, docIdPattern } from "./limits"
import { stepsShapeProblem } from "./step-shape"
import type { BlockWrite, StepJSON, SubmitRequest } from "./messages"
import { integerIn, isPlainObject, nonEmptyString, zodProblem } from "./wire-values"

const versionVector = z.record(z.string().min(1).max(64), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
  .refine(vv => Object.keys(vv).length <= limits.maxVectorEntries, `a version vector may have at most ${limits.maxVectorEntries} entries`)
const blockWrite = z.object({
  id: z.string().min(1).max(64),
  node: z.looseObject({ type: z.string() }).nullable(),
  after: z.string().min(1).max(64).nullable(),
  vv: versionVector.optional()
})
/** What a last-writer-wins batch sends of the blocks it changed (SubmitRequest.blocks); rare enough for zod. */
const blockWrites = z.array(blockWrite).max(limits.maxStepsPerBatch)

function invalid(message: string): ConcordError {
  return new ConcordError("ERR_INVALID_MESSAGE", `Invalid submit: ${message}`)
}

/** Check stickLeft: indices of the batch's steps, ascending. */
function checkStickLeft(value: unknown, steps: number): number[] {
  if (!Array.isArray(value) || value.length > limits.maxStepsPerBatch) throw invalid(`stickLeft: must be an array of at most ${limits.maxStepsPerBatch} indices`)
  value.forEach((index, i) => {
    if (!integerIn(index, 0, steps - 1) || (i > 0 && index <= value[i - 1]))
      throw invalid("stickLeft: stickLeft must list indices of the batch's steps, ascending")
  })
  return value
}

/**
 * The submit request `value` as the hub takes it, or ConcordError: ERR_BATCH_TOO_LARGE past
 * limits.maxStepsPerBatch steps, else ERR_INVALID_MESSAGE naming the field ("Invalid submit:
 * steps.3.from: ..."). The request is rebuilt of the fields it may have, so that nothing unchecked
 * travels on. Written out rather than as a zod schema: every keystroke passes here, and zod's generic
 * parse was the largest single piece of a submit's path (docs/BENCHMARKS.md, W1); the blocks of a
 * last-writer-wins batch, rare and nested, are still checked by zod.
 */
export function parseSubmit(value: unknown): SubmitRequest {
  if (!isPlainObject(value)) throw invalid("must be an object")
  const r = value
  if (Array.isArray(r.steps) && r.steps.length > limits.maxStepsPerBatch)
    throw new ConcordError("ERR_BATCH_TOO_LARGE", `A batch may hold at most ${limits.maxStepsPerBatch} steps, got ${r.steps.length}`)
  if (typeof r.docId != "string" || !docIdPattern.test(r.docId)) throw invalid("docId: docId must be 1 to 64 letters, digits, '-' or '_'")
  if (!nonEmptyString(r.clientId, 64)) throw invalid("clientId: must be a string of 1 to 64 characters")
  if (!integerIn(r.seq, 1)) throw invalid("seq: must be an integer of at least 1")
  if (!integerIn(r.baseVersion, 0)) throw invalid("baseVersion: must be an integer of at least 0")
  if (!Array.isArray(r.steps) || r.steps.length == 0) throw invalid("steps: must be an array of at least one step")
  const shape = stepsShapeProblem(r.steps)
  if (shape) throw invalid(shape)
  const request: SubmitRequest = { docId: r.docId, clientId: r.clientId, seq: r.seq, baseVersion: r.baseVersion, steps: r.steps as StepJSON[] }
  if (r.stickLeft !== undefined) request.stickLeft = checkStickLeft(r.stickLeft, r.steps.length)
  if (r.clock !== undefined) {
    if (typeof r.clock != "number" || !Number.isFinite(r.clock)) throw invalid("clock: must be a finite number")
    request.clock = r.clock
  }
  if (r.blocks !== undefined) {
    const parsed = blockWrites.safeParse(r.blocks)
    if (!parsed.success) throw invalid(zodProblem(parsed.error, "blocks"))
    request.blocks = parsed.data as BlockWrite[]
  }
  if (r.restores !== undefined) {
    if (!integerIn(r.restores, 0)) throw invalid("restores: must be an integer of at least 0")
    request.restores = r.restores
  }
  return request
}
