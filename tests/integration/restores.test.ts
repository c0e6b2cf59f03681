import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { startServerProcess, removeDataDir, type ServerProcess } from "../support/server-process"
import { TestClient } from "../support/test-client"
import { restoresMeta } from "../../lib/ot"
import { restoreVersion } from "../../lib/history"
import type { CommittedOp, Reply, StrategyName, SubmitResult } from "../../lib/protocol"

let server: ServerProcess
const clients: TestClient[] = []

beforeAll(async () => {
  server = await startServerProcess({ env: { CONCORD_RATE_LIMITS: "off" } })
})

afterAll(async () => {
  for (const c of clients) c.close()
  await server.stop()
  removeDataDir(server.dataDir)
})

async function open(docId: string, id: string, create = false, strategy?: StrategyName) {
  const client = await TestClient.open(server.url, docId, id, create, strategy)
  clients.push(client)
  return client
}

async function settled(client: TestClient): Promise<number> {
  await client.waitFor(() => client.sync!.idle, `${client.clientId} to be acknowledged`)
  return client.sync!.version
}

/** Restore `target` (the document at `version`) on `client`, as the history panel does. */
function restore(client: TestClient, target: Node, version: number): void {
  client.edit(state => restoreVersion(state, target)!.setMeta(restoresMeta, version))
}

describe("restores", () => {
  it("marks the op of a restore with the version and its commit time from the hub's log, and only that op", async () => {
    const startedAt = Date.now()
    const ada = await open("restore-ot", "ada", true)
    ada.type("Start")
    const v1 = await settled(ada)
    const atV1 = ada.sync!.confirmedDoc
    ada.type(": shared notes")
    await settled(ada)
    // Typing before and after the restore waits while "x" is in flight; each goes in a batch of its own.
    ada.type("x")
    restore(ada, atV1, v1)
    ada.type("y")
    const head = await settled(ada)
    expect(ada.text).toBe("Starty")
    const ops = (await ada.history()).reverse()
    const restores = ops.filter(op => op.restored)
    expect(restores).toHaveLength(1)
    const [op] = restores
    expect(op.restored).toEqual({ version: v1, time: ops[v1 - 1].time })
    expect(op.summary).toBe(`restored the version of ${new Date(ops[v1 - 1].time).toISOString()}`)
    expect(ops.map(o => o.version)).toEqual(Array.from({ length: head }, (_, i) => i + 1))
    // The typing around it went in ops of their own.
    expect(ops[op.version - 2].restored).toBeUndefined()
    expect(ops[op.version].restored).toBeUndefined()

    // Version 0 is the document as created: its time is the creation's.
    const bob = await open("restore-ot", "bob")
    const schema = bob.sync!.state.schema
    restore(bob, schema.node("doc", null, [schema.node("paragraph")]), 0)
    await settled(bob)
    const [newest] = await bob.history(1)
    expect(newest.restored!.version).toBe(0)
    expect(newest.restored!.time).toBeGreaterThanOrEqual(startedAt - 1000)
    expect(newest.restored!.time).toBeLessThanOrEqual(ops[0].time)
    expect(bob.text).toBe("")
  })

  it("refuses a restore of a version beyond the head, or a malformed one, and commits nothing", async () => {
    const ada = await open("restore-bad", "ada2", true)
    ada.type("kept")
    const head = await settled(ada)
    const before = await ada.history()
    const submit = async (restores: unknown) => {
      const request = {
        docId: "restore-bad", clientId: "ada2", seq: ada.sync!.nextSeq, baseVersion: head,
        steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "lost" }] } }], restores
      }
      const reply: Reply<SubmitResult> = await ada.socket.emitWithAck("submit", request as never)
      return reply.ok ? "ok" : reply.error
    }
    expect(await submit(head + 1)).toMatchObject({ code: "ERR_INVALID_MESSAGE", message: expect.stringContaining(`newest version is ${head}`) })
    for (const bad of [-1, 1.5, "1", null]) expect(await submit(bad)).toMatchObject({ code: "ERR_INVALID_MESSAGE" })
    expect(await ada.history()).toEqual(before)
    expect(ada.text).toBe("kept")
    // The same seq still commits a good restore afterwards.
    expect(await submit(head)).toBe("ok")
    await ada.waitFor(() => ada.sync!.version == head + 1, "the good restore")
    const [op]: CommittedOp[] = await ada.history(1)
    expect(op.restored).toEqual({ version: head, time: before[0].time })
  })

  it("marks a restore on a last-writer-wins document too", async () => {
    const ada = await open("restore-lww", "ada3", true, "lww")
    ada.type("first")
    const v1 = await settled(ada)
    const atV1 = ada.sync!.confirmedDoc
    ada.type(" second")
    await settled(ada)
    restore(ada, atV1, v1)
    await settled(ada)
    const [op, ...older] = await ada.history()
    expect(op.restored).toEqual({ version: v1, time: older[older.length - v1].time })
    expect(op.writes?.every(w => w.won)).toBe(true)
    expect(ada.text).toBe("first")
  })
})

describe("a restore's mark in the store", () => {
  it("survives the hub being killed and started again on the same data", async () => {
    let hub = await startServerProcess({ env: { CONCORD_RATE_LIMITS: "off" } })
    const dataDir = hub.dataDir
    try {
      const ada = await TestClient.open(hub.url, "restore-kept", "ada4", true)
      ada.type("one")
      const v1 = await settled(ada)
      const atV1 = ada.sync!.confirmedDoc
      ada.type(" two")
      await settled(ada)
      restore(ada, atV1, v1)
      await settled(ada)
      const [before] = await ada.history(1)
      expect(before.restored?.version).toBe(v1)
      ada.close()
      await hub.stop("SIGKILL")
      hub = await startServerProcess({ dataDir, env: { CONCORD_RATE_LIMITS: "off" } })
      const reader = await TestClient.open(hub.url, "restore-kept", "reader")
      expect((await reader.history(1))[0]).toEqual(before)
      reader.close()
    } finally {
      await hub.stop()
      removeDataDir(dataDir)
    }
  })
})
