import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** A Concord server running as a child process on a free port, for integration tests. */
export interface ServerProcess {
  url: string
  dataDir: string
  child: ChildProcess
  /** Resolves with the exit code or signal once the process ended. */
  exited: Promise<number | string | null>
  /** Send a signal and wait for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>
  /** Everything the process wrote to stderr so far. */
  stderr(): string
}

/**
 * Spawn `server/main.ts` on port 0 with a data folder (a new temp folder unless given), and resolve
 * once it printed its URL. `ui: false` skips Next.js for hub-only tests.
 */
export async function startServerProcess(options: { dataDir?: string; ui?: boolean; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "concord-test-"))
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", CONCORD_DATA_DIR: dataDir, CONCORD_UI: options.ui ? "on" : "off", CONCORD_LOG_LEVEL: "warn", ...options.env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let err = ""
  child.stderr!.on("data", chunk => (err += chunk))
  const exited = new Promise<number | string | null>(resolve => child.once("exit", (code, signal) => resolve(code ?? signal)))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ""
    child.stdout!.on("data", chunk => {
      out += chunk
      const match = /Concord listening on (\S+)/.exec(out)
      if (match) resolve(match[1])
    })
    exited.then(code => reject(new Error(`server exited (${code}) before listening:\n${err}`)))
  })
  return {
    url, dataDir, child, exited,
    stderr: () => err,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode == null && child.signalCode == null) child.kill(signal)
      return exited
    }
  }
}

/** Remove a temp data folder made by startServerProcess. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
