import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Y from "yjs"
import { checkOpLog, startHubCluster, type HubCluster } from "../support/hub-cluster"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { io } from "socket.io-client"
import { seededRandom } from "../support/seeded-random"
import { TestClient, testSecret, until } from "../support/test-client"
import { CrdtConnection } from "../../lib/client/crdt-connection"
import { createDocument } from "../../lib/client/create-document"
import { crdtFragment } from "../../lib/strategies/crdt/updates"
import type { StrategyName } from "../../lib/protocol"

let cluster: HubCluster
const root = fileURLToPath(new URL("../..", import.meta.url))

beforeAll(async () => {
  // Hubs tell each other they are there every 200 ms, so that a killed hub's members leave within a second.
  // Leases last a minute: a hub takes over from a killed holder when it cannot reach it, never by waiting for expiry.
  cluster = await startHubCluster(3, { CONCORD_PEER_HEARTBEAT_MS: "200", CONCORD_LEASE_MS: "60000" })
})

afterAll(async () => {
  await cluster?.stop()
})

/** Wait until every client has nothing unconfirmed and all are at the same version; returns it. */
async function settled(clients: TestClient[]): Promise<number> {
  for (const c of clients) await c.waitFor(() => c.sync!.idle && !c.awaitingAck, `${c.clientId} acknowledged`, 30_000)
  const head = Math.max(...clients.map(c => c.sync!.version))
  for (const c of clients) await c.waitFor(() => c.sync!.version == head, `${c.clientId} at ${head}`, 30_000)
  return head
}

/** The batches a hub committed and forwarded so far, from its /metrics. */
async function countsOf(url: string): Promise<{ committed: number; forwarded: number }> {
  return (await fetch(url + "/metrics")).json()
}

/** Every acknowledged op of `clients` is in the log once, at the version acknowledged, and the versions run 1..head without a gap. */
async function expectLogOf(docId: string, clients: TestClient[], head: number): Promise<void> {
  expect(await checkOpLog(cluster, docId, new Map(clients.map(c => [c.clientId, c.acks])))).toBe(head)
}

