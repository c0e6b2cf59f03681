import type { Mapping } from "prosemirror-transform"

// Mapping.setMirror is @internal to prosemirror-transform (prosemirror-collab and -history call it).
// Mapping.appendMap takes a mirror only for the map it appends, while a rebase pairs each redone step
// with its undone form after the transaction has appended the step's map itself; nothing public pairs
// two maps already in a mapping. The day prosemirror-transform changes it,
// tests/unit/internals/mapping-set-mirror.test.ts fails.

interface WithSetMirror {
  setMirror(n: number, m: number): void
}

/** Pair maps `n` and `m` of `mapping` as mirror images of each other, as `appendMap`'s second argument does. */
export function setMirror(mapping: Mapping, n: number, m: number): void {
  ;(mapping as unknown as WithSetMirror).setMirror(n, m)
}
