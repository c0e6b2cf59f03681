import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { cpus, loadavg } from "node:os"

/** CPU seconds (user + system) a process used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/**
 * CPU seconds a server and its worker processes used so far (PostgreSQL's postmaster and its
 * backends): the process's own time, what its exited children used (it reaped them), and what its
 * live children used.
 */
export function processTreeCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
  let seconds = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const child = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")
      if (Number(child[1]) == pid) seconds += (Number(child[11]) + Number(child[12])) / 100
    } catch {
      // The process ended between the listing and the read: its time is in its parent's reaped children's now.
    }
  }
  return seconds
}

/** The p-th percentile of ascending `sorted` (nearest rank); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN
}

/** The median of `values` (the upper one of an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted.length ? sorted[sorted.length >> 1] : NaN
}

/** The 1, 5 and 15 minute load averages, formatted as `uptime` prints them. */
export function loadAverage(): string {
  return loadavg().map(n => n.toFixed(2)).join(", ")
}

/** The machine line of a report: cores, CPU model, node version. */
export function machine(): string {
  return `${cpus().length} cores (nproc), ${cpus()[0].model}, node ${process.version}`
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** What server-probe.mjs reports: process.memoryUsage() after two full collections, in bytes. */
export interface MemoryReading {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}

/** Ask a server started with a memory probe (bench/harness/server-probe.mjs) for its memory after a full collection. */
export async function probeMemory(pid: number, dir: string, timeoutMs = 10_000): Promise<MemoryReading> {
  const file = join(dir, `${pid}.json`)
  const asked = Date.now()
  process.kill(pid, "SIGUSR2")
  while (Date.now() - asked < timeoutMs) {
    await sleep(50)
    if (!existsSync(file)) continue
    try {
      const reading = JSON.parse(readFileSync(file, "utf8")) as MemoryReading & { at: number }
      if (reading.at >= asked) return reading
    } catch {
      // Read while being written: try again.
    }
  }
  throw new Error(`process ${pid} wrote no memory reading within ${timeoutMs} ms`)
}
