// The messages between the benchmark orchestrator and its worker processes (bench/harness/worker.ts).
// A worker runs one task at a time and may run several in turn (the orchestrator keeps a pool).

/** The tasks a worker process can run, by name; bench/harness/tasks.ts maps them to their code. */
export type TaskName = "typing" | "trace" | "idle" | "documents" | "offline" | "seed"

/** Start a task: what to run, with which parameters, and for how long at most. */
export interface StartMessage {
  kind: "start"
  task: TaskName
  params: unknown
  /** The worker exits with an error after this many ms, whatever it is doing. */
  deadlineMs: number
}

/** The orchestrator's signal to go on to the task's next phase, with data. */
export interface GoMessage {
  kind: "go"
  data?: unknown
}

/** Messages from orchestrator to worker. */
export type ParentMessage = StartMessage | GoMessage

/**
 * Messages from worker to orchestrator: ready (a phase set up, waiting for go), a result, done
 * (the task ended cleanly and the worker can take another), or a failure (the worker then exits).
 */
export type WorkerMessage =
  | { kind: "ready"; data?: unknown }
  | { kind: "result"; data: unknown }
  | { kind: "done" }
  | { kind: "error"; message: string }

/** The worker side of the conversation, handed to every task. */
export interface WorkerChannel {
  /** Tell the orchestrator this worker is set up. */
  ready(data?: unknown): Promise<void>
  /** Wait for the orchestrator's next go, and return its data. */
  go(): Promise<unknown>
  /** Send the task's result. */
  result(data: unknown): Promise<void>
}

/** A task run in a worker process: it talks to the orchestrator through the channel, and closes everything it opened before returning. */
export type Task<P> = (params: P, channel: WorkerChannel) => Promise<void>

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now()
}
