import { ConcordError, type CommittedOp, type DocJSON, type Role, type Snapshot, type StrategyName } from "../../lib/protocol"
import { checkAppend, checkFollows, type OpKey, type DocumentRecord, type LinkHashes, type SnapshotText, type Storage } from "./storage"

interface StoredDocument {
  record: DocumentRecord
  /** ops[i] has version i + 1. */
  ops: CommittedOp[]
  /** Ascending by version. */
  snapshots: Snapshot[]
  /** Each client's newest seq and the version of its op. */
  lastSeqs: Map<string, { seq: number; version: number }>
}

interface StoredLink {
  docId: string
  role: Role
  revoked: boolean
}

/** Values pass through JSON on the way in and out, as they would through a database: no shared objects, undefined fields gone. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/** A Storage that keeps everything in memory, for fast tests and benchmarks. Nothing survives the process. */
export class MemoryStorage implements Storage {
  private readonly documents = new Map<string, StoredDocument>()
  private readonly clientKeys = new Map<string, string>()
  /** Every link ever made, by its token's hash. */
  private readonly links = new Map<string, StoredLink>()
  private closed = false

  async createDocument(id: string, strategy: StrategyName, initial: DocJSON, time: number, links: LinkHashes): Promise<DocumentRecord> {
    this.checkOpen()
    if (this.documents.has(id)) throw new ConcordError("ERR_DOCUMENT_EXISTS", `Document ${id} exists`)
    const roles = Object.keys(links) as Role[]
    if (roles.some(role => this.links.has(links[role]))) throw new ConcordError("ERR_STORAGE", `A link of ${id} is not new`)
    const record: DocumentRecord = { id, strategy, createdAt: time, version: 0 }
    this.documents.set(id, { record, ops: [], snapshots: [{ version: 0, doc: copy(initial) }], lastSeqs: new Map() })
    for (const role of roles) this.links.set(links[role], { docId: id, role, revoked: false })
    return { ...record }
  }

  async findLink(docId: string, tokenHash: string): Promise<Role | null> {
    this.checkOpen()
    const link = this.links.get(tokenHash)
    return link && link.docId == docId && !link.revoked ? link.role : null
  }

  async replaceLinks(docId: string, role: Role, tokenHash: string | null): Promise<void> {
    this.checkOpen()
    this.document(docId)
    if (tokenHash != null && this.links.has(tokenHash)) throw new ConcordError("ERR_STORAGE", `A link of ${docId} is not new`)
    for (const link of this.links.values()) if (link.docId == docId && link.role == role) link.revoked = true
    if (tokenHash != null) this.links.set(tokenHash, { docId, role, revoked: false })
  }

  async getDocument(id: string): Promise<DocumentRecord | null> {
    this.checkOpen()
    const stored = this.documents.get(id)
    return stored ? { ...stored.record } : null
  }

  async listDocuments(limit: number): Promise<DocumentRecord[]> {
    this.checkOpen()
    return [...this.documents.values()]
      .reverse()
      .sort((a, b) => b.record.createdAt - a.record.createdAt)
      .slice(0, limit)
      .map((stored) => ({ ...stored.record }))
  }

  async commit(docId: string, ops: CommittedOp[], snapshot?: Snapshot, follows?: OpKey | null): Promise<void> {
    this.checkOpen()
    const stored = this.document(docId)
    checkAppend(docId, stored.record.version, ops, snapshot)
    checkFollows(docId, stored.record.version, stored.ops[stored.ops.length - 1] ?? null, follows)
    // Checked against the seqs before this call and the ops of it before, then recorded: all or nothing.
    const seen = new Map<string, number>()
    for (const op of ops) {
      const last = seen.get(op.clientId) ?? stored.lastSeqs.get(op.clientId)?.seq
      if (last != null && op.seq <= last)
        throw new ConcordError("ERR_STORAGE", `Op (${op.clientId}, ${op.seq}) is not newer than that client's seq ${last} in ${docId}`)
      seen.set(op.clientId, op.seq)
    }
    for (const op of ops) {
      stored.ops.push(copy(op))
      stored.lastSeqs.set(op.clientId, { seq: op.seq, version: op.version })
    }
    stored.record.version += ops.length
    if (snapshot) this.addSnapshot(stored, snapshot)
  }

  async getOps(docId: string, after: number, upTo?: number, limit?: number): Promise<CommittedOp[]> {
    this.checkOpen()
    const ops = this.documents.get(docId)?.ops ?? []
    const end = Math.min(upTo ?? ops.length, ops.length)
    return copy(ops.slice(Math.max(after, 0), Math.max(end, 0)).slice(0, limit))
  }

  async getOpsBefore(docId: string, before: number, limit: number): Promise<CommittedOp[]> {
    this.checkOpen()
    const ops = this.documents.get(docId)?.ops ?? []
    const end = Math.max(Math.min(before - 1, ops.length), 0)
    return copy(ops.slice(Math.max(end - limit, 0), end).reverse())
  }

  async claimClient(clientId: string, keyHash: string): Promise<boolean> {
    this.checkOpen()
    if (!this.clientKeys.has(clientId)) this.clientKeys.set(clientId, keyHash)
    return this.clientKeys.get(clientId) == keyHash
  }

  async lastOp(docId: string, clientId: string): Promise<CommittedOp | null> {
    this.checkOpen()
    const stored = this.documents.get(docId)
    const last = stored?.lastSeqs.get(clientId)
    return stored && last ? copy(stored.ops[last.version - 1]) : null
  }

  async latestSnapshot(docId: string, atOrBefore?: number): Promise<Snapshot | null> {
    this.checkOpen()
    const found = this.findSnapshot(docId, atOrBefore)
    return found ? copy(found) : null
  }

  async latestSnapshotText(docId: string, atOrBefore?: number): Promise<SnapshotText | null> {
    this.checkOpen()
    const found = this.findSnapshot(docId, atOrBefore)
    return found ? { version: found.version, json: JSON.stringify(found.doc) } : null
  }

  async putSnapshot(docId: string, snapshot: Snapshot): Promise<void> {
    this.checkOpen()
    const stored = this.document(docId)
    checkAppend(docId, stored.record.version, [], snapshot)
    this.addSnapshot(stored, snapshot)
  }

  async close(): Promise<void> {
    this.closed = true
  }

  private checkOpen(): void {
    if (this.closed) throw new ConcordError("ERR_STORAGE", "Storage is closed")
  }

  private findSnapshot(docId: string, atOrBefore?: number): Snapshot | undefined {
    return this.documents.get(docId)?.snapshots.findLast((snapshot) => atOrBefore == null || snapshot.version <= atOrBefore)
  }

  private document(docId: string): StoredDocument {
    const stored = this.documents.get(docId)
    if (!stored) throw new ConcordError("ERR_UNKNOWN_DOCUMENT", `No document ${docId}`)
    return stored
  }

  private addSnapshot(stored: StoredDocument, snapshot: Snapshot): void {
    const { snapshots } = stored
    if (snapshots.some((s) => s.version == snapshot.version)) return
    snapshots.push(copy(snapshot))
    snapshots.sort((a, b) => a.version - b.version)
  }
}
