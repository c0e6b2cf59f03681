import { afterAll, describe, expect, it } from "vitest"
import Database from "better-sqlite3"
import { join } from "node:path"
import { startServerProcess, removeDataDir, type ServerProcess } from "../support/server-process"
import { seededRandom } from "../support/seeded-random"
import { TestClient } from "../support/test-client"

const dirs: string[] = []
afterAll(() => dirs.forEach(removeDataDir))

// CRASH_SEEDS=1,2,...,60 runs more kill points (a race shows under load, with two CPU burners beside).
const seeds = process.env.CRASH_SEEDS ? process.env.CRASH_SEEDS.split(",").map(Number) : [1, 2, 3]

describe("crash durability (kill -9 at random moments)", () => {
  for (const seed of seeds) {
    it(`loses no acknowledged op and converges after SIGKILL (seed ${seed})`, async () => {
      const random = seededRandom(seed)
      let server: ServerProcess = await startServerProcess()
      dirs.push(server.dataDir)
      const docId = "crash" + seed
      const clients = [await TestClient.open(server.url, docId, "k0", true)]
      for (let k = 1; k < 4; k++) clients.push(await TestClient.open(server.url, docId, "k" + k))
      // Each client types continuously: one character per acknowledged batch or per tick.
      let typing = true
      const typed = new Map<string, number>()
      const loops = clients.map(async (c, k) => {
        while (typing) {
          if (c.socket.connected && c.sync) {
            c.type(String.fromCharCode(97 + k))
            typed.set(c.clientId, (typed.get(c.clientId) ?? 0) + 1)
          }
          await new Promise(resolve => setImmediate(resolve))
          await c.waitFor(() => !typing || (c.socket.connected && c.sync!.unconfirmedCount < 5), "room to type", 60_000)
        }
      })
      const killAfter = 50 + Math.floor(random() * 250)
      await clients[0].waitFor(() => clients.reduce((n, c) => n + c.acks.length, 0) >= killAfter, "some acknowledgements")
      server.child.kill("SIGKILL")
      await server.exited
      typing = false
      clients.forEach(c => c.notify())
      await Promise.all(loops)
      const acked = clients.flatMap(c => c.acks.map(a => ({ clientId: c.clientId, ...a })))
      // Restart on the same data folder and reconnect every client to it.
      server = await startServerProcess({ dataDir: server.dataDir })
      const restarted = clients.map(c => {
        const fresh = new TestClient(server.url, docId, c.clientId)
        fresh.sync = c.sync
        c.close()
        return fresh
      })
      await Promise.all(restarted.map(c => c.join()))
      for (const c of restarted) await c.waitFor(() => c.sync!.idle, `${c.clientId} to be acknowledged`, 30_000)
      const head = Math.max(...restarted.map(c => c.sync!.version))
      for (const c of restarted) await c.waitFor(() => c.sync!.version == head, `${c.clientId} to reach ${head}`, 30_000)
      const texts = new Set(restarted.map(c => c.text))
      expect(texts.size).toBe(1)
      // Every character typed is in the converged text exactly as many times as it was typed.
      const text = restarted[0].text
      clients.forEach((c, k) => expect(text.split(String.fromCharCode(97 + k)).length - 1).toBe(typed.get(c.clientId) ?? 0))
      await server.stop()
      // Every acknowledged op is in the log exactly once.
      const db = new Database(join(server.dataDir, "concord.db"), { readonly: true })
      const rows = db.prepare("SELECT client_id AS clientId, seq, version FROM ops WHERE doc_id = ?").all(docId) as { clientId: string; seq: number; version: number }[]
      db.close()
      for (const ack of acked) {
        const matching = rows.filter(r => r.clientId == ack.clientId && r.seq == ack.seq)
        expect(matching).toHaveLength(1)
        expect(matching[0].version).toBe(ack.version)
      }
      expect(rows.length).toBe(head)
      restarted.forEach(c => c.close())
    })
  }
})
