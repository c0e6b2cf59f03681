import { afterAll, beforeAll, describe, expect, it } from "vitest"
import pg from "pg"
import type { CommittedOp } from "../../lib/protocol"
import { openPostgresStorage } from "../../server/storage"
import { PostgresBus } from "../../server/storage/postgres-bus"
import type { BusEvent } from "../../server/storage/hub-bus"
import { createLogger } from "../../server/log"
import { newLinks } from "../../server/link-tokens"
import { presenceChannel } from "../../server/storage/postgres-channels"
import { startPostgresServer, type PostgresServer } from "../support/postgres-server"
import { until } from "../support/test-client"

let server: PostgresServer

beforeAll(async () => {
  server = await startPostgresServer()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

const log = createLogger("silent")
const initial = { type: "doc", content: [{ type: "paragraph", attrs: { id: "b1" } }] }

function op(version: number): CommittedOp {
  return { version, clientId: "c", seq: version, baseVersion: version - 1, time: 1, steps: [], author: { name: "c", color: "#000000" } }
}

/** A bus on `url` and the events it heard, with a way to wait for them. */
async function listening(url: string) {
  const bus = await PostgresBus.open({ connectionString: url, log })
  const events: BusEvent[] = []
  const wakers = new Set<() => void>()
  bus.listen(event => { events.push(event); wakers.forEach(wake => wake()) })
  const heard = (check: (events: BusEvent[]) => boolean, what: string) =>
    until(() => check(events), wake => { wakers.add(wake); return () => wakers.delete(wake) }, 10_000, what)
  return { bus, events, heard }
}

describe("PostgresBus", () => {
  it("hears each commit once it is durable, in commit order, with its ops when they fit, and nothing of a commit that failed", async () => {
    const url = await server.createDatabase()
    const storage = await openPostgresStorage({ connectionString: url, log })
    const { bus, events, heard } = await listening(url)
    try {
      await storage.createDocument("d", "ot", initial, 1, newLinks().hashes)
      await storage.commit("d", [op(1)])
      await storage.commit("d", [op(2), op(3)])
      await expect(storage.commit("d", [op(3)])).rejects.toMatchObject({ code: "ERR_COMMIT_CONFLICT" })
      await storage.commit("d", [op(4)])
      // Too large for a notice (8,000 bytes): it carries the version only, and the hubs read the op back.
      await storage.commit("d", [{ ...op(5), summary: "x".repeat(8_000) }])
      await heard(e => e.length >= 4, "four commits")
      expect(events).toEqual([
        { kind: "committed", docId: "d", version: 1, ops: [op(1)] },
        { kind: "committed", docId: "d", version: 3, ops: [op(2), op(3)] },
        { kind: "committed", docId: "d", version: 4, ops: [op(4)] },
        { kind: "committed", docId: "d", version: 5 }
      ])
    } finally {
      await bus.close()
      await storage.close()
    }
  })

  it("carries presence to the other hubs but not back to its teller, and ignores what is not a notice", async () => {
    const url = await server.createDatabase()
    const [one, two] = [await listening(url), await listening(url)]
    const raw = new pg.Client({ connectionString: url })
    await raw.connect()
    try {
      await raw.query("SELECT pg_notify($1, $2)", [presenceChannel, "not json"])
      await raw.query("SELECT pg_notify($1, $2)", [presenceChannel, JSON.stringify({ kind: "presence", docId: "d", hub: "x" })])
      const state = { clientId: "c1", user: { name: "Ann", color: "#000000" }, version: 3, selection: { anchor: 1, head: 2 } }
      one.bus.tell({ kind: "presence", docId: "d", state })
      one.bus.tell({ kind: "revoked", docId: "d", role: "edit" })
      await two.heard(e => e.length >= 2, "the presence and the revoke")
      expect(two.events).toEqual([{ kind: "presence", docId: "d", state, hub: one.bus.hubId }, { kind: "revoked", docId: "d", role: "edit", hub: one.bus.hubId }])
      expect(one.events).toEqual([])
    } finally {
      await raw.end()
      await one.bus.close()
      await two.bus.close()
    }
  })

  it("connects again when its connection is cut and tells its hub it may have missed events", async () => {
    const url = await server.createDatabase()
    const storage = await openPostgresStorage({ connectionString: url, log })
    const { bus, events, heard } = await listening(url)
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")
      await heard(e => e.some(event => event.kind == "missed"), "the bus to reconnect")
      await storage.createDocument("d", "ot", initial, 1, newLinks().hashes)
      await storage.commit("d", [op(1)])
      await heard(e => e.some(event => event.kind == "committed"), "a commit after the reconnect")
      expect(events.filter(event => event.kind != "missed")).toEqual([{ kind: "committed", docId: "d", version: 1, ops: [op(1)] }])
    } finally {
      await admin.end()
      await bus.close()
      await storage.close()
    }
  })
})
