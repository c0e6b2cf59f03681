import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { createServer, type AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { onExit, track } from "./child-processes"

const binary = "/usr/bin/redis-server"

/** A redis-server of the benchmark's own, without persistence, in a temporary folder. */
export interface RedisServer {
  /** A redis:// URL of the server. */
  url: string
  pid: number
  /** Stop the server and remove its folder. */
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/**
 * Start Debian's redis-server on 127.0.0.1 and a free port, saving nothing to disk; resolves once
 * it accepts connections. Throws, saying how to install it, when it is missing.
 */
export async function startRedisServer(): Promise<RedisServer> {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: install Debian's redis-server package (apt-get install -y redis-server)`)
  const dir = mkdtempSync(join(tmpdir(), "concord-redis-"))
  const port = await freePort()
  const child = track(spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] }))
  const removeDir = onExit(() => rmSync(dir, { recursive: true, force: true }))
  let output = ""
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000)
    child.stdout!.on("data", chunk => {
      output += chunk
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once("exit", code => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}) before accepting connections:\n${output}`))
    })
  })
  child.stdout!.resume()
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode == null && child.signalCode == null) {
        const exited = new Promise(resolve => child.once("exit", resolve))
        child.kill("SIGTERM")
        await exited
      }
      removeDir()
    }
  }
}
