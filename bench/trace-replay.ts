import type { Node } from "prosemirror-model"
import type { Step } from "prosemirror-transform"
import { TextPatcher, textToDoc } from "../lib/ot/trace-text"
import { flattenPatches, loadTrace, type TraceName } from "../tests/support/traces"

/** A recorded trace as ProseMirror edits: applying `steps` in order to `startDoc` gives the document of `endContent`. */
export interface TraceSteps {
  startDoc: Node
  steps: Step[]
  endContent: string
}

/** Load the trace `name` and convert every patch to ProseMirror steps, without applying them. */
export function replayTraceSteps(name: TraceName): TraceSteps {
  const trace = loadTrace(name)
  const startDoc = textToDoc(trace.startContent)
  const patcher = new TextPatcher(startDoc)
  const steps: Step[] = []
  for (const [pos, numDeleted, insert] of flattenPatches(trace)) steps.push(...patcher.patchToSteps(pos, numDeleted, insert))
  return { startDoc, steps, endContent: trace.endContent }
}
