import pg from "pg"
import { ConcordError, type CommittedOp, type DocJSON, type Role, type Snapshot, type StrategyName } from "../../lib/protocol"
import { createLogger, type Logger } from "../log"
import { commitFunctionSql, commitStatement, restoredColumnSql, raisedCommitError, type CommitRequest } from "./postgres-commit"
import { checkAppend, type OpKey, type DocumentRecord, type LinkHashes, type SnapshotText, type Storage } from "./storage"
import { selectOp, toOp, type OpRow } from "./op-row"
import { toRecord, type DocumentRow } from "./document-row"

/** One step of the PostgreSQL schema; applied once, in order, and recorded in schema_migrations. */
export interface PostgresMigration {
  version: number
  sql: string
}

/** The PostgreSQL schema's history, oldest first. Append only: a released migration is never edited. */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    // The schema SQLite reached in its eighth migration. JSON columns are TEXT, so that a snapshot is
    // served as the very text stored; `position` orders documents created in the same millisecond.
    sql: `
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        strategy TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        version BIGINT NOT NULL,
        position BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX documents_created_at ON documents (created_at DESC, position DESC);
      CREATE TABLE ops (
        doc_id TEXT NOT NULL REFERENCES documents (id),
        version BIGINT NOT NULL,
        client_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        base_version BIGINT NOT NULL,
        author_name TEXT NOT NULL,
        author_color TEXT NOT NULL,
        time BIGINT NOT NULL,
        steps TEXT NOT NULL,
        original TEXT,
        dropped TEXT,
        moves TEXT,
        summary TEXT,
        writes TEXT,
        vv_writes TEXT,
        y_update TEXT,
        origins TEXT,
        PRIMARY KEY (doc_id, version)
      );
      CREATE TABLE client_seqs (
        doc_id TEXT NOT NULL REFERENCES documents (id),
        client_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        version BIGINT NOT NULL,
        PRIMARY KEY (doc_id, client_id)
      );
      CREATE TABLE snapshots (
        doc_id TEXT NOT NULL REFERENCES documents (id),
        version BIGINT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (doc_id, version)
      );
      CREATE TABLE links (
        doc_id TEXT NOT NULL REFERENCES documents (id),
        role TEXT NOT NULL,
        token_hash TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      );
      CREATE INDEX links_doc_role ON links (doc_id, role);
      CREATE TABLE client_keys (client_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, claimed_at BIGINT NOT NULL);
    `
  },
  { version: 2, sql: commitFunctionSql },
  {
    version: 3,
    // Which hub commits each document (see PostgresLeases), and the secret the hubs sharing this
    // database show one another when one forwards a batch to another: 244 random bits from
    // PostgreSQL's strong random source, made once.
    sql: `
      CREATE TABLE document_leases (
        doc_id TEXT PRIMARY KEY,
        hub TEXT NOT NULL,
        address TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX document_leases_hub ON document_leases (hub);
      CREATE TABLE cluster_secret (secret TEXT NOT NULL);
      INSERT INTO cluster_secret (secret) VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
    `
  },
  { version: 4, sql: restoredColumnSql }
]

/** Where a PostgreSQL store connects and how many connections it keeps. */
export interface PostgresStorageOptions {
  /** A postgres:// (or postgresql://) URL, as CONCORD_DATABASE_URL gives it. */
  connectionString: string
  /** The pool's largest number of connections (default 10). */
  maxConnections?: number
  /** Where the store reports what an operator must know, and at debug level what it does (default: createLogger()). */
  log?: Logger
}

/** The advisory lock that lets one process at a time migrate a database: hubs started together apply each migration once. */
const migrationLock = 0x636f6e63

/** SQLSTATE of a unique key violated: a version, link or document another writer took first. */
const uniqueViolation = "23505"

const int8 = 20

/** BIGINT columns arrive as numbers: every one holds a safe integer written from JavaScript. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid == int8 ? Number : pg.types.getTypeParser(oid, format ?? "text")) as pg.CustomTypesConfig["getTypeParser"]
}

/** One commit call waiting in its document's group. */
interface CommitCall extends CommitRequest {
  follows?: OpKey | null
  resolve(): void
  reject(error: unknown): void
}

/**
 * A failure of the database as a ConcordError: a coded one passes through, as does what concord_commit
 * raised, a lost race on the op log's (document, version) key is ERR_COMMIT_CONFLICT, another unique
 * key's ERR_STORAGE, as is anything else.
 */
