import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"

// The checkpointer's thread: its own connection to the database, a PASSIVE checkpoint every interval
// (it copies what the WAL holds into the database file without waiting for, or blocking, the writer),
// and a last one before it closes. Plain CommonJS, so that it runs whatever loader the process uses.
const source = `
const { parentPort, workerData } = require("node:worker_threads")
const Database = require(workerData.module)
const db = new Database(workerData.file)
db.pragma("busy_timeout = 5000")
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)")
  } catch (error) {
    parentPort.postMessage({ failed: String(error) })
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on("message", message => {
  if (message != "close") return
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

/**
 * Checkpoints a SQLite database's write-ahead log from a worker thread. SQLite's automatic checkpoint
 * runs inside the commit that crosses its threshold, on the thread that commits: every thousand pages
 * or so one commit (and every acknowledgement and broadcast waiting for it) took tens of milliseconds
 * longer. With this, the writer turns its automatic checkpoint off, and `onFailure` is called (to turn
 * it back on) if the thread cannot start or stops.
 *
 * Once a second: each checkpoint syncs the log and the database file, and a commit that begins while
 * one runs can wait for it, so checkpointing much more often costs the hub more than checkpoints inside
 * commits did (bench:hub's W1 and W2 show it).
 */
export class WalCheckpointer {
  private readonly worker: Worker
  private stopped = false
  private exited = false

  constructor(file: string, onFailure: (reason: string) => void, intervalMs = 1_000) {
    const module = createRequire(import.meta.url).resolve("better-sqlite3")
    this.worker = new Worker(source, { eval: true, workerData: { file, intervalMs, module } })
    this.worker.unref()
    this.worker.on("message", (message: { failed?: string }) => {
      if (message.failed) onFailure(message.failed)
    })
    this.worker.on("error", error => {
      if (!this.stopped) onFailure(String(error))
    })
    this.worker.on("exit", code => {
      this.exited = true
      if (!this.stopped) onFailure(`the checkpoint thread exited with code ${code}`)
    })
  }

  /** Run a last checkpoint and stop the thread. */
  async close(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.exited) return
    const exited = new Promise<void>(resolve => this.worker.once("exit", () => resolve()))
    // Unreferenced, the thread would not keep the process alive until it has closed its connection.
    this.worker.ref()
    this.worker.postMessage("close")
    await exited
  }
}
