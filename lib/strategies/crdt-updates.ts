import * as Y from "yjs"
import { fromBase64, toBase64 } from "lib0/buffer"
import type { Node } from "prosemirror-model"
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from "y-prosemirror"
import { ConcordError } from "../protocol/errors"
import { limits } from "../protocol/limits"
import { schema } from "../schema/schema"

/** The name of the Y.XmlFragment a CRDT document's ProseMirror content lives in (y-prosemirror's binding). */
export const crdtFragment = "prosemirror"

/** The Yjs client id of a CRDT document's starting content, the same in every document. */
const seedClient = 1

let seed: Uint8Array | null = null

/**
 * The Yjs update every CRDT document starts from: one empty paragraph with id "start", written by a
 * fixed Yjs client, so the hub and every client build the same starting state without storing it.
 */
export function crdtSeed(): Uint8Array {
  if (!seed) {
    const ydoc = new Y.Doc()
    ydoc.clientID = seedClient
    prosemirrorToYXmlFragment(schema.node("doc", null, [schema.node("paragraph", { id: "start" })]), ydoc.getXmlFragment(crdtFragment))
    seed = Y.encodeStateAsUpdate(ydoc)
  }
  return seed
}

/** A Yjs update from its base64 form. */
export function decodeUpdate(base64: string): Uint8Array {
  return fromBase64(base64)
}

/** The base64 form of a Yjs update or state vector. */
export function encodeUpdate(update: Uint8Array): string {
  return toBase64(update)
}

/**
 * Check a CRDT document's update before it is stored: at most limits.maxUpdateBytes, and a well-formed
 * Yjs update. Returns its bytes; throws ConcordError ERR_UPDATE_TOO_LARGE or ERR_UPDATE_INVALID.
 */
export function checkUpdate(base64: string): Uint8Array {
  const bytes = decodeUpdate(base64)
  if (bytes.length > limits.maxUpdateBytes)
    throw new ConcordError("ERR_UPDATE_TOO_LARGE", `A Yjs update may hold at most ${limits.maxUpdateBytes} bytes, this one holds ${bytes.length}`)
  try {
    Y.decodeUpdate(bytes)
  } catch (e) {
    throw new ConcordError("ERR_UPDATE_INVALID", `Not a Yjs update: ${e instanceof Error ? e.message : String(e)}`)
  }
  return bytes
}

/** True when a Yjs update carries nothing: no new items and no deletions. */
export function emptyUpdate(update: Uint8Array): boolean {
  const decoded = Y.decodeUpdate(update)
  return decoded.structs.length == 0 && decoded.ds.clients.size == 0
}

/**
 * The ProseMirror document a Yjs document's fragment holds. Read from a copy: y-prosemirror's reading
 * merges adjacent texts the reading client wrote, a write that must not happen behind the editor's back.
 */
export function crdtDoc(ydoc: Y.Doc): Node {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc))
  return yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(crdtFragment), schema)
}
