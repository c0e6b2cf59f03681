// A server of one system started with the memory probe (server-probe.mjs), for the workloads that
// read its memory (W4, W6): each reading is taken after full garbage collections.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startSystem, type ServerHandle, type StartOptions } from "../peers/systems"
import type { SystemName } from "../peers/load-clients"
import { probeMemory } from "./measure"

/** Server memory in KB: resident set and JS heap (heapUsed + external). */
export interface Kilobytes {
  rss: number
  heap: number
}

/** A running server whose memory can be read; stopping it also removes the probe's folder. */
export interface ProbedServer {
  server: ServerHandle
  /** The server's memory now, after full collections. */
  memory(): Promise<Kilobytes>
  stop(): Promise<void>
}

/** Start a fresh server of `system` with the memory probe (its memory must owe nothing to other workloads). */
export async function startProbedServer(system: SystemName, start: StartOptions = {}): Promise<ProbedServer> {
  const probeDir = mkdtempSync(join(tmpdir(), "bench-memory-"))
  const server = await startSystem(system, { ...start, memoryProbeDir: probeDir }).catch(error => {
    rmSync(probeDir, { recursive: true, force: true })
    throw error
  })
  return {
    server,
    async memory() {
      const reading = await probeMemory(server.pid, probeDir)
      return { rss: reading.rss / 1024, heap: (reading.heapUsed + reading.external) / 1024 }
    },
    async stop() {
      await server.stop()
      rmSync(probeDir, { recursive: true, force: true })
    }
  }
}
