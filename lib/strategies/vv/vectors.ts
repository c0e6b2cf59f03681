/** How many writes of each leader a value has seen, itself included. */
export type VersionVector = Readonly<Record<string, number>>

/** How two version vectors relate: "before" when `a` is dominated by `b`, "after" when `a` dominates `b`. */
export function compareVectors(a: VersionVector, b: VersionVector): "equal" | "before" | "after" | "concurrent" {
  let less = false, more = false
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key] ?? 0, y = b[key] ?? 0
    if (x < y) less = true
    if (x > y) more = true
  }
  return less && more ? "concurrent" : less ? "before" : more ? "after" : "equal"
}

/** The entrywise maximum of some vectors: what a value that saw all of them has seen. */
export function mergeVectors(vectors: readonly VersionVector[]): VersionVector {
  const result: Record<string, number> = {}
  for (const v of vectors) for (const [key, n] of Object.entries(v)) result[key] = Math.max(result[key] ?? 0, n)
  return result
}

/** A vector as people read it: {Delhi: 1, Mumbai: 2}. */
export function formatVector(vector: VersionVector): string {
  return `{${Object.entries(vector).map(([k, n]) => `${k}: ${n}`).join(", ")}}`
}
