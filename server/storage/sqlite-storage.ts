import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import Database from "better-sqlite3"
import { ConcordError, type CommittedOp, type DocJSON, type Role, type Snapshot, type StrategyName } from "../../lib/protocol"
import { createLogger, type Logger } from "../log"
import { newLinks } from "../link-tokens"
import { type DocumentRecord, type LinkHashes, type OpKey, type SnapshotText, type Storage } from "./storage"
import { WalCheckpointer } from "./wal-checkpointer"
import { SqliteWriter } from "./sqlite-writer"
import { selectOp, toOp, type OpRow } from "./op-row"
import { toRecord, type DocumentRow } from "./document-row"

/** How long a connection waits for another one's write lock before failing, in ms. */
const busyTimeout = 5_000

/** What a migration may need besides the database: the folder it lives in and a logger. */
export interface MigrationContext {
  dir: string
  log: Logger
}

/** One step of the database schema; applied once, in order, and recorded in schema_migrations. */
export interface Migration {
  version: number
  up(db: Database.Database, context: MigrationContext): void
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
  },
  {
    version: 6,
    // For each committed step, the submitted step it came from, when a step was committed as several.
    up(db) {
      db.exec("ALTER TABLE ops ADD COLUMN origins TEXT")
    }
  },
  {
    version: 7,
    // Capability links, of which only each token's SHA-256 is kept. Documents from before links get a link
    // per role; the store cannot give their tokens back, so they are written once to a file only the
    // owner of the process may read, which the operator hands on (or reissues with `npm run links`).
    up(db, context) {
      db.exec(`
        CREATE TABLE links (
          doc_id TEXT NOT NULL REFERENCES documents (id),
          role TEXT NOT NULL,
          token_hash TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          revoked_at INTEGER
        );
        CREATE INDEX links_doc_role ON links (doc_id, role);
      `)
      const ids = db.prepare("SELECT id FROM documents ORDER BY created_at, rowid").pluck().all() as string[]
      if (!ids.length) return
      const insert = db.prepare("INSERT INTO links (doc_id, role, token_hash, created_at) VALUES (?, ?, ?, ?)")
      const now = Date.now()
      const lines = ids.map(id => {
        const { tokens, hashes } = newLinks()
        for (const role of ["owner", "edit", "view"] as const) insert.run(id, role, hashes[role], now)
        return `${id} owner=${tokens.owner} edit=${tokens.edit} view=${tokens.view}\n`
      })
      const file = join(context.dir, `links-${new Date(now).toISOString().replaceAll(":", "-")}.txt`)
      writeFileSync(file, lines.join(""), { mode: 0o600, flag: "wx" })
      context.log.warn({ file, documents: ids.length, note: "open a document at /d/<docId>#<token>; keep this file secret" }, "links-written")
    }
  },
  {
    version: 8,
    // Each client id bound to the hash of the key that first claimed it, so that no other socket can act as it.
    up(db) {
      db.exec("CREATE TABLE client_keys (client_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, claimed_at INTEGER NOT NULL)")
    }
  },
  {
    version: 9,
    // The version an op restored and that version's commit time (CommittedOp.restored), for the history to say so.
    up(db) {
      db.exec("ALTER TABLE ops ADD COLUMN restored TEXT")
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
  /** Where the store reports what an operator must know, and at debug level what it does (default: createLogger()). */
  log?: Logger
}

/** Every statement the store's reading connection runs, prepared once (the writer thread has its own). */
function prepareStatements(db: Database.Database) {
  return {
    getDocument: db.prepare<[string], DocumentRow>("SELECT * FROM documents WHERE id = ?"),
    listDocuments: db.prepare<[number], DocumentRow>("SELECT * FROM documents ORDER BY created_at DESC, rowid DESC LIMIT ?"),
    head: db.prepare<[string], number>("SELECT version FROM documents WHERE id = ?").pluck(),
    getOps: db.prepare<[string, number, number, number], OpRow>(
      `SELECT ${selectOp()} FROM ops WHERE doc_id = ? AND version > ? AND version <= ? ORDER BY version LIMIT ?`
    ).raw(true),
    getOpsBefore: db.prepare<[string, number, number], OpRow>(
      `SELECT ${selectOp()} FROM ops WHERE doc_id = ? AND version < ? ORDER BY version DESC LIMIT ?`
    ).raw(true),
    lastOp: db.prepare<[string, string], OpRow>(
      `SELECT ${selectOp("ops.")} FROM client_seqs JOIN ops ON ops.doc_id = client_seqs.doc_id AND ops.version = client_seqs.version
       WHERE client_seqs.doc_id = ? AND client_seqs.client_id = ?`
    ).raw(true),
    clientKey: db.prepare<[string], string>("SELECT key_hash FROM client_keys WHERE client_id = ?").pluck(),
    findLink: db.prepare<[string, string], Role>("SELECT role FROM links WHERE token_hash = ? AND doc_id = ? AND revoked_at IS NULL").pluck(),
    latestSnapshot: db.prepare<[string, number], { version: number; doc: string }>(
      "SELECT version, doc FROM snapshots WHERE doc_id = ? AND version <= ? ORDER BY version DESC LIMIT 1"
    )
  }
}

/** Apply the migrations this database has not seen yet, in one transaction, recording each. */
function migrate(db: Database.Database, context: MigrationContext): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
  db.transaction(() => {
    const applied = new Set(db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[])
    const record = db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue
      migration.up(db, context)
      record.run(migration.version, Date.now())
      context.log.debug({ version: migration.version }, "migration-applied")
    }
  }).immediate()
}

