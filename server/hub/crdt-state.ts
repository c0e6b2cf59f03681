import * as Y from "yjs"
import { ConcordError, type CommittedOp, type CrdtJoin, type DocJSON } from "../../lib/protocol"
import { crdtDoc, crdtSeed, decodeUpdate, encodeUpdate } from "../../lib/strategies/crdt/updates"
import { compactJSON } from "../../lib/schema"

// The hub's side of CRDT documents: their Yjs state. Loaded only when a CRDT document is opened (see
// crdt-module.ts), so that a hub serving none does not carry Yjs and y-prosemirror in memory.

/** A CRDT document's Yjs state as every one starts: the shared seed. */
export function newCrdtDoc(): Y.Doc {
  const ydoc = new Y.Doc()
  Y.applyUpdate(ydoc, crdtSeed())
  return ydoc
}

/** Merge the Yjs updates of some ops into a Yjs document. */
export function applyUpdates(ydoc: Y.Doc, ops: readonly CommittedOp[]): void {
  const updates = ops.flatMap(op => (op.update ? [decodeUpdate(op.update)] : []))
  if (updates.length) Y.applyUpdate(ydoc, Y.mergeUpdates(updates))
}

/** Throw ERR_INVALID_MESSAGE unless `stateVector` (base64) is a Yjs state vector. */
export function checkStateVector(stateVector: string): void {
  try {
    Y.decodeStateVector(decodeUpdate(stateVector))
  } catch {
    throw new ConcordError("ERR_INVALID_MESSAGE", "Invalid join: stateVector is not a Yjs state vector")
  }
}

/** What a client with Yjs state vector `stateVector` (base64; none: nothing) misses of a CRDT document. */
export function crdtJoin(ydoc: Y.Doc, stateVector: string | undefined): CrdtJoin {
  let update: Uint8Array
  try {
    update = Y.encodeStateAsUpdate(ydoc, stateVector ? decodeUpdate(stateVector) : undefined)
  } catch {
    throw new ConcordError("ERR_INVALID_MESSAGE", "Invalid join: stateVector is not a Yjs state vector")
  }
  return { update: encodeUpdate(update), stateVector: encodeUpdate(Y.encodeStateVector(ydoc)) }
}

/** The ProseMirror document a Yjs state holds, as JSON. */
export function crdtJSON(ydoc: Y.Doc): DocJSON {
  return compactJSON(crdtDoc(ydoc))
}
