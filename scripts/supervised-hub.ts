import { spawn, type ChildProcess } from "node:child_process"
import { createInterface } from "node:readline"
import { Backoff } from "../lib/client/backoff"

/**
 * One hub of `npm run cluster`: a server/main.ts process that is started again, after a growing pause,
 * whenever it ends without being asked to, so that a hub that dies rejoins the cluster by itself.
 */
export class SupervisedHub {
  private child: ChildProcess | null = null
  private stopping = false
  private readonly restarts = new Backoff(500, 10_000)
  private readonly listening: Promise<string>
  private listened!: (url: string) => void

  /** `env` is the process's whole environment; `say` prints a line of the cluster's output. */
  constructor(readonly name: string, private readonly root: string, private readonly env: NodeJS.ProcessEnv, private readonly say: (line: string) => void) {
    this.listening = new Promise(resolve => (this.listened = resolve))
  }

  /** Start the process; resolves with the hub's address the first time it says it listens. */
  start(): Promise<string> {
    // Its own process group: a Ctrl-C reaches the cluster, which stops the hubs before PostgreSQL.
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: this.root, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached: true })
    this.child = child
    createInterface({ input: child.stdout! }).on("line", line => {
      const url = /^Concord listening on (\S+)/.exec(line)?.[1]
      if (!url) return this.say(`[${this.name}] ${line}`)
      this.restarts.reset()
      this.say(`${this.name}: ${reachable(url)}`)
      this.listened(url)
    })
    createInterface({ input: child.stderr! }).on("line", line => this.say(`[${this.name}] ${line}`))
    child.on("exit", (code, signal) => {
      if (this.child == child) this.child = null
      if (this.stopping) return
      this.say(`${this.name} ended (${signal ?? `exit code ${code}`}): starting it again`)
      this.restarts.schedule(() => void this.start())
    })
    return this.listening
  }

  /** Stop the process with SIGTERM (SIGKILL when it has not ended after `graceMs`) and start it no more. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true
    this.restarts.cancel()
    const child = this.child
    if (!child || child.exitCode != null || child.signalCode != null) return
    const ended = new Promise<void>(resolve => child.once("exit", () => resolve()))
    child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs)
    await ended
    clearTimeout(timer)
  }
}

/** `url` with a wildcard host (a hub listening on every interface) replaced by localhost, which a browser can open. */
function reachable(url: string): string {
  const parsed = new URL(url)
  if (parsed.hostname == "0.0.0.0" || parsed.hostname == "[::]") parsed.hostname = "localhost"
  return parsed.origin
}