function storageError(error: unknown): ConcordError {
  if (error instanceof ConcordError) return error
  const raised = raisedCommitError(error)
  if (raised) return raised
  const failure = error as { code?: unknown; table?: unknown }
  if (failure?.code == uniqueViolation)
    return new ConcordError(failure.table == "ops" ? "ERR_COMMIT_CONFLICT" : "ERR_STORAGE", `Another writer committed first: ${(error as Error).message}`)
  return ConcordError.from(error, "ERR_STORAGE")
}

/** Apply the migrations this database has not seen yet, in one transaction under the migration lock, recording each. */
async function migrate(pool: pg.Pool, log: Logger): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
    await client.query("SELECT pg_advisory_xact_lock($1)", [migrationLock])
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)")
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations")
    const applied = new Set(rows.map(row => row.version))
    for (const migration of postgresMigrations) {
      if (applied.has(migration.version)) continue
      await client.query(migration.sql)
      await client.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [migration.version, Date.now()])
      log.debug({ version: migration.version }, "migration-applied")
    }
    await client.query("COMMIT")
    client.release()
  } catch (error) {
    client.release(true)
    throw error
  }
}

/**
 * A Storage on a PostgreSQL database, through a pool of connections. Each write is one transaction that
 * first locks its document's row, so that several processes may share the database: of two commits of
 * the same version, the second finds the head moved and fails with ERR_COMMIT_CONFLICT. A commit is one
 * statement (concord_commit, see postgres-commit.ts). Within one store the writes to a document run one
 * after another, in call order, and the commits that queue up behind one in flight are written together,
 * in one statement, when their turn comes.
 */
export class PostgresStorage implements Storage {
  private closed = false
  private closing: Promise<void> | null = null
  /** The last write queued for each document: the next one starts after it settles. */
  private readonly tails = new Map<string, Promise<void>>()
  /**
   * Each document's commits that wait for its earlier writes, written together in one statement when
   * their turn comes (group commit): a hot document's commits queue up behind the one in flight.
   */
  private readonly groups = new Map<string, CommitCall[]>()
  /** Every call not settled yet, which close waits for. */
  private readonly running = new Set<Promise<unknown>>()

  private constructor(private readonly pool: pg.Pool) {}

