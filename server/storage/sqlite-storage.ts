import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import createDebug from "debug"
import { ConcordError, type CommittedOp, type DocJSON, type Snapshot, type StrategyName } from "../../lib/protocol"
import { checkAppend, type DocumentRecord, type SnapshotText, type Storage } from "./storage"
import { WalCheckpointer } from "./wal-checkpointer"

const log = createDebug("concord:storage")

/** How long a connection waits for another one's write lock before failing, in ms. */
const busyTimeout = 5_000

/** One step of the database schema; applied once, in order, and recorded in schema_migrations. */
export interface Migration {
  version: number
  up(db: Database.Database): void
}

/** The schema's history, oldest first. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    // JSON columns are declared TEXT: a declared type of JSON would get numeric affinity.
    up(db) {
      db.exec(`
        CREATE TABLE documents (
          id TEXT PRIMARY KEY,
          strategy TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          version INTEGER NOT NULL
        );
        CREATE INDEX documents_created_at ON documents (created_at);
        CREATE TABLE ops (
          doc_id TEXT NOT NULL REFERENCES documents (id),
          version INTEGER NOT NULL,
          client_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          base_version INTEGER NOT NULL,
          author_name TEXT NOT NULL,
          author_color TEXT NOT NULL,
          time INTEGER NOT NULL,
          steps TEXT NOT NULL,
          original TEXT,
          dropped TEXT,
          moves TEXT,
          PRIMARY KEY (doc_id, version)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX ops_client_seq ON ops (doc_id, client_id, seq);
        CREATE TABLE snapshots (
          doc_id TEXT NOT NULL REFERENCES documents (id),
          version INTEGER NOT NULL,
          doc TEXT NOT NULL,
          PRIMARY KEY (doc_id, version)
        ) WITHOUT ROWID;
      `)
    }
  },
  {
    version: 2,
    // The plain-language summary of each op, written by the hub at commit time for the history panel.
    up(db) {
      db.exec("ALTER TABLE ops ADD COLUMN summary TEXT")
    }
  },
  {
    version: 3,
    // Last-writer-wins documents: the block writes each op carried, kept and discarded.
    up(db) {
      db.exec("ALTER TABLE ops ADD COLUMN writes TEXT")
    }
  },
  {
    version: 4,
    // Version-vector documents: what became of each block write; CRDT documents: the Yjs update (base64).
    up(db) {
      db.exec("ALTER TABLE ops ADD COLUMN vv_writes TEXT")
      db.exec("ALTER TABLE ops ADD COLUMN y_update TEXT")
    }
  },
  {
    version: 5,
    // Each client's newest seq per document, in place of a unique index on (doc_id, client_id, seq): a
    // commit of ops from 30 clients wrote some 30 leaf pages of that index to the WAL (42 pages a commit
    // against 7.5 without it), and a client's seqs only increase, so its newest is all dedup needs.
    up(db) {
      db.exec(`
        CREATE TABLE client_seqs (
          doc_id TEXT NOT NULL REFERENCES documents (id),
          client_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          version INTEGER NOT NULL,
          PRIMARY KEY (doc_id, client_id)
        ) WITHOUT ROWID;
        INSERT INTO client_seqs (doc_id, client_id, seq, version)
          SELECT doc_id, client_id, max(seq), version FROM ops GROUP BY doc_id, client_id;
        DROP INDEX ops_client_seq;
      `)
    }
  }
]

/** Where and how durably an SQLite store keeps its data. */
export interface SqliteStorageOptions {
  /** The database file; its folder is created when missing. */
  file: string
  /** NORMAL (the default) survives a killed process; FULL also survives a power cut, at a cost per commit. */
  synchronous?: "normal" | "full"
  /** Checkpoint the write-ahead log from a worker thread (the default) rather than inside commits. */
  checkpointThread?: boolean
}

interface DocumentRow {
  id: string
  strategy: StrategyName
  created_at: number
  version: number
}

interface OpRow {
  version: number
  client_id: string
  seq: number
  base_version: number
  author_name: string
  author_color: string
  time: number
  steps: string
  original: string | null
  dropped: string | null
  moves: string | null
  summary: string | null
  writes: string | null
  vv_writes: string | null
  y_update: string | null
}

