import type { Transaction } from "prosemirror-state"

// A Transaction's metadata lives in its private `meta` field, keyed by name (a plugin key's name for a
// plugin's): getMeta reads one key at a time, and nothing public lists them. A local transaction taken
// apart and made again (a long deletion in chunks, see chunkedTransaction) must carry all of it, also
// what a plugin key not in the state set (prosemirror-history's closeHistory). The day
// prosemirror-state changes it, tests/unit/internals/transaction-meta.test.ts fails.

interface WithMeta {
  meta: Record<string, unknown>
}

/** Set on `to` every metadata property `from` holds. */
export function copyMeta(from: Transaction, to: Transaction): void {
  for (const [key, value] of Object.entries((from as unknown as WithMeta).meta)) to.setMeta(key, value)
}
