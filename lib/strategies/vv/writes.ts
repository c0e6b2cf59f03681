import type { Node, Schema } from "prosemirror-model"
import { Transform, type Step } from "prosemirror-transform"
import { fallbackColor } from "../../protocol/author-color"
import { ConcordError } from "../../protocol/errors"
import { limits } from "../../protocol/limits"
import type { Author, BlockWrite, DocJSON, VersionVector, VvSibling, VvWrite } from "../../protocol/messages"
import type { BatchDescriber } from "../../ot/sync-client"
import { findBlock, replaceMinimal, textOf } from "../block-nodes"
import { blockWrites } from "../block-writes"
import { compareVectors, mergeVectors } from "./vectors"

/** Who wrote a block's current value, as the hub remembers it (its vv does not say). */
export interface VvWriter {
  author: Author
  clientId: string
}

/** The name a version gets when the hub does not know who wrote it (the document as created). */
export const unknownWriter: VvWriter = { author: { name: "Earlier version", color: fallbackColor }, clientId: "" }

/** The versions of a top-level block: those of its conflict, or its one value (none for no block). */
export function versionsOf(node: Node | null, writer: VvWriter = unknownWriter): VvSibling[] {
  if (!node) return []
  const conflict = node.attrs.conflict as VvSibling[] | null
  if (conflict) return conflict
  return [{ vv: (node.attrs.vv as VersionVector | null) ?? {}, node: plainBlock(node), ...writer }]
}

/** A block's JSON without its version vector and conflict: the value one version holds. */
export function plainBlock(node: Node): DocJSON {
  return node.type.create({ ...node.attrs, vv: null, conflict: null }, node.content, node.marks).toJSON()
}

/** The version a block in conflict shows in the document: the first that did not delete it, or null. */
export function shownVersion(versions: readonly VvSibling[]): VvSibling | null {
  return versions.find(v => v.node) ?? null
}

/**
 * Counts one client's writes to version-vector documents: each write's vector is what it was written
 * on plus one for this client. Keep one for as long as the client id lives, so its counts only grow.
 */
export class VersionVectorClock {
  private count = 0

  constructor(readonly clientId: string) {}

  /** The vector of a write made on a value whose vector is `context`. */
  next(context: VersionVector): VersionVector {
    this.count = Math.max(this.count, context[this.clientId] ?? 0) + 1
    return { ...context, [this.clientId]: this.count }
  }
}

/**
 * The context a client's write of block `id` was made on: the vector of the version it edited, or,
 * when the edit ended the block's conflict (a person picked or merged, or deleted the block), the
 * merge of every version's vector, so that the write dominates them all.
 */
export function writeContext(before: Node, after: Node, id: string): VersionVector {
  const was = findBlock(before, id)?.node ?? null
  if (!was) return {}
  const now = findBlock(after, id)?.node ?? null
  const conflict = was.attrs.conflict as VvSibling[] | null
  if (conflict && (!now || !now.attrs.conflict)) return mergeVectors(conflict.map(v => v.vv))
  return (was.attrs.vv as VersionVector | null) ?? {}
}

/** The batch describer of a version-vector client: the changed blocks, each with its write's vector. */
export function vectorDescriber(clock: VersionVectorClock): BatchDescriber {
  return (before, after) => ({
    blocks: blockWrites(before, after, "block").map(w => ({ ...w, vv: clock.next(writeContext(before, after, w.id)) }))
  })
}

/** What applying a client's block writes to a version-vector document gave. */
export interface AppliedVectorWrites {
  steps: Step[]
  doc: Node
  records: VvWrite[]
  /** Blocks whose one value the writer now holds (their writer to remember). */
  written: string[]
}

