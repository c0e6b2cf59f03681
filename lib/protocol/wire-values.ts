import type { z } from "zod"

// Checks of JSON values as they come off the wire, shared by the written-out checks of the hot path
// (step-shape.ts, submit-check.ts) and the zod schemas of the other messages (validate.ts).

/** A JSON object, not null and not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value == "object" && value !== null && !Array.isArray(value)
}

/** A safe integer from `min` to `max`. */
export function integerIn(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
}

/** A string of 1 to `max` UTF-16 code units. */
export function nonEmptyString(value: unknown, max: number): value is string {
  return typeof value == "string" && value.length >= 1 && value.length <= max
}

/**
 * A zod refusal in words, its first issue as "path: message" ("malformed" when it has none), the path
 * starting at `field` when the value checked was that field of a message.
 */
export function zodProblem(error: z.ZodError, field?: string): string {
  const issue = error.issues[0]
  const path = [...(field ? [field] : []), ...(issue?.path ?? [])]
  return `${path.length ? path.join(".") + ": " : ""}${issue?.message ?? "malformed"}`
}
