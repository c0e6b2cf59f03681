// The systems the benchmark compares, orchestrator side: how to start each one's server as a
// child process. Their clients live in bench/peers/<system>-client.ts, loaded by the workers.
import type { ChildProcess } from "node:child_process"
import { once } from "node:events"
import { removeDataDir, startServerProcess } from "../../tests/support/server-process"
import { forkTs, onExit, track } from "../harness/child-processes"
import type { SystemName } from "./load-clients"

/** How the table names each system. */
export const systemLabels: Record<SystemName, string> = {
  concord: "Concord",
  sharedb: "ShareDB",
  rebase: "Reject-and-retry",
  yjs: "Yjs relay"
}

/** A running server of one system. */
export interface ServerHandle {
  url: string
  pid: number
  /** False once the process has exited. */
  alive(): boolean
  /** Stop the server (SIGTERM, then SIGKILL after 5 s) and remove what it left behind. */
  stop(): Promise<void>
}

/**
 * Options for starting a server: profile it (`node --cpu-prof`), let the benchmark read its memory
 * after a full collection, or add to its environment (a database, a pub/sub: bench/cluster.ts).
 */
export interface StartOptions {
  cpuProfileDir?: string
  memoryProbeDir?: string
  env?: Record<string, string>
}

const probe = new URL("../harness/server-probe.mjs", import.meta.url).pathname

/** The environment that loads bench/harness/server-probe.mjs with what `options` ask for, or null when they ask nothing. */
function probeEnv(options: StartOptions): Record<string, string> | null {
  if (!options.cpuProfileDir && !options.memoryProbeDir) return null
  const env: Record<string, string> = {}
  if (options.cpuProfileDir) env.BENCH_CPU_PROF_DIR = options.cpuProfileDir
  if (options.memoryProbeDir) env.BENCH_MEMORY_DIR = options.memoryProbeDir
  return env
}

function running(child: ChildProcess): boolean {
  return child.exitCode == null && child.signalCode == null
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (!running(child)) return
  const exited = once(child, "exit")
  child.kill("SIGTERM")
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
  await exited
  clearTimeout(timer)
}

async function startPeer(system: Exclude<SystemName, "concord">, options: StartOptions): Promise<ServerHandle> {
  const probing = probeEnv(options)
  const env = { ...probing, ...options.env }
  const child = forkTs(new URL(`./${system}-server.ts`, import.meta.url).pathname, probing ? { execArgv: [`--import=${probe}`], env } : { env })
  const [message] = (await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => { throw new Error(`${system} server exited (${code}) before listening`) })
  ])) as [{ url: string }]
  return { url: message.url, pid: child.pid!, alive: () => running(child), stop: () => stopChild(child) }
}

async function startConcord(options: StartOptions): Promise<ServerHandle> {
  const probing = probeEnv(options)
  // No budgets: the workloads open hundreds of sockets and type at machine rates from one address,
  // and the peers have none either (bench:abuse measures Concord with them).
  const env: Record<string, string> = { CONCORD_LOG_LEVEL: "error", CONCORD_RATE_LIMITS: "off", ...(probing ? { ...probing, NODE_OPTIONS: `--import=${probe}` } : {}), ...options.env }
  const server = await startServerProcess({ env })
  track(server.child)
  const cleanup = onExit(() => removeDataDir(server.dataDir))
  return {
    url: server.url,
    pid: server.child.pid!,
    alive: () => running(server.child),
    async stop() {
      await stopChild(server.child)
      cleanup()
    }
  }
}

/** Start one system's server in its own process on 127.0.0.1 and a free port. */
export function startSystem(system: SystemName, options: StartOptions = {}): Promise<ServerHandle> {
  return system == "concord" ? startConcord(options) : startPeer(system, options)
}
