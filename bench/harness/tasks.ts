import type { Task, TaskName } from "./worker-protocol"

/** The code of each worker task, loaded only in the worker that runs it. */
export async function loadTask(name: TaskName): Promise<Task<any>> {
  switch (name) {
    case "typing": return (await import("../workloads/typing-task")).typingTask
    case "trace": return (await import("../workloads/trace-task")).traceTask
    case "idle": return (await import("../workloads/scale-task")).idleTask
    case "documents": return (await import("../workloads/scale-task")).documentsTask
    case "offline": return (await import("../workloads/offline-task")).offlineTask
    case "seed": return (await import("../workloads/seed-task")).seedTask
  }
}
