// The entry of every benchmark worker process: runs the tasks the orchestrator starts, one at a
// time, and reports. It exits when a task fails or passes its deadline, or when the orchestrator
// goes away, so no worker outlives a run.
import type { GoMessage, ParentMessage, StartMessage, WorkerChannel, WorkerMessage } from "./worker-protocol"
import { loadTask } from "./tasks"

function send(message: WorkerMessage): Promise<void> {
  return new Promise(resolve => process.send!(message, undefined, {}, () => resolve()))
}

let gos: GoMessage[] = []
let wake: (() => void) | null = null

const channel: WorkerChannel = {
  ready: data => send({ kind: "ready", data }),
  result: data => send({ kind: "result", data }),
  async go() {
    while (!gos.length) await new Promise<void>(resolve => (wake = resolve))
    return gos.shift()!.data
  }
}

async function fail(message: string): Promise<never> {
  await send({ kind: "error", message })
  process.exit(1)
}

async function run(start: StartMessage): Promise<void> {
  gos = []
  const deadline = setTimeout(() => fail(`${start.task} worker passed its deadline of ${start.deadlineMs} ms`), start.deadlineMs)
  try {
    const task = await loadTask(start.task)
    await task(start.params, channel)
  } catch (error) {
    await fail(error instanceof Error ? error.stack ?? error.message : String(error))
  }
  clearTimeout(deadline)
  await send({ kind: "done" })
}

process.on("disconnect", () => process.exit(2))
process.on("unhandledRejection", error => fail(`unhandled rejection: ${error instanceof Error ? error.stack : String(error)}`))
process.on("message", (message: ParentMessage) => {
  if (message.kind == "go") {
    gos.push(message)
    wake?.()
  } else {
    void run(message)
  }
})
