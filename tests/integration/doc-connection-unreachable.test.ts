import { afterAll, describe, expect, it } from "vitest"
import { DocConnection } from "../../lib/client/doc-connection"
import { removeDataDir, startServerProcess, type ServerProcess } from "../support/server-process"
import { TestClient, until } from "../support/test-client"
import { knownLinks } from "../support/link-registry"

const servers: ServerProcess[] = []

afterAll(async () => {
  for (const server of servers) await server.stop()
  if (servers[0]) removeDataDir(servers[0].dataDir)
})

// The browser's DocConnection, run in Node, opened while its hub is down: the page needs to know that
// the hub cannot be reached (to say that a document it has no copy of needs a connection).
describe("DocConnection with its hub down", () => {
  it("is unreachable from the first failed attempt until the hub is back", async () => {
    const first = await startServerProcess()
    servers.push(first)
    const creator = await TestClient.open(first.url, "unreachable", "creator", true)
    creator.close()
    await first.stop("SIGKILL")

    const connection = new DocConnection({ docId: "unreachable", token: knownLinks("unreachable").edit, user: { name: "Late", color: "#2f9e44" }, url: first.url })
    try {
      const changes = (wake: () => void) => connection.subscribe(wake)
      expect(connection.unreachable).toBe(false)
      await until(() => connection.unreachable, changes, 10_000, "the connection to find the hub unreachable")
      expect(connection.status).toBe("connecting")
      expect(connection.state).toBeNull()

      servers.push(await startServerProcess({ dataDir: first.dataDir, env: { PORT: new URL(first.url).port } }))
      await until(() => connection.status == "online", changes, 30_000, "the connection to join once the hub is back")
      expect(connection.unreachable).toBe(false)
    } finally {
      connection.close()
    }
  })
})
