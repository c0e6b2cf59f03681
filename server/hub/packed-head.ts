import { promisify } from "node:util"
import { deflateRaw, inflateRawSync } from "node:zlib"
import type { Node } from "prosemirror-model"
import { schema, compactJSON, coldFromJSON, type NodeJSON } from "../../lib/schema"

const deflate = promisify(deflateRaw)

/**
 * A head document packed while nobody edits it: its compact JSON (see compactJSON), deflated. A head
 * held as a tree with cold blocks costs 1-2 times the document's text as UTF-16 (docs/BENCHMARKS.md,
 * bench:doc-memory); packed, the same document costs a tenth to a half of it. The deflate runs on
 * libuv's thread pool (the compact JSON is written on the event loop, a few ms for a large document);
 * unpacking is synchronous, since the next submit needs the tree at once.
 */
export async function packHead(doc: Node): Promise<Uint8Array> {
  const deflated = await deflate(JSON.stringify(compactJSON(doc)), { level: 6 })
  // Copied to a buffer of its own size: zlib's result can be a view of its 16 KB output chunk, which a
  // small document's few hundred bytes would keep alive whole.
  return new Uint8Array(deflated)
}

/** The compact JSON a packed head holds, without building its tree (what a join sends). */
export function unpackJSON(packed: Uint8Array): NodeJSON {
  return JSON.parse(inflateRawSync(packed).toString("utf8")) as NodeJSON
}

/** The head document a packed head holds, its plain textblocks cold (see ColdBlock). */
export function unpackHead(packed: Uint8Array): Node {
  return coldFromJSON(schema, unpackJSON(packed))
}