describe("Several hubs serving one document", () => {
  it("has clients spread over three hubs type at once and converge, each acknowledged op once in one gap-free order", async () => {
    const docId = "spread"
    const clients = [await TestClient.open(cluster.urls[0], docId, "spread-0", true)]
    for (let k = 1; k < 6; k++) clients.push(await TestClient.open(cluster.urls[k % 3], docId, `spread-${k}`))
    const random = seededRandom(7)
    const typed = new Map<string, number>()
    try {
      // Each client types its own letter at random places, faster than the hubs hear of one another.
      for (let round = 0; round < 40; round++) {
        for (const [k, c] of clients.entries()) {
          const size = c.sync!.state.doc.content.size
          c.edit(s => s.tr.insertText(String.fromCharCode(97 + k), 1 + Math.floor(random() * (size - 1))))
          typed.set(c.clientId, (typed.get(c.clientId) ?? 0) + 1)
        }
        if (round % 8 == 7) await new Promise(resolve => setImmediate(resolve))
      }
      const head = await settled(clients)
      expect(new Set(clients.map(c => c.text)).size).toBe(1)
      clients.forEach((c, k) => expect(clients[0].text.split(String.fromCharCode(97 + k)).length - 1).toBe(typed.get(c.clientId)))
      await expectLogOf(docId, clients, head)
    } finally {
      clients.forEach(c => c.close())
    }
  })

  it("commits a document on one hub only: the hub holding its lease; the others forward their clients' batches to it", async () => {
    const docId = "one-writer"
    const before = await Promise.all(cluster.urls.map(countsOf))
    const clients: TestClient[] = []
    for (let k = 0; k < 6; k++) clients.push(await TestClient.open(cluster.urls[k % 3], docId, `writer-${k}`, k == 0))
    try {
      for (let round = 0; round < 10; round++) clients.forEach((c, k) => c.type(String(k), 1))
      const head = await settled(clients)
      expect(new Set(clients.map(c => c.text)).size).toBe(1)
      await expectLogOf(docId, clients, head)
      const after = await Promise.all(cluster.urls.map(countsOf))
      const committed = after.map((a, i) => a.committed - before[i].committed)
      const forwarded = after.map((a, i) => a.forwarded - before[i].forwarded)
      // Every batch committed once, all by one hub; each of the other two forwarded its clients' batches.
      expect(committed.filter(n => n > 0)).toHaveLength(1)
      expect(committed.reduce((a, b) => a + b)).toBe(clients.reduce((n, c) => n + c.acks.filter(ack => !ack.duplicate).length, 0))
      const writer = committed.findIndex(n => n > 0)
      forwarded.forEach((n, i) => expect(n > 0).toBe(i != writer))
    } finally {
      clients.forEach(c => c.close())
    }
  })

  // lww-doc keeps one writer's document where two write at once (nothing merges): only convergence and the log are checked for it.
  for (const strategy of ["lww", "lww-doc", "vv"] as StrategyName[]) {
    it(`converges a ${strategy} document edited through two hubs`, async () => {
      const docId = `spread-${strategy}`
      const a = await TestClient.open(cluster.urls[0], docId, `${strategy}-a`, true, strategy)
      const b = await TestClient.open(cluster.urls[1], docId, `${strategy}-b`)
      try {
        a.edit(s => s.tr.split(1))
        await settled([a, b])
        for (let i = 0; i < 10; i++) {
          a.type("a", 1)
          b.type("b", b.sync!.state.doc.content.size - 1)
        }
        const head = await settled([a, b])
        expect(b.text).toBe(a.text)
        if (strategy != "lww-doc") expect(a.text.split("b").length - 1).toBe(10)
        await expectLogOf(docId, [a, b], head)
      } finally {
        a.close()
        b.close()
      }
    })
  }

  it("converges a CRDT document edited through two hubs", async () => {
    const docId = "spread-crdt"
    const { links } = await createDocument({ docId, strategy: "crdt" }, cluster.urls[0])
    const connect = (url: string, name: string) => new CrdtConnection({ docId, token: links.edit, user: { name, color: "#3366cc" }, url })
    const [a, b] = [connect(cluster.urls[0], "Ann"), connect(cluster.urls[2], "Bob")]
    const waitFor = (c: CrdtConnection, check: () => boolean, what: string) => until(check, wake => c.subscribe(wake), 20_000, what)
    const text = (c: CrdtConnection) => c.doc.textContent
    const type = (c: CrdtConnection, letter: string) => {
      const block = c.ydoc.getXmlFragment(crdtFragment).get(0) as Y.XmlElement
      c.ydoc.transact(() => {
        if (!(block.get(0) instanceof Y.XmlText)) block.insert(0, [new Y.XmlText()])
        const target = block.get(0) as Y.XmlText
        target.insert(target.length, letter)
      })
    }
    try {
      await waitFor(a, () => a.status == "online", "Ann online")
      await waitFor(b, () => b.status == "online", "Bob online")
      for (let i = 0; i < 10; i++) {
        type(a, "a")
        type(b, "b")
      }
      await until(() => text(a).length == 20 && text(a) == text(b), wake => {
        const stops = [a.subscribe(wake), b.subscribe(wake)]
        return () => stops.forEach(stop => stop())
      }, 20_000, "both to hold all 20 letters")
      expect(text(a).split("b").length - 1).toBe(10)
    } finally {
      a.close()
      b.close()
    }
  })

  it("stops, on every hub, the sockets that joined with a link the owner revoked on one", async () => {
    const docId = "revoke-across"
    const owner = await TestClient.open(cluster.urls[0], docId, "revoke-owner", true)
    const editor = await TestClient.open(cluster.urls[1], docId, "revoke-editor")
    const revoked: unknown[] = []
    editor.socket.on("revoked", message => { revoked.push(message); editor.notify() })
    try {
      const reply = await owner.socket.emitWithAck("links", { docId, role: "edit", action: "revoke" })
      expect(reply.ok).toBe(true)
      await editor.waitFor(() => revoked.length == 1, "the editor on hub 1 to lose the document")
      expect(revoked).toEqual([{ docId, role: "edit" }])
    } finally {
      owner.close()
      editor.close()
    }
  })

  it("reissues links on the shared database with the links command: the new links open the document on every hub", async () => {
    const docId = "links-on-postgres"
    const owner = await TestClient.open(cluster.urls[0], docId, "links-owner", true)
    owner.close()
    const result = spawnSync(process.execPath, ["--import", "tsx", "server/links-cli.ts", docId], {
      cwd: root, encoding: "utf8", env: { ...process.env, CONCORD_DATABASE_URL: cluster.databaseUrl, CONCORD_LOG_LEVEL: "silent" }
    })
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    const edit = /^edit\s+\/d\/links-on-postgres#(\S+)$/m.exec(result.stdout)![1]
    for (const url of cluster.urls) {
      const socket = io(url, { transports: ["websocket"], forceNew: true })
      try {
        const reply = await socket.emitWithAck("join", { docId, clientId: `links-reader-${url.slice(-5)}`, secret: testSecret("links-reader"), token: edit, version: null, user: { name: "R", color: "#3366cc" }, hasUnconfirmed: false })
        expect(reply).toMatchObject({ ok: true, value: { role: "edit" } })
      } finally {
        socket.close()
      }
    }
  })

  it("shows each member's selection to the members of the other hubs, and their leaving", async () => {
    const docId = "presence"
    const a = await TestClient.open(cluster.urls[0], docId, "presence-a", true)
    const b = await TestClient.open(cluster.urls[1], docId, "presence-b")
    try {
      a.type("hello")
      await settled([a, b])
      a.socket.emit("presence", { docId, version: a.sync!.version, selection: { anchor: 3, head: 4 } })
      await b.waitFor(() => b.presence.get("presence-a")?.selection?.head == 4, "Ann's selection on hub 1")
      // A client joining through the third hub learns of it too.
      const c = await TestClient.open(cluster.urls[2], docId, "presence-c")
      try {
        await c.waitFor(() => c.presence.get("presence-a")?.selection?.head == 4, "Ann's selection on hub 2, which opened the document after she moved it")
        a.close()
        await b.waitFor(() => !b.presence.has("presence-a"), "Ann gone on hub 1")
        await c.waitFor(() => !c.presence.has("presence-a"), "Ann gone on hub 2")
      } finally {
        c.close()
      }
    } finally {
      a.close()
      b.close()
    }
  })

  // Killed, its leases stay in the table until they expire; stopped, it releases them, but the other hubs
  // may still forward to it while it closes. Either way they take over without waiting for expiry.
  for (const signal of ["SIGKILL", "SIGTERM"] as const) {
    it(`lets another hub take over a document whose lease holder stopped (${signal}), without waiting for the lease to expire`, async () => {
      const docId = `holder-${signal}`
      const first = await TestClient.open(cluster.urls[0], docId, `holder-first-${signal}`, true)
      first.type("x")
      await settled([first])
      first.close()
      const holderUrl = async () => {
        const client = new pg.Client({ connectionString: cluster.databaseUrl })
        await client.connect()
        try {
          return (await client.query<{ address: string }>("SELECT address FROM document_leases WHERE doc_id = $1", [docId])).rows[0]?.address
        } finally {
          await client.end()
        }
      }
      expect(await holderUrl()).toBe(cluster.urls[0])
      const others = [1, 2].map(i => cluster.urls[i])
      const clients = [await TestClient.open(others[0], docId, `holder-b-${signal}`), await TestClient.open(others[1], docId, `holder-c-${signal}`)]
      try {
        // The other hubs forward to hub 0 first, so that they know it as the holder when it goes.
        clients.forEach((c, k) => c.type("bc"[k], 1))
        await settled(clients)
        await cluster.hub(0).stop(signal)
        for (let round = 0; round < 5; round++) clients.forEach((c, k) => c.type("bc"[k], 1))
        const head = await settled(clients)
        expect(clients[0].text).toBe(clients[1].text)
        expect(clients[0].text.length).toBe(13)
        await expectLogOf(docId, clients, head)
        expect(others).toContain(await holderUrl())
      } finally {
        clients.forEach(c => c.close())
        await cluster.restart(0)
      }
    })
  }

  it("refuses a connection to the hubs' namespace without the cluster's secret", async () => {
    for (const auth of [{}, { secret: "0".repeat(64) }]) {
      const socket = io(cluster.urls[0] + "/hubs", { transports: ["websocket"], reconnection: false, auth })
      const refused = await new Promise<string>(resolve => {
        socket.on("connect", () => resolve("connected"))
        socket.on("connect_error", error => resolve(error.message))
      })
      socket.disconnect()
      expect(refused).toBe("Not a hub of this cluster")
    }
  })

  it("lets the members of a killed hub leave on the other hubs, and takes the hub back once restarted", async () => {
    const docId = "killed-hub"
    const a = await TestClient.open(cluster.urls[0], docId, "killed-a", true)
    const b = await TestClient.open(cluster.urls[2], docId, "killed-b")
    try {
      b.socket.emit("presence", { docId, version: b.sync!.version, selection: { anchor: 1, head: 1 } })
      await a.waitFor(() => a.presence.has("killed-b"), "Bob's caret on hub 0")
      await cluster.kill(2)
      await a.waitFor(() => !a.presence.has("killed-b"), "Bob's caret gone once hub 2 went quiet")
      await cluster.restart(2)
      const back = await TestClient.open(cluster.urls[2], docId, "killed-b2")
      back.type("back")
      await a.waitFor(() => a.text == "back", "the edit through the restarted hub")
      back.close()
    } finally {
      a.close()
      b.close()
    }
  })
})
