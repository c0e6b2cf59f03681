import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startServerProcess, type ServerProcess } from "../../support/server-process"

/**
 * Start Concord with the built app (run `npm run build` first) on a free port, or on `port` to
 * come back at the same address, with a new temp data folder unless `dataDir` is given.
 */
export function startUiServer(options: { dataDir?: string; port?: number } = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "concord-e2e-"))
  return startServerProcess({
    ui: true,
    dataDir,
    env: { NODE_ENV: "production", PORT: String(options.port ?? 0) }
  })
}

/** The port a server's URL points at. */
export function portOf(server: ServerProcess): number {
  return Number(new URL(server.url).port)
}