/** One commit() call waiting for the next group. */
interface PendingCommit {
  docId: string
  ops: CommittedOp[]
  snapshot?: Snapshot
  resolve(): void
  reject(error: ConcordError): void
}

function toRecord(row: DocumentRow): DocumentRecord {
  return { id: row.id, strategy: row.strategy, createdAt: row.created_at, version: row.version }
}

function toOp(row: OpRow): CommittedOp {
  const op: CommittedOp = {
    version: row.version,
    clientId: row.client_id,
    seq: row.seq,
    baseVersion: row.base_version,
    steps: JSON.parse(row.steps),
    author: { name: row.author_name, color: row.author_color },
    time: row.time
  }
  if (row.original != null) op.original = JSON.parse(row.original)
  if (row.dropped != null) op.dropped = JSON.parse(row.dropped)
  if (row.moves != null) op.moves = JSON.parse(row.moves)
  if (row.summary != null) op.summary = row.summary
  if (row.writes != null) op.writes = JSON.parse(row.writes)
  if (row.vv_writes != null) op.vvWrites = JSON.parse(row.vv_writes)
  if (row.y_update != null) op.update = row.y_update
  return op
}

function toJSONColumn(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value)
}

/** Every statement the store runs, prepared once per connection. */
function prepareStatements(db: Database.Database) {
return {
    insertDocument: db.prepare("INSERT INTO documents (id, strategy, created_at, version) VALUES (?, ?, ?, 0)"),
    getDocument: db.prepare<[string], DocumentRow>("SELECT * FROM documents WHERE id = ?"),
    listDocuments: db.prepare<[number], DocumentRow>("SELECT * FROM documents ORDER BY created_at DESC, rowid DESC LIMIT ?"),
    head: db.prepare<[string], number>("SELECT version FROM documents WHERE id = ?").pluck(),
    setHead: db.prepare("UPDATE documents SET version = ? WHERE id = ?"),
    insertOp: db.prepare(
      `INSERT INTO ops (doc_id, version, client_id, seq, base_version, author_name, author_color, time, steps, original, dropped, moves, summary, writes, vv_writes, y_update)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    getOps: db.prepare<[string, number, number, number], OpRow>(
      "SELECT * FROM ops WHERE doc_id = ? AND version > ? AND version <= ? ORDER BY version LIMIT ?"
    ),
    getOpsBefore: db.prepare<[string, number, number], OpRow>(
      "SELECT * FROM ops WHERE doc_id = ? AND version < ? ORDER BY version DESC LIMIT ?"
    ),
    lastOp: db.prepare<[string, string], OpRow>(
      "SELECT ops.* FROM client_seqs JOIN ops ON ops.doc_id = client_seqs.doc_id AND ops.version = client_seqs.version WHERE client_seqs.doc_id = ? AND client_seqs.client_id = ?"
    ),
    // Changes nothing (0 changes) when the client already committed this seq or a later one.
    advanceSeq: db.prepare(
      `INSERT INTO client_seqs (doc_id, client_id, seq, version) VALUES (?, ?, ?, ?)
       ON CONFLICT (doc_id, client_id) DO UPDATE SET seq = excluded.seq, version = excluded.version WHERE excluded.seq > client_seqs.seq`
    ),
    insertSnapshot: db.prepare("INSERT OR IGNORE INTO snapshots (doc_id, version, doc) VALUES (?, ?, ?)"),
    latestSnapshot: db.prepare<[string, number], { version: number; doc: string }>(
      "SELECT version, doc FROM snapshots WHERE doc_id = ? AND version <= ? ORDER BY version DESC LIMIT 1"
    )
  }
}

/** Apply the migrations this database has not seen yet, in one transaction, recording each. */
function migrate(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
  db.transaction(() => {
    const applied = new Set(db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[])
    const record = db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue
      migration.up(db)
      record.run(migration.version, Date.now())
      log("applied migration %d", migration.version)
    }
  }).immediate()
}

/** SQLite's own threshold for checkpointing inside a commit, in pages, used when the checkpoint thread is off or fails. */
const defaultAutocheckpoint = 1000

/**
 * A Storage on one SQLite file (WAL mode). Commits that arrive in the same turn of the event loop are
 * written together in one transaction at the next setImmediate, each in its own savepoint so that one
 * failing call fails alone.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database
  private readonly statements: ReturnType<typeof prepareStatements>
  /** Commits a group of calls as one transaction: all of them, or none when one fails. */
  private readonly writeGroup: Database.Transaction<(group: PendingCommit[]) => void>
  /** Commits a group of calls as one transaction in which each call succeeds or fails alone. */
  private readonly writeEach: Database.Transaction<(group: PendingCommit[]) => (ConcordError | null)[]>
  private queue: PendingCommit[] = []
  private flushTimer: NodeJS.Immediate | null = null
  private closed = false
  private readonly checkpointer: WalCheckpointer | null = null

  /** Open (creating when missing) the database file and bring its schema up to date. */
  constructor(options: SqliteStorageOptions) {
    mkdirSync(dirname(options.file), { recursive: true })
    const db = new Database(options.file)
    try {
      db.pragma("journal_mode = WAL")
      db.pragma(`synchronous = ${options.synchronous == "full" ? "FULL" : "NORMAL"}`)
      db.pragma(`busy_timeout = ${busyTimeout}`)
      db.pragma("foreign_keys = ON")
      migrate(db)
    } catch (error) {
      db.close()
      throw ConcordError.from(error, "ERR_STORAGE")
    }
    this.db = db
    if (options.checkpointThread ?? true) {
      db.pragma("wal_autocheckpoint = 0")
      this.checkpointer = new WalCheckpointer(options.file, reason => {
        log("checkpoint thread failed (%s): checkpointing in commits again", reason)
        if (!this.closed) db.pragma(`wal_autocheckpoint = ${defaultAutocheckpoint}`)
      })
    }
    this.statements = prepareStatements(db)
    this.writeGroup = db.transaction((group: PendingCommit[]) => {
      for (const call of group) this.append(call.docId, call.ops, call.snapshot)
    })
    // Nested inside writeEach's transaction, better-sqlite3 runs each call in a SAVEPOINT.
    const writeOne = db.transaction((call: PendingCommit) => this.append(call.docId, call.ops, call.snapshot))
    this.writeEach = db.transaction((group: PendingCommit[]) =>
      group.map((call) => {
        try {
          writeOne(call)
          return null
        } catch (error) {
          // SQLite ended the whole transaction (disk full, I/O error): the group fails as one.
          if (!db.inTransaction) throw error
          return ConcordError.from(error, "ERR_STORAGE")
        }
      })
    )
  }

  async createDocument(id: string, strategy: StrategyName, initial: DocJSON, time: number): Promise<DocumentRecord> {
    this.checkOpen()
    this.db.transaction(() => {
      if (this.statements.head.get(id) != null) throw new ConcordError("ERR_DOCUMENT_EXISTS", `Document ${id} exists`)
      this.statements.insertDocument.run(id, strategy, time)
      this.statements.insertSnapshot.run(id, 0, JSON.stringify(initial))
    }).immediate()
    return { id, strategy, createdAt: time, version: 0 }
  }

  async getDocument(id: string): Promise<DocumentRecord | null> {
    this.checkOpen()
    const row = this.statements.getDocument.get(id)
    return row ? toRecord(row) : null
  }

  async listDocuments(limit: number): Promise<DocumentRecord[]> {
    this.checkOpen()
    return this.statements.listDocuments.all(limit).map(toRecord)
  }

  commit(docId: string, ops: CommittedOp[], snapshot?: Snapshot): Promise<void> {
    return new Promise((resolve, reject) => {
      this.checkOpen()
      this.queue.push({ docId, ops, snapshot, resolve, reject })
      this.flushTimer ??= setImmediate(() => this.flush())
    })
  }

  async getOps(docId: string, after: number, upTo?: number, limit?: number): Promise<CommittedOp[]> {
    this.checkOpen()
    return this.statements.getOps.all(docId, after, upTo ?? Number.MAX_SAFE_INTEGER, limit ?? -1).map(toOp)
  }

  async getOpsBefore(docId: string, before: number, limit: number): Promise<CommittedOp[]> {
    this.checkOpen()
    return this.statements.getOpsBefore.all(docId, before, limit).map(toOp)
  }

  async lastOp(docId: string, clientId: string): Promise<CommittedOp | null> {
    this.checkOpen()
    const row = this.statements.lastOp.get(docId, clientId)
    return row ? toOp(row) : null
  }

  async latestSnapshot(docId: string, atOrBefore?: number): Promise<Snapshot | null> {
    this.checkOpen()
    const row = this.statements.latestSnapshot.get(docId, atOrBefore ?? Number.MAX_SAFE_INTEGER)
    return row ? { version: row.version, doc: JSON.parse(row.doc) } : null
  }

  async latestSnapshotText(docId: string, atOrBefore?: number): Promise<SnapshotText | null> {
    this.checkOpen()
    const row = this.statements.latestSnapshot.get(docId, atOrBefore ?? Number.MAX_SAFE_INTEGER)
    return row ? { version: row.version, json: row.doc } : null
  }

  async putSnapshot(docId: string, snapshot: Snapshot): Promise<void> {
    this.checkOpen()
    this.db.transaction(() => this.append(docId, [], snapshot)).immediate()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.flush()
    this.closed = true
    await this.checkpointer?.close()
    this.db.close()
  }

  /** Write every queued commit in one transaction, then settle each call with its own outcome. */
  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer)
    this.flushTimer = null
    const group = this.queue
    this.queue = []
    if (group.length == 0) return
    let outcomes: (ConcordError | null)[]
    try {
      // Calls rarely fail, so the group goes in one transaction without a savepoint per call (two
      // statements fewer per call); when one fails and takes the transaction with it, the group is
      // written again with each call on its own.
      this.writeGroup.immediate(group)
      outcomes = group.map(() => null)
    } catch (first) {
      try {
        outcomes = group.length == 1 ? [ConcordError.from(first, "ERR_STORAGE")] : this.writeEach.immediate(group)
      } catch (error) {
        outcomes = group.map(() => ConcordError.from(error, "ERR_STORAGE"))
      }
    }
    log("committed a group of %d calls, %d failed", group.length, outcomes.filter(Boolean).length)
    group.forEach((call, i) => {
      const error = outcomes[i]
      if (error) call.reject(error)
      else call.resolve()
    })
  }

  /** Append ops and a snapshot to a document inside the current transaction, or throw. */
  private append(docId: string, ops: CommittedOp[], snapshot?: Snapshot): void {
    const head = this.statements.head.get(docId)
    if (head == null) throw new ConcordError("ERR_UNKNOWN_DOCUMENT", `No document ${docId}`)
    checkAppend(docId, head, ops, snapshot)
    for (const op of ops) {
      this.statements.insertOp.run(
        docId,
        op.version,
        op.clientId,
        op.seq,
        op.baseVersion,
        op.author.name,
        op.author.color,
        op.time,
        JSON.stringify(op.steps),
        toJSONColumn(op.original),
        toJSONColumn(op.dropped),
        toJSONColumn(op.moves),
        op.summary ?? null,
        toJSONColumn(op.writes),
        toJSONColumn(op.vvWrites),
        op.update ?? null
      )
      if (this.statements.advanceSeq.run(docId, op.clientId, op.seq, op.version).changes == 0)
        throw new ConcordError("ERR_STORAGE", `Op (${op.clientId}, ${op.seq}) is not newer than that client's last seq in ${docId}`)
    }
    if (ops.length) this.statements.setHead.run(head + ops.length, docId)
    if (snapshot) this.statements.insertSnapshot.run(docId, snapshot.version, JSON.stringify(snapshot.doc))
  }

  private checkOpen(): void {
    if (this.closed) throw new ConcordError("ERR_STORAGE", "Storage is closed")
  }
}

/** Open an SQLite store, creating the file, its folder and its schema as needed. */
export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  return new SqliteStorage(options)
}
