import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { checkOpLog, startHubCluster, type HubCluster } from "../support/hub-cluster"
import { seededRandom } from "../support/seeded-random"
import { TestClient } from "../support/test-client"
import type { SubmitResult } from "../../lib/protocol"

// KILL_CYCLES=50 runs more cycles.
const cycles = Number(process.env.KILL_CYCLES ?? 20)
const hubs = 3

let cluster: HubCluster

beforeAll(async () => {
  cluster = await startHubCluster(hubs)
})

afterAll(async () => {
  await cluster?.stop()
})

describe("kill -9 of a random hub in the middle of a storm, again and again", () => {
  it(`loses no acknowledged op, applies none twice, and converges with the database (${cycles} cycles)`, async () => {
    const docId = "storm"
    const random = seededRandom(20)
    const letters = "abcdef"
    const clients = [await TestClient.open(cluster.urls[0], docId, "storm-0", true)]
    for (let k = 1; k < letters.length; k++) clients.push(await TestClient.open(cluster.urls[k % hubs], docId, `storm-${k}`))
    const hubOf = clients.map((_, k) => k % hubs)
    const typed = clients.map(() => 0)
    const acked = new Map<string, SubmitResult[]>()
    const ackCount = () => clients.reduce((n, c) => n + c.acks.length, 0) + [...acked.values()].reduce((n, a) => n + a.length, 0)
    let typing = true
    // Each client types its letter whenever fewer than five of its edits are unconfirmed, on whichever hub it is on now.
    const loops = clients.map(async (_, k) => {
      while (typing) {
        const c = clients[k]
        if (c.socket.connected && c.sync && c.sync.unconfirmedCount < 5) {
          c.type(letters[k], 1)
          typed[k]++
        }
        await new Promise(resolve => setTimeout(resolve, 2))
      }
    })
    /** Move client `k` to hub `to` with its state and unconfirmed work, as a client given several addresses does. */
    const move = async (k: number, to: number) => {
      const before = clients[k]
      acked.set(before.clientId, [...(acked.get(before.clientId) ?? []), ...before.acks])
      const moved = new TestClient(cluster.urls[to], docId, before.clientId)
      moved.sync = before.sync
      before.close()
      clients[k] = moved
      hubOf[k] = to
      await moved.join()
    }
    try {
      for (let cycle = 0; cycle < cycles; cycle++) {
        const target = ackCount() + 15
        await clients[0].waitFor(() => ackCount() >= target, `acknowledgements before kill ${cycle + 1}`, 30_000)
        const victim = Math.floor(random() * hubs)
        await cluster.kill(victim)
        const survivors = Array.from({ length: hubs }, (_, i) => i).filter(i => i != victim)
        await Promise.all(clients.map((_, k) => hubOf[k] == victim ? move(k, survivors[k % survivors.length]) : null))
        await cluster.restart(victim)
      }
      typing = false
      await Promise.all(loops)
      for (const c of clients) await c.waitFor(() => c.sync!.idle && !c.awaitingAck, `${c.clientId} acknowledged`, 30_000)
      const head = Math.max(...clients.map(c => c.sync!.version))
      for (const c of clients) await c.waitFor(() => c.sync!.version == head, `${c.clientId} at ${head}`, 30_000)
      expect(new Set(clients.map(c => c.text)).size).toBe(1)
      letters.split("").forEach((letter, k) => expect(clients[0].text.split(letter).length - 1).toBe(typed[k]))
      // The database's document, as a new client of a restarted hub loads it.
      const reader = await TestClient.open(cluster.urls[0], docId, "storm-reader")
      expect(reader.sync!.version).toBe(head)
      expect(reader.text).toBe(clients[0].text)
      reader.close()
      // Every acknowledged op is in the log once, at its acknowledged version, in a gap-free order.
      const acks = new Map(clients.map(c => [c.clientId, [...(acked.get(c.clientId) ?? []), ...c.acks]]))
      expect(await checkOpLog(cluster, docId, acks)).toBe(head)
    } finally {
      typing = false
      clients.forEach(c => c.close())
    }
  }, 300_000)
})
