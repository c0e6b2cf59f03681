import { afterAll, beforeAll } from "vitest"
import { removeDataDir, startServerProcess, type ServerProcess } from "./server-process"

/** Something a test opens against the server: a client, a connection, a socket. */
interface Closable {
  close(): unknown
}

/** What an integration test file shares: one real server process and what the tests opened against it. */
export interface ServerSuite {
  readonly server: ServerProcess
  /** Close `closable` after the file's last test (or at a restart), before the server stops; returns it. */
  closeAtEnd<T extends Closable>(closable: T): T
  /** Close what the tests opened, stop the server and start it again on the same data folder. */
  restart(): Promise<ServerProcess>
}

/**
 * Start a server process (port 0, a temp data folder, `env` added to its environment) before the file's
 * tests, and after them close what the tests opened, stop it and remove its data folder. Call at the top
 * of a test file.
 */
export function serverSuite(env: Record<string, string> = {}): ServerSuite {
  let server: ServerProcess | null = null
  const open: Closable[] = []
  const closeAll = () => {
    for (const closable of open.splice(0)) closable.close()
  }
  beforeAll(async () => {
    server = await startServerProcess({ env })
  })
  afterAll(async () => {
    closeAll()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })
  const started = () => {
    if (!server) throw new Error("the suite's server is not started yet: use it inside a test")
    return server
  }
  return {
    get server() {
      return started()
    },
    closeAtEnd(closable) {
      open.push(closable)
      return closable
    },
    async restart() {
      closeAll()
      const { dataDir } = started()
      await started().stop()
      return (server = await startServerProcess({ dataDir, env }))
    }
  }
}
