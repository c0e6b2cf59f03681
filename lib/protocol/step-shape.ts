import { z } from "zod"
import { limits } from "./limits"

/**
 * A document position as a step may carry it: a safe integer from 0 to the largest document size (plus
 * the two positions around the document's content). Anything else, `3.5`, `-1`, `1e300`, is refused
 * before the step is parsed: a fractional position applies in ProseMirror and then breaks every client
 * that maps over it.
 */
export const position = z.number().int().min(0).max(limits.maxDocumentSize + 2)

/** How deep a slice may be open on either side, or how far a node may nest. */
const depth = z.number().int().min(0).max(limits.maxNodeDepth)

const markJSON = z.object({
  type: z.string().min(1).max(32),
  attrs: z.record(z.string().max(32), z.unknown()).optional()
})

const sliceJSON = z.object({
  content: z.array(z.unknown()).max(limits.maxSliceNodes).optional(),
  openStart: depth.optional(),
  openEnd: depth.optional()
}).optional()

const range = { from: position, to: position }
const ordered = (s: { from: number; to: number }) => s.from <= s.to

const replace = z.object({ stepType: z.literal("replace"), ...range, slice: sliceJSON, structure: z.boolean().optional() })
  .refine(ordered, "from must not be after to")
const replaceAround = z.object({
  stepType: z.literal("replaceAround"), ...range, gapFrom: position, gapTo: position, insert: position,
  slice: sliceJSON, structure: z.boolean().optional()
}).refine(s => s.from <= s.gapFrom && s.gapFrom <= s.gapTo && s.gapTo <= s.to, "positions must be ordered from <= gapFrom <= gapTo <= to")
const markRange = z.object({ stepType: z.enum(["addMark", "removeMark"]), ...range, mark: markJSON }).refine(ordered, "from must not be after to")
const nodeMark = z.object({ stepType: z.enum(["addNodeMark", "removeNodeMark"]), pos: position, mark: markJSON })
const attr = z.object({ stepType: z.literal("attr"), pos: position, attr: z.string().min(1).max(32), value: z.unknown() })
const docAttr = z.object({ stepType: z.literal("docAttr"), attr: z.string().min(1).max(32), value: z.unknown() })
// What inverting a mark step over mixed text gives: a set of mark steps (prosemirror-transform's MarkSetStep).
const markSet = z.object({ stepType: z.literal("markSet"), steps: z.array(z.union([markRange, nodeMark])).min(1).max(limits.maxStepsPerBatch) })

/**
 * The JSON of one ProseMirror step as a client may submit it: one of the step types the schema's
 * steps serialize to, every number in it a safe integer in range, and its positions ordered. What the
 * slice's nodes hold is checked when the step is parsed and applied (the schema's rules).
 */
export const stepShape = z.discriminatedUnion("stepType", [replace, replaceAround, markRange, nodeMark, attr, docAttr, markSet])
