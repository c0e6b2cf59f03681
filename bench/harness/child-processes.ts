import { fork, type ChildProcess } from "node:child_process"
import type { ParentMessage, StartMessage, TaskName, WorkerMessage } from "./worker-protocol"

// Every process the benchmark starts is registered here and killed when the orchestrator exits,
// normally, on an exception or on a signal; cleanups (temp folders) run after the kills.
const live = new Set<ChildProcess>()
const cleanups = new Set<() => void>()

/** Register a child process so that it is killed when the benchmark ends, however it ends. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child)
  child.once("exit", () => live.delete(child))
  return child
}

/** Register a synchronous cleanup to run at exit; returns a function that runs it now instead. */
export function onExit(cleanup: () => void): () => void {
  cleanups.add(cleanup)
  return () => {
    if (cleanups.delete(cleanup)) cleanup()
  }
}

/** Kill every tracked child process (SIGKILL) and run the cleanups. */
export function killAll(): void {
  for (const child of live) child.kill("SIGKILL")
  live.clear()
  for (const cleanup of cleanups) cleanup()
  cleanups.clear()
}

process.once("exit", killAll)
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(130)
  })
}

/** Fork a TypeScript entry under tsx with an IPC channel, tracked for cleanup. */
export function forkTs(file: string, options: { execArgv?: string[]; env?: Record<string, string> } = {}): ChildProcess {
  const child = fork(file, [], {
    execArgv: ["--import", "tsx", ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  return track(child)
}

let workerExecArgv: string[] | null = null
const idleWorkers: ChildProcess[] = []

/**
 * Run the worker processes started from now on under `node --cpu-prof`, writing into `dir` when
 * they exit (null: stop). Profiled workers are not pooled, so that each exits and writes its profile.
 */
export function profileWorkers(dir: string | null): void {
  workerExecArgv = dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : null
}

function workerProcess(fresh: boolean): ChildProcess {
  if (workerExecArgv == null && !fresh)
    for (let child = idleWorkers.pop(); child; child = idleWorkers.pop())
      if (child.exitCode == null && child.signalCode == null && child.connected) return child
  return forkTs(new URL("./worker.ts", import.meta.url).pathname, { execArgv: workerExecArgv ?? [] })
}

/**
 * The orchestrator's handle on one task running in a worker process. Worker processes are pooled:
 * once a task is done the process takes the next one, which saves starting Node and loading the
 * clients again; a process whose task failed or did not finish is killed instead.
 */
export class Worker {
  private readonly inbox: WorkerMessage[] = []
  private waiting: (() => void) | null = null
  private done = false
  private readonly onMessage = (message: WorkerMessage) => {
    if (message.kind == "done") this.done = true
    else this.inbox.push(message)
    this.waiting?.()
  }
  private readonly onExit = () => this.waiting?.()

  private constructor(readonly child: ChildProcess, readonly task: TaskName) {
    child.on("message", this.onMessage)
    child.on("exit", this.onExit)
  }

  /**
   * Start `task` with `params` in a worker process, the one released last or, with `fresh`, a new one
   * (nothing ran in it before); it dies after `deadlineMs` whatever happens.
   */
  static start(task: TaskName, params: unknown, deadlineMs: number, options: { fresh?: boolean } = {}): Worker {
    const worker = new Worker(workerProcess(options.fresh ?? false), task)
    const start: StartMessage = { kind: "start", task, params, deadlineMs }
    worker.child.send(start)
    return worker
  }

  private get exited(): boolean {
    return this.child.exitCode != null || this.child.signalCode != null
  }

  private async wait(until: number): Promise<void> {
    const left = until - Date.now()
    if (left <= 0) return
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, left)
      this.waiting = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.waiting = null
  }

  /** The next message of `kind`; throws the worker's error, or when it exits or `timeoutMs` passes first. */
  async next(kind: "ready" | "result", timeoutMs: number): Promise<unknown> {
    const end = Date.now() + timeoutMs
    for (;;) {
      const message = this.inbox.shift()
      if (message?.kind == "error") throw new Error(`${this.task} worker failed: ${message.message}`)
      if (message?.kind == kind) return message.data
      if (message) continue
      if (this.exited) throw new Error(`${this.task} worker exited (${this.child.exitCode ?? this.child.signalCode}) before sending ${kind}`)
      if (Date.now() >= end) throw new Error(`${this.task} worker sent no ${kind} within ${timeoutMs} ms`)
      await this.wait(end)
    }
  }

  /** Send the worker a go, with data. */
  go(data?: unknown): void {
    const message: ParentMessage = { kind: "go", data }
    this.child.send(message)
  }

  /**
   * Wait up to `graceMs` for the task to end; then hand the process back to the pool, or kill it if
   * the task did not end. A profiled worker is let go and waited for, so that it writes its profile.
   */
  async release(graceMs: number): Promise<void> {
    const end = Date.now() + graceMs
    while (!this.done && !this.exited && Date.now() < end) await this.wait(end)
    this.child.off("message", this.onMessage)
    if (this.done && !this.exited && workerExecArgv != null) {
      const exited = new Promise(resolve => this.child.once("exit", resolve))
      this.child.disconnect()
      await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 10_000))])
    }
    this.child.off("exit", this.onExit)
    if (this.done && !this.exited && workerExecArgv == null) idleWorkers.push(this.child)
    else if (!this.exited) this.child.kill("SIGKILL")
  }
}

/** Run `body` with workers; afterwards release every one of them (see Worker.release), even when `body` throws. */
export async function withWorkers<T>(workers: Worker[], body: () => Promise<T>, graceMs = 3_000): Promise<T> {
  try {
    return await body()
  } finally {
    await Promise.all(workers.map(w => w.release(graceMs)))
  }
}
