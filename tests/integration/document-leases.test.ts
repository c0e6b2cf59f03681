import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openPostgresStorage } from "../../server/storage"
import { createLogger } from "../../server/log"
import { PostgresLeases, readClusterSecret } from "../../server/storage/postgres-leases"
import { DocumentOwners } from "../../server/hub/document-owners"
import { startPostgresServer, type PostgresServer } from "../support/postgres-server"

let server: PostgresServer
const log = createLogger("silent")

beforeAll(async () => {
  server = await startPostgresServer()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

/** A migrated database, and a way to open the leases of hub `hubId` on it. */
async function database() {
  const url = await server.createDatabase()
  await (await openPostgresStorage({ connectionString: url, log })).close()
  const opened: PostgresLeases[] = []
  const leasesOf = async (hubId: string, ttlMs = 60_000) => {
    const leases = await PostgresLeases.open({ connectionString: url, hubId, address: `http://${hubId}`, ttlMs })
    opened.push(leases)
    return leases
  }
  return { url, leasesOf, close: () => Promise.all(opened.map(l => l.close())) }
}

describe("PostgresLeases", () => {
  it("gives a document's lease to the first hub that claims it, until it expires or is taken over", async () => {
    const db = await database()
    try {
      // b's leases have expired as soon as they are taken.
      const [a, b] = [await db.leasesOf("a"), await db.leasesOf("b", -1)]
      expect(await a.claim("d")).toEqual({ hub: "a", address: "http://a" })
      expect(await b.claim("d")).toEqual({ hub: "a", address: "http://a" })
      expect(await a.claim("d")).toEqual({ hub: "a", address: "http://a" })
      // b takes it over from a, as when a could not be reached.
      expect(await b.claim("d", "a")).toEqual({ hub: "b", address: "http://b" })
      // Expired: a claims it back without taking over.
      expect(await a.claim("d")).toEqual({ hub: "a", address: "http://a" })
      // Naming a hub that does not hold it takes nothing.
      expect(await b.claim("d", "c")).toEqual({ hub: "a", address: "http://a" })
    } finally {
      await db.close()
    }
  })

  it("renews only the leases a hub still holds, releases those it lets go, and all of them when it closes", async () => {
    const db = await database()
    try {
      const [a, b] = [await db.leasesOf("a"), await db.leasesOf("b")]
      for (const docId of ["d1", "d2", "d3"]) await a.claim(docId)
      await b.claim("d2", "a")
      expect((await a.renew(["d1", "d2"], ["d3"])).sort()).toEqual(["d1"])
      expect(await b.claim("d3")).toEqual({ hub: "b", address: "http://b" })
      await a.releaseAll()
      expect(await b.claim("d1")).toEqual({ hub: "b", address: "http://b" })
    } finally {
      await db.close()
    }
  })

  it("keeps one secret per database for the hubs to show one another", async () => {
    const [one, two] = [await database(), await database()]
    try {
      const secret = await readClusterSecret(one.url)
      expect(secret).toMatch(/^[0-9a-f]{64}$/)
      expect(await readClusterSecret(one.url)).toBe(secret)
      expect(await readClusterSecret(two.url)).not.toBe(secret)
    } finally {
      await one.close()
      await two.close()
    }
  })
})

describe("DocumentOwners", () => {
  it("routes a document to the hub holding its lease, claims it once, and takes over from a hub found unreachable", async () => {
    const db = await database()
    const open = new Set(["d", "e"])
    const owners = new Map<string, DocumentOwners>()
    try {
      for (const hub of ["a", "b"]) owners.set(hub, new DocumentOwners(await db.leasesOf(hub), hub, () => open, 60_000, log))
      const [a, b] = [owners.get("a")!, owners.get("b")!]
      expect(await Promise.all([a.route("d"), a.route("d")])).toEqual([{ here: true, fresh: true }, { here: true, fresh: true }])
      expect(await a.route("d")).toEqual({ here: true, fresh: false })
      expect(await b.route("d")).toEqual({ here: false, holder: { hub: "a", address: "http://a" } })
      b.unreachable("d", "a")
      expect(await b.route("d")).toEqual({ here: true, fresh: true })
      // a believes it holds d until it renews.
      expect(await a.route("d")).toEqual({ here: true, fresh: false })
      await a.renew()
      expect(await a.route("d")).toEqual({ here: false, holder: { hub: "b", address: "http://b" } })
      // Heard from again, a is no longer taken over from: its lease of e stands.
      expect(await a.route("e")).toEqual({ here: true, fresh: true })
      b.heardFrom("a")
      expect(await b.route("e")).toEqual({ here: false, holder: { hub: "a", address: "http://a" } })
      await a.stop()
      await b.stop()
    } finally {
      await db.close()
    }
  })

  it("takes over the documents of a hub the bus went quiet on, and forgets a lease it lost at renewal", async () => {
    const db = await database()
    const open = new Set(["d1", "d2"])
    try {
      const a = new DocumentOwners(await db.leasesOf("a"), "a", () => open, 60_000, log)
      const b = new DocumentOwners(await db.leasesOf("b", 60_000), "b", () => open, 60_000, log)
      expect(await a.route("d1")).toEqual({ here: true, fresh: true })
      expect(await b.route("d1")).toEqual({ here: false, holder: { hub: "a", address: "http://a" } })
      b.quiet("a")
      expect(await b.route("d1")).toEqual({ here: true, fresh: true })
      // a renews: it finds d1 taken, and its next route learns the holder.
      expect(await a.route("d1")).toEqual({ here: true, fresh: false })
      await a.renew()
      expect(await a.route("d1")).toEqual({ here: false, holder: { hub: "b", address: "http://b" } })
      await a.stop()
      await b.stop()
    } finally {
      await db.close()
    }
  })
})
