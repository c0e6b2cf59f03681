import { afterAll, beforeAll, describe, expect, it } from "vitest"
import pg from "pg"
import type { CommittedOp } from "../../lib/protocol"
import { openPostgresStorage, postgresMigrations, type PostgresStorage } from "../../server/storage"
import { createLogger } from "../../server/log"
import { newLinks } from "../../server/link-tokens"
import { storageConformance } from "../support/storage-conformance"
import { startPostgresServer, type PostgresServer } from "../support/postgres-server"
import { removeDataDir, startServerProcess } from "../support/server-process"
import { TestClient } from "../support/test-client"
import { logLines } from "../support/log-lines"

let server: PostgresServer

beforeAll(async () => {
  server = await startPostgresServer()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

/** A store on a new, empty database of the tests' server. */
async function open(url?: string): Promise<PostgresStorage> {
  return openPostgresStorage({ connectionString: url ?? (await server.createDatabase()), log: createLogger("silent") })
}

storageConformance("PostgresStorage", async () => {
  const storage = await open()
  return { storage, cleanup: () => storage.close() }
})

/** An op of client `clientId` at `version`, inserting `clientId`. */
function op(version: number, clientId: string): CommittedOp {
  return {
    version, clientId, seq: version, baseVersion: version - 1, time: 1_700_000_000_000,
    steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: clientId }] } }],
    author: { name: clientId, color: "#000000" }
  }
}

describe("PostgresStorage on a shared database", () => {
  it("lets exactly one of two stores (two pools, as two hubs have) commit each version, the other failing with ERR_COMMIT_CONFLICT", async () => {
    const url = await server.createDatabase()
    const [a, b] = await Promise.all([open(url), open(url)])
    try {
      await a.createDocument("doc", "ot", { type: "doc", content: [] }, 0, newLinks().hashes)
      const winners: string[] = []
      for (let version = 1; version <= 20; version++) {
        const results = await Promise.allSettled([a.commit("doc", [op(version, "a")]), b.commit("doc", [op(version, "b")])])
        const won = results.flatMap((result, i) => (result.status == "fulfilled" ? [["a", "b"][i]] : []))
        expect(won, `version ${version}`).toHaveLength(1)
        const lost = results.find(result => result.status == "rejected") as PromiseRejectedResult
        expect(lost.reason).toMatchObject({ name: "ConcordError", code: "ERR_COMMIT_CONFLICT" })
        winners.push(won[0])
      }
      const log = await b.getOps("doc", 0)
      expect(log.map(o => o.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      expect(log.map(o => o.clientId)).toEqual(winners)
      expect((await a.getDocument("doc"))?.version).toBe(20)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it("applies its migrations once, recorded, whichever of several stores opening a new database at once gets there first", async () => {
    const url = await server.createDatabase()
    const { log, lines } = logLines("debug")
    const opened = await Promise.all([1, 2, 3].map(() => openPostgresStorage({ connectionString: url, log })))
    await Promise.all(opened.map(storage => storage.close()))
    await (await openPostgresStorage({ connectionString: url, log })).close()
    expect(lines.filter(line => line.msg == "migration-applied").map(line => line.version)).toEqual(postgresMigrations.map(m => m.version))
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query("SELECT version FROM schema_migrations ORDER BY version")
      expect(rows.map(row => row.version)).toEqual(postgresMigrations.map(m => m.version))
    } finally {
      await client.end()
    }
  })

  it("rejects with ERR_STORAGE when it cannot reach the database", async () => {
    await expect(openPostgresStorage({ connectionString: server.url("no_such_database"), log: createLogger("silent") }))
      .rejects.toMatchObject({ name: "ConcordError", code: "ERR_STORAGE" })
  })
})

describe("A hub on CONCORD_DATABASE_URL", () => {
  it("serves clients end to end and keeps their ops in PostgreSQL, across a restart", async () => {
    const url = await server.createDatabase()
    const env = { CONCORD_DATABASE_URL: url }
    let hub = await startServerProcess({ env })
    const clients: TestClient[] = []
    try {
      const ada = await TestClient.open(hub.url, "pg-doc", "ada", true)
      const bob = await TestClient.open(hub.url, "pg-doc", "bob")
      clients.push(ada, bob)
      ada.type("hello")
      bob.type(" world")
      for (const c of clients) await c.waitFor(() => c.sync!.idle && !c.awaitingAck, `${c.clientId} acknowledged`)
      const head = Math.max(ada.sync!.version, bob.sync!.version)
      for (const c of clients) await c.waitFor(() => c.settledAt(head), `${c.clientId} at ${head}`)
      expect(ada.text).toBe(bob.text)
      expect(ada.text).toContain("hello")
      expect(ada.text).toContain(" world")

      const storage = await open(url)
      try {
        const ops = await storage.getOps("pg-doc", 0)
        expect(ops.map(o => o.version)).toEqual(Array.from({ length: head }, (_, i) => i + 1))
        expect(new Set(ops.map(o => o.clientId))).toEqual(new Set(["ada", "bob"]))
      } finally {
        await storage.close()
      }

      for (const c of clients.splice(0)) c.close()
      await hub.stop()
      removeDataDir(hub.dataDir)
      hub = await startServerProcess({ env })
      const again = await TestClient.open(hub.url, "pg-doc", "ada")
      clients.push(again)
      expect(again.text).toBe(ada.text)
      expect(again.sync!.version).toBe(head)
    } finally {
      for (const c of clients) c.close()
      await hub.stop()
      removeDataDir(hub.dataDir)
    }
  })
})
