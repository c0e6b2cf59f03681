import * as Y from "yjs"
import { fromBase64, toBase64 } from "lib0/buffer"
import type { Node } from "prosemirror-model"
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from "y-prosemirror"
import { ConcordError } from "../../protocol/errors"
import { limits } from "../../protocol/limits"
import { schema } from "../../schema/schema"
import { crdtAttrsProblem, crdtTitle } from "./title"

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

/**
 * Check what a CRDT document would hold after `update`: every element a node type of the schema, every
 * text format a mark of it with valid attributes (link hrefs), and the whole a valid document, checked
 * on a copy of `ydoc` so that nothing changes. y-prosemirror's reading silently leaves out what it cannot
 * build (and so would every client's editor), so the document read must also hold every element and
 * every character of the fragment; and its title must be a valid one. Returns the title it would hold;
 * throws ConcordError ERR_SCHEMA_VIOLATION.
 */
export function checkUpdateContent(ydoc: Y.Doc, update: Uint8Array): string {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc))
  Y.applyUpdate(copy, update)
  const attrsProblem = crdtAttrsProblem(copy)
  if (attrsProblem) throw new ConcordError("ERR_SCHEMA_VIOLATION", attrsProblem)
  const fragment = copy.getXmlFragment(crdtFragment)
  const held = { elements: 0, characters: 0 }
  const problem = unknownContent(fragment, held)
  if (problem) throw new ConcordError("ERR_SCHEMA_VIOLATION", problem)
  let read: Node
  try {
    read = yXmlFragmentToProseMirrorRootNode(fragment, schema)
    read.check()
  } catch (e) {
    throw new ConcordError("ERR_SCHEMA_VIOLATION", `The update makes an invalid document: ${e instanceof Error ? e.message : String(e)}`)
  }
  let elements = 0, characters = 0
  read.descendants(node => {
    if (node.isText) characters += node.text!.length
    else elements++
  })
  if (elements != held.elements || characters != held.characters)
    throw new ConcordError("ERR_SCHEMA_VIOLATION", "The update holds content the schema does not allow where it is")
  return crdtTitle(copy)
}

// The first element or text format in the fragment that the schema does not know or allow, described;
// null when all are known. Counts the elements and characters on the way.
function unknownContent(parent: Y.XmlFragment | Y.XmlElement, held: { elements: number; characters: number }, depth = 1): string | null {
  // Deeper than the schema allows a document to nest (limits.maxNodeDepth), before walking it deeper.
  if (depth > limits.maxNodeDepth) return `The document's nodes would nest deeper than ${limits.maxNodeDepth}`
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlElement) {
      if (!schema.nodes[child.nodeName] || child.nodeName == "text") return `Unknown node type "${child.nodeName}"`
      held.elements++
      const inner = unknownContent(child, held, depth + 1)
      if (inner) return inner
    } else if (child instanceof Y.XmlText) {
      for (const part of child.toDelta() as { insert?: unknown; attributes?: Record<string, Record<string, unknown>> }[]) {
        if (typeof part.insert != "string") return "Only text belongs in a text"
        held.characters += part.insert.length
        for (const [name, attrs] of Object.entries(part.attributes ?? {})) {
          const type = schema.marks[name]
          if (!type) return `Unknown mark "${name}"`
          try {
            schema.text("x", [type.create(attrs)]).check()
          } catch (e) {
            return `Invalid ${name}: ${e instanceof Error ? e.message : String(e)}`
          }
        }
      }
    } else {
      return "Only elements and text belong in a document"
    }
  }
  return null
}

/**
 * True when Yjs update `update` holds something for a receiver whose whole record of deletions
 * `known` holds (an update encoded from its document, as a join's answer is): new items, or a deletion
 * missing from that record. Yjs puts its whole record of deletions in every update, so an update
 * with no new items is news only for a deletion the receiver lacks.
 */
export function bringsNews(update: Uint8Array, known: Uint8Array): boolean {
  const ours = Y.decodeUpdate(update)
  if (ours.structs.length) return true
  const theirs = Y.decodeUpdate(known).ds.clients
  for (const [client, deletions] of ours.ds.clients) {
    const recorded = theirs.get(client) ?? []
    // Both records are sorted and merged: a deletion is known when one recorded range holds all of it.
    for (const { clock, len } of deletions)
      if (!recorded.some(range => range.clock <= clock && clock + len <= range.clock + range.len)) return true
  }
  return false
}

/**
 * The ProseMirror document a Yjs document's fragment holds, titled as its attributes say. Read from a copy: y-prosemirror's reading
 * merges adjacent texts the reading client wrote, a write that must not happen behind the editor's back.
 */
export function crdtDoc(ydoc: Y.Doc): Node {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc))
  const root = yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(crdtFragment), schema)
  const title = crdtTitle(copy)
  return title ? root.type.create({ title }, root.content) : root
}
