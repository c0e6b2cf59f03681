import type { Node } from "prosemirror-model"
import { setImmediate as nextTurn } from "node:timers/promises"
import { schema, compactJSON } from "../../lib/schema"
import {
  ConcordError, limits,
  type AuthorshipRequest, type AuthorshipSpans, type CommittedOp, type DocAtReply, type DocAtRequest, type HistoryPage, type HistoryRequest, type Snapshot
} from "../../lib/protocol"
import { Authorship } from "../../lib/history/authorship"
import type { Storage } from "../storage"
import type { HubDocument } from "./hub-document"
import type { OpenDocuments } from "./open-documents"
import { RecentVersions } from "./recent-versions"
import { replayed } from "./replayed"
import { crdtState } from "./crdt-module"

/** Ops a read request (a history page, authorship, a replay) handles between two turns of the event loop. */
const readSlice = 50

/**
 * The hub's reads of a document's past: pages of history, the document at a version (docAt), who
 * wrote what (authorship). Each is bounded (limits.maxReadOps) and read or counted in slices, with a
 * turn of the event loop between them, so that one reader never stalls the typists.
 */
export class HistoryReads {
  /** Documents replayed at past versions for earlier requests. */
  private readonly recent = new RecentVersions()

  constructor(private readonly documents: OpenDocuments, private readonly storage: Storage) {}

  /** A page of committed ops, newest first. */
  async history(request: HistoryRequest): Promise<HistoryPage> {
    const doc = await this.documents.open(request.docId)
    const before = Math.min(request.before ?? doc.durableVersion + 1, doc.durableVersion + 1)
    const limit = Math.min(request.limit ?? 100, limits.maxReadOps)
    // Read in slices, with a turn of the event loop between them, so that typists are served meanwhile.
    const ops: CommittedOp[] = []
    for (let below = before; ops.length < limit;) {
      const want = Math.min(readSlice, limit - ops.length)
      const slice = await this.storage.getOpsBefore(doc.id, below, want)
      ops.push(...slice)
      if (slice.length < want || ops.length == limit) break
      below = slice[slice.length - 1].version
      await nextTurn()
    }
    const last = ops[ops.length - 1]
    return { docId: doc.id, ops, next: last && last.version > 1 ? last.version : null }
  }

  /**
   * The document at a version, for the client to finish: the nearest snapshot at or before it as the JSON
   * text it is stored as, and the steps of the ops after it (fewer than `snapshotEvery`), which the client
   * applies; the hub neither parses, replays nor encodes the document. The head, a CRDT document, and a
   * version more than `maxDocAtOps` ops after its snapshot come whole, with no steps.
   */
  async docAt(request: DocAtRequest): Promise<DocAtReply> {
    const { version } = request
    const doc = await this.openAt(request.docId, version)
    if (doc.ydoc) return wholeVersion(await this.crdtAt(doc, version))
    if (version == doc.durableVersion) return wholeVersion(doc.headSnapshot())
    const storage = this.storage
    const snapshot = await storage.latestSnapshotText(doc.id, version)
    if (!snapshot) throw new ConcordError("ERR_STORAGE", `No snapshot of ${doc.id} at or before ${version}`)
    if (version - snapshot.version > limits.maxDocAtOps)
      return wholeVersion({ version, doc: compactJSON(await this.replayedAt(doc.id, version)) })
    const ops = await storage.getOps(doc.id, snapshot.version, version)
    if (ops.length != version - snapshot.version) throw new ConcordError("ERR_STORAGE", `Ops ${snapshot.version + 1}..${version} of ${doc.id} are missing`)
    return { version, base: snapshot.version, doc: Buffer.from(snapshot.json), steps: ops.flatMap(op => op.steps) }
  }

