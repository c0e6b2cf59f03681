import * as decoding from "lib0/decoding"
import { limits } from "../../protocol/limits"

/**
 * Why an awareness state (y-protocols, one client's) is not one a caret can be drawn from, or null
 * when it is: none (the client left), or an object whose `user`, when present, is an object with a
 * name and colour that are strings, and whose `cursor`, when present and not null, holds an `anchor`
 * and a `head` that are objects (Yjs relative positions). y-prosemirror's cursor plugin reads exactly
 * these, and throws on every later change of the document when they are anything else, which stops
 * the editor following others' edits.
 */
export function caretStateProblem(state: unknown): string | null {
  if (state === null) return null
  if (!isObject(state)) return "a state must be an object or null"
  const { user, cursor } = state as { user?: unknown; cursor?: unknown }
  if (user !== undefined) {
    if (!isObject(user)) return "user must be an object"
    const { name, color } = user as { name?: unknown; color?: unknown }
    if ((name !== undefined && (typeof name != "string" || name.length > limits.maxNameLength)) || (color !== undefined && typeof color != "string"))
      return "user's name and colour must be strings"
  }
  if (cursor != null) {
    if (!isObject(cursor)) return "cursor must be an object or null"
    const { anchor, head } = cursor as { anchor?: unknown; head?: unknown }
    if (!isObject(anchor) || !isObject(head)) return "cursor's anchor and head must be relative positions"
  }
  return null
}

/** Why an awareness update (y-protocols' encoding: its clients' ids, clocks and states as JSON) is malformed, or holds a state caretStateProblem refuses; null when neither. */
export function awarenessUpdateProblem(update: Uint8Array): string | null {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      decoding.readVarUint(decoder)
      decoding.readVarUint(decoder)
      const problem = caretStateProblem(JSON.parse(decoding.readVarString(decoder)))
      if (problem) return problem
    }
    return decoding.hasContent(decoder) ? "bytes past the last state" : null
  } catch (error) {
    return `not an awareness update (${error instanceof Error ? error.message : String(error)})`
  }
}

function isObject(value: unknown): boolean {
  return typeof value == "object" && value !== null && !Array.isArray(value)
}
