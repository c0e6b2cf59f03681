import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"
import { ConcordError, type CommittedOp, type DocJSON, type ErrorJSON, type Snapshot, type StrategyName } from "../../lib/protocol"

/** One write waiting for the writer thread. */
type Task =
  | { kind: "append"; docId: string; rows: unknown[][]; snapshot: { version: number; json: string } | null }
  | { kind: "create"; docId: string; strategy: StrategyName; time: number; json: string }

interface PendingTask {
  task: Task
  resolve(): void
  reject(error: ConcordError): void
}

/** What the thread answers for a group: per task, null when written, else the code and message of the refusal. */
interface Reply {
  outcomes: (ErrorJSON | null)[]
}

/** How the writer thread connects to the database. */
export interface SqliteWriterOptions {
  file: string
  synchronous: "NORMAL" | "FULL"
  busyTimeout: number
  /** SQLite's wal_autocheckpoint for the writer's connection: 0 when another thread checkpoints. */
  autocheckpoint: number
}

/**
 * Writes queued in one turn of the event loop go as one group at its end, or as soon as this many are
 * queued, so that the thread writes a group while this thread prepares the next. Measured with
 * `npm run bench:throughput` (BENCHMARKS): 16 kept both one hot document and 100 documents ahead of
 * writing on this thread; 64 (and sending more only once the thread was idle) made a hot document's
 * writes wait on each other.
 */
const maxGroup = 16

function toJSONColumn(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value)
}

/** An op as the columns of its row after doc_id, in the order the thread's insert takes them. */
function opRow(op: CommittedOp): unknown[] {
  return [
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
  ]
}

/**
 * Writes to a SQLite database from a thread of its own (`sqlite-writer-thread.cjs`), so that the event
 * loop goes on (transforming the next batches, sending acknowledgements and broadcasts) while a group
 * commits: better-sqlite3 runs a transaction synchronously on the thread that calls it, and its commits
 * were a third of the hub's event loop under load. Writes asked for in one turn of the event loop go
 * as one group (several when there are many, see maxGroup); the thread writes the groups in the order
 * sent, each in one transaction, in which each write succeeds or fails alone. A write resolves once its
 * transaction has committed (the thread replies after COMMIT), so what resolves is durable and visible
 * to the store's reading connection.
 */
export class SqliteWriter {
  private readonly worker: Worker
  private queue: PendingTask[] = []
  /** Groups sent to the thread and not answered yet, oldest first (the thread writes them in order). */
  private readonly inFlight: PendingTask[][] = []
  private flushTimer: NodeJS.Immediate | null = null
  /** Why the thread can no longer write, once it cannot. */
  private failure: string | null = null
  private closing: Promise<void> | null = null
  private idle: (() => void) | null = null

  constructor(options: SqliteWriterOptions) {
    const module = createRequire(import.meta.url).resolve("better-sqlite3")
    this.worker = new Worker(new URL("./sqlite-writer-thread.cjs", import.meta.url), { workerData: { ...options, module } })
    // Referenced only while a group is out, so that an idle store does not keep the process alive.
    this.worker.unref()
    this.worker.on("message", (message: Reply | { failed: string }) => {
      if ("failed" in message) this.fail(message.failed)
      else this.settle(message)
    })
    this.worker.on("error", error => this.fail(`the writer thread failed: ${error.message}`))
    this.worker.on("exit", code => this.fail(`the writer thread exited with code ${code}`))
  }

  /** Append `ops` (and `snapshot`) to a document; resolves once committed. */
  append(docId: string, ops: readonly CommittedOp[], snapshot?: Snapshot): Promise<void> {
    const json = snapshot ? { version: snapshot.version, json: JSON.stringify(snapshot.doc) } : null
    return this.enqueue({ kind: "append", docId, rows: ops.map(opRow), snapshot: json })
  }

  /** Create a document with its snapshot at version 0; rejects with ERR_DOCUMENT_EXISTS when there is one. */
  create(docId: string, strategy: StrategyName, initial: DocJSON, time: number): Promise<void> {
    return this.enqueue({ kind: "create", docId, strategy, time, json: JSON.stringify(initial) })
  }

  /** Let SQLite checkpoint inside the writer's commits every `pages` pages (when no other thread checkpoints). */
  checkpointInCommits(pages: number): void {
    if (!this.failure) this.worker.postMessage({ autocheckpoint: pages })
  }

  /** Write what was asked for, then close the thread's connection and stop it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.flush()
      if (this.inFlight.length) await new Promise<void>(resolve => (this.idle = resolve))
      if (this.failure) return
      const exited = new Promise<void>(resolve => this.worker.once("exit", () => resolve()))
      this.worker.ref()
      this.failure = "the store is closed"
      this.worker.postMessage({ close: true })
      await exited
    })()
    return this.closing
  }

  private enqueue(task: Task): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure || this.closing) {
        reject(new ConcordError("ERR_STORAGE", this.failure && !this.closing ? `Storage cannot write: ${this.failure}` : "Storage is closed"))
        return
      }
      this.queue.push({ task, resolve, reject })
      // A full group goes at once, so that the thread writes it while this thread prepares the next.
      if (this.queue.length >= maxGroup) this.flush()
      else this.flushTimer ??= setImmediate(() => this.flush())
    })
  }

  /** Send what is queued as one group. */
  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer)
    this.flushTimer = null
    if (this.queue.length == 0 || this.failure) return
    const group = this.queue
    this.queue = []
    this.inFlight.push(group)
    if (this.inFlight.length == 1) this.worker.ref()
    this.worker.postMessage({ tasks: group.map(p => p.task) })
  }

  private settle(reply: Reply): void {
    const group = this.inFlight.shift()
    if (!group) return
    if (this.inFlight.length == 0) this.worker.unref()
    group.forEach((pending, i) => {
      const refusal = reply.outcomes[i]
      if (refusal) pending.reject(ConcordError.fromJSON(refusal))
      else pending.resolve()
    })
    if (this.inFlight.length == 0 && this.queue.length == 0) this.idle?.()
  }

  /** The thread stopped or cannot write: every write waiting, and every later one, fails. */
  private fail(reason: string): void {
    if (this.failure) return
    this.failure = reason
    const error = new ConcordError("ERR_STORAGE", `Storage cannot write: ${reason}`)
    for (const pending of [...this.inFlight.flat(), ...this.queue]) pending.reject(error)
    this.inFlight.length = 0
    this.queue = []
    this.idle?.()
  }
}