  /** Connect to the database and bring its schema up to date. Rejects with ERR_STORAGE when either fails. */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const log = options.log ?? createLogger()
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10, types })
    // An idle connection the server dropped is reported here; the pool replaces it on the next query.
    pool.on("error", error => log.warn({ err: error }, "database-connection-lost"))
    try {
      await migrate(pool, log)
    } catch (error) {
      await pool.end()
      throw storageError(error)
    }
    return new PostgresStorage(pool)
  }

  createDocument(id: string, strategy: StrategyName, initial: DocJSON, time: number, links: LinkHashes): Promise<DocumentRecord> {
    return this.write(id, async client => {
      const inserted = await client.query(
        "INSERT INTO documents (id, strategy, created_at, version) VALUES ($1, $2, $3, 0) ON CONFLICT (id) DO NOTHING",
        [id, strategy, time]
      )
      if (inserted.rowCount == 0) throw new ConcordError("ERR_DOCUMENT_EXISTS", `Document ${id} exists`)
      await client.query("INSERT INTO snapshots (doc_id, version, doc) VALUES ($1, 0, $2)", [id, JSON.stringify(initial)])
      await client.query(
        "INSERT INTO links (doc_id, role, token_hash, created_at) VALUES ($1, 'owner', $2, $5), ($1, 'edit', $3, $5), ($1, 'view', $4, $5)",
        [id, links.owner, links.edit, links.view, time]
      )
      return { id, strategy, createdAt: time, version: 0 }
    })
  }

  findLink(docId: string, tokenHash: string): Promise<Role | null> {
    return this.read(async () => {
      const { rows } = await this.pool.query<{ role: Role }>(
        "SELECT role FROM links WHERE token_hash = $1 AND doc_id = $2 AND revoked_at IS NULL", [tokenHash, docId]
      )
      return rows[0]?.role ?? null
    })
  }

  replaceLinks(docId: string, role: Role, tokenHash: string | null, time: number): Promise<void> {
    return this.write(docId, async client => {
      await this.lockHead(client, docId)
      await client.query("UPDATE links SET revoked_at = $1 WHERE doc_id = $2 AND role = $3 AND revoked_at IS NULL", [time, docId, role])
      if (tokenHash != null)
        await client.query("INSERT INTO links (doc_id, role, token_hash, created_at) VALUES ($1, $2, $3, $4)", [docId, role, tokenHash, time])
    })
  }

  getDocument(id: string): Promise<DocumentRecord | null> {
    return this.read(async () => {
      const { rows } = await this.pool.query<DocumentRow>("SELECT id, strategy, created_at, version FROM documents WHERE id = $1", [id])
      return rows[0] ? toRecord(rows[0]) : null
    })
  }

  listDocuments(limit: number): Promise<DocumentRecord[]> {
    return this.read(async () => {
      const { rows } = await this.pool.query<DocumentRow>(
        "SELECT id, strategy, created_at, version FROM documents ORDER BY created_at DESC, position DESC LIMIT $1", [limit]
      )
      return rows.map(toRecord)
    })
  }

  commit(docId: string, ops: CommittedOp[], snapshot?: Snapshot, follows?: OpKey | null): Promise<void> {
    if (this.closed) return Promise.reject(new ConcordError("ERR_STORAGE", "Storage is closed"))
    const waiting = this.groups.get(docId)
    if (waiting) {
      const joined = new Promise<void>((resolve, reject) => waiting.push({ ops, snapshot, follows, resolve, reject }))
      this.track(joined)
      return joined
    }
    const group: CommitCall[] = []
    const first = new Promise<void>((resolve, reject) => group.push({ ops, snapshot, follows, resolve, reject }))
    void this.queue(docId, async () => {
      try {
        await this.commitCalls(docId, group, () => {
          if (this.groups.get(docId) == group) this.groups.delete(docId)
        })
        for (const call of group) call.resolve()
      } catch (error) {
        if (group.length == 1) return group[0].reject(error)
        // One bad call failed the whole group: each call goes again alone, so that it fails alone.
        for (const call of group) await this.commitCalls(docId, [call]).then(call.resolve, call.reject)
      }
    })
    this.groups.set(docId, group)
    this.track(first)
    return first
  }

  getOps(docId: string, after: number, upTo?: number, limit?: number): Promise<CommittedOp[]> {
    return this.read(() => this.selectOps(
      `SELECT ${selectOp()} FROM ops WHERE doc_id = $1 AND version > $2 AND version <= $3 ORDER BY version LIMIT $4`,
      [docId, after, upTo ?? Number.MAX_SAFE_INTEGER, limit ?? null]
    ))
  }

  getOpsBefore(docId: string, before: number, limit: number): Promise<CommittedOp[]> {
    return this.read(() => this.selectOps(
      `SELECT ${selectOp()} FROM ops WHERE doc_id = $1 AND version < $2 ORDER BY version DESC LIMIT $3`, [docId, before, limit]
    ))
  }

  lastOp(docId: string, clientId: string): Promise<CommittedOp | null> {
    return this.read(async () => {
      const [op] = await this.selectOps(
        `SELECT ${selectOp("ops.")} FROM client_seqs JOIN ops ON ops.doc_id = client_seqs.doc_id AND ops.version = client_seqs.version
         WHERE client_seqs.doc_id = $1 AND client_seqs.client_id = $2`,
        [docId, clientId]
      )
      return op ?? null
    })
  }

  claimClient(clientId: string, keyHash: string, time: number): Promise<boolean> {
    return this.read(async () => {
      const held = () => this.pool.query<{ key_hash: string }>("SELECT key_hash FROM client_keys WHERE client_id = $1", [clientId])
      const before = (await held()).rows[0]
      if (before) return before.key_hash == keyHash
      const inserted = await this.pool.query(
        "INSERT INTO client_keys (client_id, key_hash, claimed_at) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING", [clientId, keyHash, time]
      )
      // Another claim won the race: a new statement sees the key it committed.
      return inserted.rowCount == 1 || (await held()).rows[0]?.key_hash == keyHash
    })
  }

  latestSnapshot(docId: string, atOrBefore?: number): Promise<Snapshot | null> {
    return this.read(async () => {
      const found = await this.selectSnapshot(docId, atOrBefore)
      return found ? { version: found.version, doc: JSON.parse(found.json) } : null
    })
  }

  latestSnapshotText(docId: string, atOrBefore?: number): Promise<SnapshotText | null> {
    return this.read(() => this.selectSnapshot(docId, atOrBefore))
  }

  putSnapshot(docId: string, snapshot: Snapshot): Promise<void> {
    return this.write(docId, async client => {
      checkAppend(docId, await this.lockHead(client, docId), [], snapshot)
      await this.insertSnapshot(client, docId, snapshot)
    })
  }

  close(): Promise<void> {
    this.closed = true
    this.closing ??= (async () => {
      while (this.running.size) await Promise.allSettled([...this.running])
      await this.pool.end()
    })()
    return this.closing
  }

  /** Run a read (or a write that needs no document order) unless the store is closed, tracked for close. */
  private read<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ConcordError("ERR_STORAGE", "Storage is closed"))
    const result = work().catch(error => {
      throw storageError(error)
    })
    this.track(result)
    return result
  }

  /** Run `work` in a transaction of its own once the document's earlier writes have settled. */
  private write<T>(docId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ConcordError("ERR_STORAGE", "Storage is closed"))
    // Later commits may not join a group queued before this write: calls apply in call order.
    this.groups.delete(docId)
    const result = this.queue(docId, () => this.transaction(work))
    this.track(result)
    return result
  }

  /** Run `unit` once the document's earlier writes have settled; the next one waits for it. */
  private queue<T>(docId: string, unit: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(docId) ?? Promise.resolve()
    const result = previous.then(unit)
    const tail = result.then(() => {}, () => {})
    this.tails.set(docId, tail)
    void tail.then(() => {
      if (this.tails.get(docId) == tail) this.tails.delete(docId)
    })
    return result
  }

  private track(call: Promise<unknown>): void {
    const settled = call.then(() => {}, () => {})
    this.running.add(settled)
    void settled.then(() => this.running.delete(settled))
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(error => {
      throw storageError(error)
    })
    try {
      await client.query("BEGIN")
      const value = await work(client)
      await client.query("COMMIT")
      client.release()
      return value
    } catch (error) {
      // A connection that cannot even roll back is broken: the pool drops it rather than reuse it.
      const rolledBack = await client.query("ROLLBACK").then(() => true, () => false)
      client.release(!rolledBack)
      throw storageError(error)
    }
  }

  /**
   * Commit `calls` in order, checked against the head the calls before each leave, in one statement (one
   * transaction): concord_commit does it all. `started` runs once a connection is at hand, just before.
   */
  private async commitCalls(docId: string, calls: readonly CommitCall[], started?: () => void): Promise<void> {
    const client = await this.pool.connect().catch(error => {
      throw storageError(error)
    })
    started?.()
    try {
      // The calls after the first follow it by construction (one process made them in order).
      await client.query(commitStatement(docId, calls, calls[0].follows))
      client.release()
    } catch (error) {
      // A failure the server reported leaves the connection usable (the statement's transaction is over); any other may not.
      client.release(!(error instanceof pg.DatabaseError))
      throw storageError(error)
    }
  }

  /**
   * The document's head, its row locked until the transaction ends: every writer of a document, in any
   * process, waits here (or in concord_commit) for the one before.
   */
  private async lockHead(client: pg.PoolClient, docId: string): Promise<number> {
    const { rows } = await client.query<{ version: number }>("SELECT version FROM documents WHERE id = $1 FOR UPDATE", [docId])
    if (!rows[0]) throw new ConcordError("ERR_UNKNOWN_DOCUMENT", `No document ${docId}`)
    return rows[0].version
  }

  private async insertSnapshot(client: pg.PoolClient, docId: string, snapshot: Snapshot): Promise<void> {
    await client.query(
      "INSERT INTO snapshots (doc_id, version, doc) VALUES ($1, $2, $3) ON CONFLICT (doc_id, version) DO NOTHING",
      [docId, snapshot.version, JSON.stringify(snapshot.doc)]
    )
  }

  private async selectOps(text: string, values: unknown[]): Promise<CommittedOp[]> {
    const { rows } = await this.pool.query<OpRow>({ text, values, rowMode: "array" })
    return rows.map(toOp)
  }

  private async selectSnapshot(docId: string, atOrBefore?: number): Promise<SnapshotText | null> {
    const { rows } = await this.pool.query<{ version: number; doc: string }>(
      "SELECT version, doc FROM snapshots WHERE doc_id = $1 AND version <= $2 ORDER BY version DESC LIMIT 1",
      [docId, atOrBefore ?? Number.MAX_SAFE_INTEGER]
    )
    return rows[0] ? { version: rows[0].version, json: rows[0].doc } : null
  }
}

/** Open a PostgreSQL store at `options.connectionString`, creating its schema as needed. */
export function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  return PostgresStorage.open(options)
}
