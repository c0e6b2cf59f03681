import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"
import type Database from "better-sqlite3"
import { ConcordError, type CommittedOp, type DocJSON, type ErrorJSON, type Role, type Snapshot, type StrategyName } from "../../lib/protocol"
import { opColumns, opRow, type OpRow } from "./op-row"
import type { LinkHashes, OpKey } from "./storage"

/** One write waiting for the writer thread. */
type Task =
  | { kind: "append"; docId: string; rows: OpRow[]; snapshot: { version: number; json: string } | null; follows?: OpKey | null }
  | { kind: "create"; docId: string; strategy: StrategyName; time: number; json: string }
  | { kind: "claim"; clientId: string; keyHash: string; time: number }
  | { kind: "create"; docId: string; strategy: StrategyName; time: number; json: string; links: LinkHashes }
  | { kind: "links"; docId: string; role: Role; hash: string | null; time: number }

interface PendingTask {
  task: Task
  resolve(): void
  reject(error: ConcordError): void
}

function settleGroup(group: PendingTask[], outcomes: (ErrorJSON | null)[]): void {
  group.forEach((pending, i) => {
    const refusal = outcomes[i]
    if (refusal) pending.reject(ConcordError.fromJSON(refusal))
    else pending.resolve()
  })
}

/** What the thread answers for a group: per task, null when written, else the code and message of the refusal. */
interface Reply {
  outcomes: (ErrorJSON | null)[]
}

/** Writes a group of tasks on a connection, giving each task's outcome (sqlite-writes.cjs). */
type WriteGroup = (tasks: Task[]) => (ErrorJSON | null)[]

const require = createRequire(import.meta.url)
const { openWrites } = require("./sqlite-writes.cjs") as { openWrites(db: Database.Database, columns: readonly string[]): WriteGroup }

/** How the writer thread connects to the database. */
export interface SqliteWriterOptions {
  file: string
  synchronous: "NORMAL" | "FULL"
  busyTimeout: number
  /** SQLite's wal_autocheckpoint for the writer's connection: 0 when another thread checkpoints. */
  autocheckpoint: number
}

/**
 * Writes queued in one turn of the event loop are written at its end on this thread, unless this many
 * are queued first: then they go to the writer thread at once, and so does the rest of the turn's.
 * A group of 64 one-keystroke ops takes 1-2 ms to commit, long enough to be worth another thread's
 * core, and a room of 50 clients (one batch in flight each) never fills one, so one hot document
 * commits on this thread as before. Smaller groups sent to the thread cost one hot document more in
 * thread hops than they save (bench:throughput and bench:hub measure both shapes of load).
 */
export const maxGroup = 64

/**
 * Writes to a SQLite database in groups, one transaction each, in which each write succeeds or fails
 * alone (`sqlite-writes.cjs`). Writes asked for in one turn of the event loop form a group, written at
 * the end of the turn on this thread's connection, the quickest way when the load is light. Under load,
 * as soon as `maxGroup` writes are queued, they go to a writer thread with a connection of its own, so
 * that the event loop goes on preparing the next batches while that group commits (better-sqlite3
 * runs a transaction synchronously on the thread that calls it: commits were a third of the hub's event
 * loop under load); what follows a group sent to the thread goes to the thread too until it has
 * answered, so that groups land in the order they were asked for and the two connections never wait
 * for each other's lock. A write resolves once its transaction has committed, so what resolves is
 * durable and visible to the store's reading connection.
 */
export class SqliteWriter {
  private readonly worker: Worker
  private queue: PendingTask[] = []
  /** Groups sent to the thread and not answered yet, oldest first (the thread writes them in order). */
  private readonly inFlight: PendingTask[][] = []
  private flushTimer: NodeJS.Immediate | null = null
  /** Why the writer thread stopped, once it has: from then on every group is written here. */
  private threadFailure: string | null = null
  private closed = false
  private closing: Promise<void> | null = null
  private idle: (() => void) | null = null
  /** Writes a group on this thread's connection. */
  private readonly writeHere: WriteGroup

  /** `db`: this thread's connection to the database, which `options` describe for the writer thread. */
  constructor(db: Database.Database, options: SqliteWriterOptions) {
    this.writeHere = openWrites(db, opColumns)
    const workerData = { ...options, columns: opColumns, role: "sqlite-writer", module: require.resolve("better-sqlite3") }
    this.worker = new Worker(new URL("./sqlite-writes.cjs", import.meta.url), { workerData })
    // Referenced only while a group is out, so that an idle store does not keep the process alive.
    this.worker.unref()
    this.worker.on("message", (message: Reply | { failed: string }) => {
      if ("failed" in message) this.threadFailed(message.failed)
      else this.settle(message)
    })
    this.worker.on("error", error => this.threadFailed(`the writer thread failed: ${error.message}`))
    this.worker.on("messageerror", error => this.threadFailed(`a reply from the writer thread could not be read: ${error.message}`))
    this.worker.on("exit", code => this.threadFailed(`the writer thread exited with code ${code}`))
  }