  /**
   * Who wrote what in the document at `version`, over the `window` ops up to it: the spans the history
   * panel's Authorship tracker gives (prosemirror-changeset over the ops' step maps, from the document
   * `window` ops before), so that a page shows a fetched version's colours without fetching that
   * document and those ops itself. Step-based documents only.
   */
  async authorship(request: AuthorshipRequest): Promise<AuthorshipSpans> {
    const doc = await this.openAt(request.docId, request.version)
    if (doc.ydoc) throw new ConcordError("ERR_STRATEGY_MISMATCH", `${doc.id} is a CRDT document: its history has no steps to count authorship over`)
    const version = request.version
    const from = Math.max(0, version - (request.window ?? limits.authorshipWindow))
    const base = version == doc.durableVersion && from == version ? doc.durableDoc : await this.replayedAt(doc.id, from)
    const ops = await this.storage.getOps(doc.id, from, version)
    if (ops.length != version - from) throw new ConcordError("ERR_STORAGE", `Ops ${from + 1}..${version} of ${doc.id} are missing`)
    const tracker = new Authorship(base, from)
    // The document at `version`: the head, one replayed for an earlier request, else replayed by the
    // tracker from the base along the steps it decodes anyway.
    const known = version == doc.durableVersion ? doc.durableDoc : this.recent.get(doc.id, version)
    // In slices, with a turn of the event loop between them, so that typists are served meanwhile.
    for (let start = 0; start < ops.length; start += readSlice) {
      const slice = ops.slice(start, start + readSlice)
      try {
        tracker.addAll(slice, start + readSlice >= ops.length ? known : undefined)
      } catch (error) {
        throw ConcordError.from(error, "ERR_STORAGE")
      }
      if (start + readSlice < ops.length) await nextTurn()
    }
    if (!known && ops.length) this.recent.remember(doc.id, version, tracker.doc)
    return { version, from, spans: tracker.spans }
  }

  /** The document `docId`, opened, when `version` is not past its durable head. */
  private async openAt(docId: string, version: number): Promise<HubDocument> {
    const doc = await this.documents.open(docId)
    if (version > doc.durableVersion)
      throw new ConcordError("ERR_VERSION_FROM_FUTURE", `Version ${version} is newer than the document's version ${doc.durableVersion}`)
    return doc
  }

  /** The document at `version`: the nearest snapshot at or before it plus the ops after it, replayed. */
  private async replayedAt(docId: string, version: number): Promise<Node> {
    const known = this.recent.get(docId, version)
    if (known) return known
    const snapshot = await this.storage.latestSnapshot(docId, version)
    if (!snapshot) throw new ConcordError("ERR_STORAGE", `No snapshot of ${docId} at or before ${version}`)
    let node = schema.nodeFromJSON(snapshot.doc)
    for (let after = snapshot.version; after < version;) {
      const ops = await this.storage.getOps(docId, after, version, readSlice)
      if (!ops.length) throw new ConcordError("ERR_STORAGE", `Ops after ${after} of ${docId} are missing`)
      node = replayed(node, ops)
      after = ops[ops.length - 1].version
      if (after < version) await nextTurn()
    }
    this.recent.remember(docId, version, node)
    return node
  }

  /** A CRDT document at a version: its starting state plus the updates up to it, as ProseMirror JSON. */
  private async crdtAt(doc: HubDocument, version: number): Promise<Snapshot> {
    const { newCrdtDoc, applyUpdates, crdtJSON } = await crdtState()
    const ydoc = newCrdtDoc()
    for (let after = 0; after < version;) {
      const ops = await this.storage.getOps(doc.id, after, version, limits.maxOpsPerPage)
      if (!ops.length) throw new ConcordError("ERR_STORAGE", `Ops after ${after} of ${doc.id} are missing`)
      applyUpdates(ydoc, ops)
      after = ops[ops.length - 1].version
    }
    return { version, doc: crdtJSON(ydoc) }
  }
}

/** A docAt reply carrying the document itself, with no steps to apply. */
function wholeVersion(snapshot: Snapshot): DocAtReply {
  return { version: snapshot.version, base: snapshot.version, doc: Buffer.from(JSON.stringify(snapshot.doc)), steps: [] }
}