/** The block a write carries, as the writer's document holds it (with the vector it had there). */
function parseBlock(schema: Schema, write: BlockWrite): Node | null {
  if (!write.node) return null
  try {
    const node = schema.nodeFromJSON(write.node)
    node.check()
    if (!node.type.isInGroup("block")) throw new RangeError(`a ${node.type.name} is not a block`)
    if (node.attrs.id !== write.id) throw new RangeError(`it carries a block with id ${String(node.attrs.id)}`)
    return node
  } catch (e) {
    throw new ConcordError("ERR_SCHEMA_VIOLATION", `Write ${write.id}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** An attribute to set on a block once every write's content is in place. */
interface AttrChange {
  id: string
  name: string
  value: unknown
}

/**
 * Put `node` where block `id` is (or after block `after` when it is not in the document), or remove the
 * block for null. A block that keeps its type, or a new one, gets its new content now (a new one with
 * the vector `writerVv` it has in its writer's document: none after a split, the one it had after an
 * undo or redo) and its new attributes in `attrs`, set after every write's content: then the op's
 * content steps come first, and a writer whose text they repeat sees only attribute steps to rebase its
 * unsent typing, its caret and its undo history over (SyncClient.confirm).
 */
function place(tr: Transform, id: string, node: Node | null, after: string | null, attrs: AttrChange[], writerVv: unknown = null): void {
  const found = findBlock(tr.doc, id)
  if (!node) {
    if (found && tr.doc.childCount > 1) tr.delete(found.pos, found.pos + found.node.nodeSize)
    return
  }
  if (!found) {
    const prev = after == null ? null : findBlock(tr.doc, after)
    const made = node.type.create({ ...node.attrs, vv: writerVv, conflict: null }, node.content, node.marks)
    tr.insert(after == null ? 0 : prev ? prev.pos + prev.node.nodeSize : tr.doc.content.size, made)
    for (const name of ["vv", "conflict"])
      if (JSON.stringify(made.attrs[name]) != JSON.stringify(node.attrs[name])) attrs.push({ id, name, value: node.attrs[name] })
  } else if (found.node.type == node.type) {
    replaceMinimal(tr, found.pos + 1, found.pos + found.node.nodeSize - 1, node.content)
    for (const [name, value] of Object.entries(node.attrs))
      if (JSON.stringify(found.node.attrs[name]) != JSON.stringify(value)) attrs.push({ id, name, value })
  } else {
    tr.replaceWith(found.pos, found.pos + found.node.nodeSize, node)
  }
}

/**
 * Settle a client's block writes on a version-vector document, as CouchDB and Riak keep siblings: a
 * write replaces the versions of its block that its vector dominates and is kept next to those it is
 * concurrent with; a block with more than one version is in conflict and carries them all in its
 * `conflict` attribute, showing the first that did not delete it. A write that some version already
 * dominates or equals is stale: ConcordError ERR_STALE_VERSION_VECTOR, and nothing changes. Pure;
 * `writerOf` says who wrote a block's one value.
 */
export function applyVectorWrites(
  schema: Schema, head: Node, writes: readonly BlockWrite[], writer: VvWriter, writerOf: (block: string) => VvWriter | undefined
): AppliedVectorWrites {
  const tr = new Transform(head)
  const records: VvWrite[] = []
  const written: string[] = []
  const attrs: AttrChange[] = []
  for (const write of writes) {
    const vv = write.vv
    if (!vv) throw new ConcordError("ERR_STRATEGY_MISMATCH", `Write ${write.id} has no version vector: this document resolves conflicts by version vectors`)
    if (!((vv[writer.clientId] ?? 0) >= 1)) throw new ConcordError("ERR_STALE_VERSION_VECTOR", `Write ${write.id}: a write's vector must count the writer's own write`)
    const sent = parseBlock(schema, write)
    const node = sent && sent.type.create({ ...sent.attrs, vv: null, conflict: null }, sent.content, sent.marks)
    const current = findBlock(tr.doc, write.id)?.node ?? null
    const versions = versionsOf(current, writerOf(write.id))
    const mine: VvSibling = { vv, node: node && node.toJSON(), ...writer }
    const kept: VvSibling[] = []
    let replaced = false
    for (const version of versions) {
      const order = compareVectors(vv, version.vv)
      if (order == "equal" || order == "before")
        throw new ConcordError("ERR_STALE_VERSION_VECTOR", `Write ${write.id}: its version vector ${JSON.stringify(vv)} does not succeed ${JSON.stringify(version.vv)}, which the block already holds`)
      if (order == "concurrent") kept.push(version)
      else if (!replaced) {
        kept.push(mine)
        replaced = true
      }
    }
    if (!replaced) kept.push(mine)
    if (kept.length > limits.maxConflictVersions)
      throw new ConcordError("ERR_STALE_VERSION_VECTOR", `Block ${write.id} may hold at most ${limits.maxConflictVersions} concurrent versions`)
    const text = textOf(node)
    if (kept.length == 1) {
      // The last block of a document cannot go: deleting it leaves an empty paragraph.
      const last = !node && current != null && tr.doc.childCount == 1
      const value = node ? node.type.create({ ...node.attrs, vv, conflict: null }, node.content, node.marks)
        : last ? schema.nodes.paragraph.create({ id: write.id, vv }) : null
      place(tr, write.id, value, write.after, attrs, sent?.attrs.vv ?? null)
      records.push({ block: write.id, vv, text, outcome: versions.length > 1 ? "resolved" : "applied" })
      written.push(write.id)
      continue
    }
    const shown = shownVersion(kept)
    const shownNode = shown && schema.nodeFromJSON(shown.node!)
    place(tr, write.id, shownNode && shownNode.type.create({ ...shownNode.attrs, id: write.id, vv: shown!.vv, conflict: kept }, shownNode.content, shownNode.marks), write.after, attrs)
    records.push({ block: write.id, vv, text, outcome: "conflict", against: kept.filter(v => v !== mine).map(v => v.author), ...(versions.length > 1 && replaced ? { continued: true } : {}) })
  }
  for (const change of attrs) {
    const found = findBlock(tr.doc, change.id)
    if (found && JSON.stringify(found.node.attrs[change.name]) != JSON.stringify(change.value)) tr.setNodeAttribute(found.pos, change.name, change.value)
  }
  return { steps: tr.steps, doc: tr.doc, records, written }
}
