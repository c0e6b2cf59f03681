import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Y from "yjs"
import pg from "pg"
import { startHubCluster, type HubCluster } from "../support/hub-cluster"
import { TestClient, until } from "../support/test-client"
import { CrdtConnection } from "../../lib/client/crdt-connection"
import { createDocument } from "../../lib/client/create-document"
import { crdtFragment } from "../../lib/strategies/crdt/updates"
import type { StrategyName } from "../../lib/protocol"

let cluster: HubCluster

beforeAll(async () => {
  cluster = await startHubCluster(3)
})

afterAll(async () => {
  await cluster?.stop()
})

/** Seeded PRNG, so that a failing interleaving can be run again. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The op log of `docId` as the database holds it, in version order. */
async function opLog(docId: string): Promise<{ clientId: string; seq: number; version: number }[]> {
  const client = new pg.Client({ connectionString: cluster.databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ client_id: string; seq: string; version: string }>("SELECT client_id, seq, version FROM ops WHERE doc_id = $1 ORDER BY version", [docId])
    return rows.map(row => ({ clientId: row.client_id, seq: Number(row.seq), version: Number(row.version) }))
  } finally {
    await client.end()
  }
}

/** Wait until every client has nothing unconfirmed and all are at the same version; returns it. */
async function settled(clients: TestClient[]): Promise<number> {
  for (const c of clients) await c.waitFor(() => c.sync!.idle && !c.awaitingAck, `${c.clientId} acknowledged`, 30_000)
  const head = Math.max(...clients.map(c => c.sync!.version))
  for (const c of clients) await c.waitFor(() => c.sync!.version == head, `${c.clientId} at ${head}`, 30_000)
  return head
}

/** Every acknowledged op of `clients` is in the log once, at the version acknowledged, and the versions run 1..head without a gap. */
async function expectLogOf(docId: string, clients: TestClient[], head: number): Promise<void> {
  const log = await opLog(docId)
  expect(log.map(op => op.version)).toEqual(Array.from({ length: head }, (_, i) => i + 1))
  for (const c of clients) for (const ack of c.acks) {
    const matching = log.filter(op => op.clientId == c.clientId && op.seq == ack.seq)
    expect(matching).toHaveLength(1)
    expect(matching[0].version).toBe(ack.version)
  }
}

describe("Several hubs serving one document", () => {
  it("has clients spread over three hubs type at once and converge, each acknowledged op once in one gap-free order", async () => {
    const docId = "spread"
    const clients = [await TestClient.open(cluster.urls[0], docId, "spread-0", true)]
    for (let k = 1; k < 6; k++) clients.push(await TestClient.open(cluster.urls[k % 3], docId, `spread-${k}`))
    const random = mulberry32(7)
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
})
