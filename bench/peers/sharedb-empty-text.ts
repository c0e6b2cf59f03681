import type ShareDB from "sharedb"

interface Snapshot {
  type: string | null
  data?: unknown
}

/** Give a created document without data its empty text back. */
function restore(snapshot: Snapshot): void {
  if (snapshot.type && snapshot.data === undefined) snapshot.data = ""
}

/**
 * sharedb-postgres 5.0 reads a snapshot's data as `row.data || undefined`, so a text document that
 * is empty (as the benchmark's documents start) comes back with no data, and applying an op to it
 * or reading it fails. These middleware put the empty text back wherever ShareDB hands a snapshot
 * read from the database on: before an op is applied to it, and before it goes to a client.
 */
export function restoreEmptyTexts(backend: ShareDB): void {
  backend.use("apply", (request: { snapshot: Snapshot }, next: () => void) => {
    restore(request.snapshot)
    next()
  })
  backend.use("readSnapshots", (request: { snapshots: Snapshot[] }, next: () => void) => {
    for (const snapshot of request.snapshots) restore(snapshot)
    next()
  })
}
