import { z } from "zod"
import { limits } from "./limits"
import { integerIn, isPlainObject, nonEmptyString } from "./wire-values"

/** The largest position a step may carry: the largest document's size plus the two positions around its content. */
const maxPosition = limits.maxDocumentSize + 2

/**
 * A document position as a step may carry it: a safe integer from 0 to the largest document size (plus
 * the two positions around the document's content). Anything else, `3.5`, `-1`, `1e300`, is refused
 * before the step is parsed: a fractional position applies in ProseMirror and then breaks every client
 * that maps over it.
 */
export const position = z.number().int().min(0).max(maxPosition)

/** A shape check's refusal: where in the value (a path such as "slice.openStart") and why. */
class ShapeProblem extends Error {
  constructor(readonly path: string, message: string) {
    super(message)
  }
}

type Fields = Record<string, unknown>

function integer(value: unknown, path: string, max: number, optional = false): void {
  if (value === undefined && optional) return
  if (!integerIn(value, 0, max)) throw new ShapeProblem(path, `must be an integer from 0 to ${max}`)
}

function name(value: unknown, path: string): void {
  if (!nonEmptyString(value, 32)) throw new ShapeProblem(path, "must be a string of 1 to 32 characters")
}

function range(step: Fields): void {
  integer(step.from, "from", maxPosition)
  integer(step.to, "to", maxPosition)
  if ((step.from as number) > (step.to as number)) throw new ShapeProblem("", "from must not be after to")
}

function slice(value: unknown): void {
  if (value === undefined) return
  if (!isPlainObject(value)) throw new ShapeProblem("slice", "must be an object")
  if (value.content !== undefined && (!Array.isArray(value.content) || value.content.length > limits.maxSliceNodes))
    throw new ShapeProblem("slice.content", `must be an array of at most ${limits.maxSliceNodes} nodes`)
  integer(value.openStart, "slice.openStart", limits.maxNodeDepth, true)
  integer(value.openEnd, "slice.openEnd", limits.maxNodeDepth, true)
}

function structure(value: unknown): void {
  if (value !== undefined && typeof value != "boolean") throw new ShapeProblem("structure", "must be a boolean")
}

function mark(value: unknown): void {
  if (!isPlainObject(value)) throw new ShapeProblem("mark", "must be an object")
  name(value.type, "mark.type")
  if (value.attrs === undefined) return
  if (!isPlainObject(value.attrs)) throw new ShapeProblem("mark.attrs", "must be an object")
  for (const key of Object.keys(value.attrs)) if (key.length > 32) throw new ShapeProblem("mark.attrs", "attribute names must be at most 32 characters")
}

/** The checks of each step type, by `stepType`; the ones a mark set may hold say so. */
const shapes: Record<string, { check(step: Fields): void; inMarkSet?: boolean }> = {
  replace: { check: step => (range(step), slice(step.slice), structure(step.structure)) },
  replaceAround: {
    check(step) {
      for (const key of ["from", "to", "gapFrom", "gapTo", "insert"]) integer(step[key], key, maxPosition)
      const { from, gapFrom, gapTo, to } = step as Record<string, number>
      if (!(from <= gapFrom && gapFrom <= gapTo && gapTo <= to)) throw new ShapeProblem("", "positions must be ordered from <= gapFrom <= gapTo <= to")
      slice(step.slice)
      structure(step.structure)
    }
  },
  addMark: { check: step => (range(step), mark(step.mark)), inMarkSet: true },
  removeMark: { check: step => (range(step), mark(step.mark)), inMarkSet: true },
  addNodeMark: { check: step => (integer(step.pos, "pos", maxPosition), mark(step.mark)), inMarkSet: true },
  removeNodeMark: { check: step => (integer(step.pos, "pos", maxPosition), mark(step.mark)), inMarkSet: true },
  attr: { check: step => (integer(step.pos, "pos", maxPosition), name(step.attr, "attr")) },
  docAttr: { check: step => name(step.attr, "attr") },
  // What inverting a mark step over mixed text gives: a set of mark steps (prosemirror-transform's MarkSetStep).
  markSet: {
    check(step) {
      const steps = step.steps
      if (!Array.isArray(steps) || steps.length < 1 || steps.length > limits.maxStepsPerBatch)
        throw new ShapeProblem("steps", `must be an array of 1 to ${limits.maxStepsPerBatch} mark steps`)
      checkSteps(steps, "steps", true)
    }
  }
}

function checkStep(step: unknown, inMarkSet = false): void {
  if (!isPlainObject(step)) throw new ShapeProblem("", "must be an object")
  const shape = typeof step.stepType == "string" && Object.hasOwn(shapes, step.stepType) ? shapes[step.stepType] : null
  if (!shape || (inMarkSet && !shape.inMarkSet)) throw new ShapeProblem("stepType", inMarkSet ? "must be a mark step" : "is not a step type")
  shape.check(step)
}

/** Check each of `steps`, a refusal's path starting at `path` and the step's index. */
function checkSteps(steps: readonly unknown[], path: string, inMarkSet = false): void {
  let i = 0
  try {
    for (; i < steps.length; i++) checkStep(steps[i], inMarkSet)
  } catch (e) {
    if (e instanceof ShapeProblem) throw new ShapeProblem(`${path}.${i}${e.path ? "." + e.path : ""}`, e.message)
    throw e
  }
}

/**
 * Why `steps` are not the JSON of ProseMirror steps as a client may submit them, as "steps.3.from: must
 * be an integer from 0 to …", or null when they are: each one of the step types the schema's steps
 * serialize to, every number in it a safe integer in range, and its positions ordered. What the
 * slice's nodes hold is checked when the step is parsed and applied (the schema's rules). Written out
 * rather than as a zod schema: a batch holds up to limits.maxStepsPerBatch steps, which a zod union
 * took several ms to check in a process that had not run it before.
 */
export function stepsShapeProblem(steps: readonly unknown[]): string | null {
  try {
    checkSteps(steps, "steps")
    return null
  } catch (e) {
    if (e instanceof ShapeProblem) return `${e.path}: ${e.message}`
    throw e
  }
}