/** SQLite's own threshold for checkpointing inside a commit, in pages, used when the checkpoint thread is off or fails. */
const defaultAutocheckpoint = 1000

/**
 * A Storage on one SQLite file (WAL mode). Reads run on the calling thread; writes asked for in one
 * turn of the event loop are written together at its end, one transaction per group, on this thread or,
 * under load, on a writer thread (`SqliteWriter`).
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database
  private readonly statements: ReturnType<typeof prepareStatements>
  private readonly writer: SqliteWriter
  private closed = false
  private closing: Promise<void> | null = null
  private readonly checkpointer: WalCheckpointer | null = null

  /** Open (creating when missing) the database file and bring its schema up to date. */
  constructor(options: SqliteStorageOptions) {
    mkdirSync(dirname(options.file), { recursive: true })
    const db = new Database(options.file)
    const synchronous = options.synchronous == "full" ? "FULL" : "NORMAL"
    const log = options.log ?? createLogger()
    try {
      db.pragma("journal_mode = WAL")
      db.pragma(`synchronous = ${synchronous}`)
      db.pragma(`busy_timeout = ${busyTimeout}`)
      db.pragma("foreign_keys = ON")
      migrate(db, { dir: dirname(options.file), log })
    } catch (error) {
      db.close()
      throw ConcordError.from(error, "ERR_STORAGE")
    }
    this.db = db
    const threaded = options.checkpointThread ?? true
    const autocheckpoint = threaded ? 0 : defaultAutocheckpoint
    db.pragma(`wal_autocheckpoint = ${autocheckpoint}`)
    this.writer = new SqliteWriter(db, { file: options.file, synchronous, busyTimeout, autocheckpoint })
    if (threaded) {
      this.checkpointer = new WalCheckpointer(options.file, reason => {
        log.debug({ reason, note: "checkpointing in commits again" }, "checkpoint-thread-failed")
        if (!this.closed) this.writer.checkpointInCommits(db, defaultAutocheckpoint)
      })
    }
    this.statements = prepareStatements(db)
  }

  async createDocument(id: string, strategy: StrategyName, initial: DocJSON, time: number, links: LinkHashes): Promise<DocumentRecord> {
    this.checkOpen()
    await this.writer.create(id, strategy, initial, time, links)
    return { id, strategy, createdAt: time, version: 0 }
  }

  async findLink(docId: string, tokenHash: string): Promise<Role | null> {
    this.checkOpen()
    return this.statements.findLink.get(tokenHash, docId) ?? null
  }

  async replaceLinks(docId: string, role: Role, tokenHash: string | null, time: number): Promise<void> {
    this.checkOpen()
    return this.writer.replaceLinks(docId, role, tokenHash, time)
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

  async commit(docId: string, ops: CommittedOp[], snapshot?: Snapshot, follows?: OpKey | null): Promise<void> {
    this.checkOpen()
    return this.writer.append(docId, ops, snapshot, follows)
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

  async claimClient(clientId: string, keyHash: string, time: number): Promise<boolean> {
    this.checkOpen()
    const held = this.statements.clientKey.get(clientId)
    if (held != null) return held == keyHash
    await this.writer.claim(clientId, keyHash, time)
    return this.statements.clientKey.get(clientId) == keyHash
  }

  async putSnapshot(docId: string, snapshot: Snapshot): Promise<void> {
    this.checkOpen()
    return this.writer.append(docId, [], snapshot)
  }

  close(): Promise<void> {
    this.closed = true
    this.closing ??= (async () => {
      await this.writer.close()
      await this.checkpointer?.close()
      this.db.close()
    })()
    return this.closing
  }

  private checkOpen(): void {
    if (this.closed) throw new ConcordError("ERR_STORAGE", "Storage is closed")
  }
}

/** Open an SQLite store, creating the file, its folder and its schema as needed. */
export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  return new SqliteStorage(options)
}