  /** Append `ops` (and `snapshot`) to a document; resolves once committed. */
  append(docId: string, ops: readonly CommittedOp[], snapshot?: Snapshot, follows?: OpKey | null): Promise<void> {
    const json = snapshot ? { version: snapshot.version, json: JSON.stringify(snapshot.doc) } : null
    return this.enqueue({ kind: "append", docId, rows: ops.map(opRow), snapshot: json, ...(follows !== undefined ? { follows } : {}) })
  }

  /** Create a document with its snapshot at version 0 and its links; rejects with ERR_DOCUMENT_EXISTS when there is one. */
  create(docId: string, strategy: StrategyName, initial: DocJSON, time: number, links: LinkHashes): Promise<void> {
    return this.enqueue({ kind: "create", docId, strategy, time, json: JSON.stringify(initial), links })
  }

  /** Revoke a document's live links of `role` and add one with `hash` when given; rejects with ERR_UNKNOWN_DOCUMENT when there is no document. */
  replaceLinks(docId: string, role: Role, hash: string | null, time: number): Promise<void> {
    return this.enqueue({ kind: "links", docId, role, hash, time })
  }

  /** Bind `clientId` to `keyHash` unless a key holds it already. */
  claim(clientId: string, keyHash: string, time: number): Promise<void> {
    return this.enqueue({ kind: "claim", clientId, keyHash, time })
  }

  /** Let SQLite checkpoint inside the commits of both connections every `pages` pages (when no other thread checkpoints). */
  checkpointInCommits(db: Database.Database, pages: number): void {
    db.pragma(`wal_autocheckpoint = ${pages}`)
    if (!this.threadFailure) this.worker.postMessage({ autocheckpoint: pages })
  }

  /** Write what was asked for, then close the thread's connection and stop it; later writes are refused. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true
      this.flush()
      if (this.inFlight.length) await new Promise<void>(resolve => (this.idle = resolve))
      if (this.threadFailure) return
      const exited = new Promise<void>(resolve => this.worker.once("exit", () => resolve()))
      this.threadFailure = "the store is closed"
      this.worker.ref()
      this.worker.postMessage({ close: true })
      await exited
    })()
    return this.closing
  }

  private enqueue(task: Task): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new ConcordError("ERR_STORAGE", "Storage is closed"))
      this.queue.push({ task, resolve, reject })
      // A full group goes to the thread at once, so that it is written while this thread prepares the next.
      if (this.queue.length >= maxGroup && !this.threadFailure) this.send()
      else this.flushTimer ??= setImmediate(() => this.flush())
    })
  }

  /** At the end of a turn: write what is queued here, or send it to the thread while groups are out there. */
  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer)
    this.flushTimer = null
    if (this.queue.length == 0) return
    if (this.inFlight.length) return this.send()
    const group = this.queue
    this.queue = []
    let outcomes: (ErrorJSON | null)[]
    try {
      outcomes = this.writeHere(group.map(p => p.task))
    } catch (error) {
      outcomes = group.map(() => ConcordError.from(error, "ERR_STORAGE").toJSON())
    }
    settleGroup(group, outcomes)
  }

  /** Send what is queued to the thread as one group. */
  private send(): void {
    const group = this.queue
    this.queue = []
    this.inFlight.push(group)
    if (this.inFlight.length == 1) this.worker.ref()
    try {
      this.worker.postMessage({ tasks: group.map(p => p.task) })
    } catch (error) {
      this.threadFailed(`a group could not be sent to the writer thread: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  private settle(reply: Reply): void {
    const group = this.inFlight.shift()
    if (!group) return
    settleGroup(group, reply.outcomes)
    if (this.inFlight.length) return
    this.worker.unref()
    this.idle?.()
  }

  /**
   * The thread stopped. Whether the groups it had were written is unknown, so they fail (the hub reloads
   * such a document from the store, and its clients resend); from now on every group is written here.
   */
  private threadFailed(reason: string): void {
    if (this.threadFailure) return
    this.threadFailure = reason
    const error = new ConcordError("ERR_STORAGE", `The store's writer thread stopped (${reason}); resend`)
    for (const group of this.inFlight.splice(0)) for (const pending of group) pending.reject(error)
    this.idle?.()
  }
}
