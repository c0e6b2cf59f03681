import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import type { Server } from "socket.io"
import type { CommittedOp, PackedOp, StepJSON } from "../../lib/protocol"
import { Hub } from "../../server/hub/hub"
import { openSqliteStorage } from "../../server/storage"
import { busyOps, lingerMs, RoomBroadcaster } from "../../server/room-broadcaster"

// When a room's `ops` messages go: right after the ops published together (one group commit), or,
// for a busy room (its last message carried `busyOps` ops or more), `lingerMs` after its last message.

/** The io a broadcaster needs: rooms with members, and what was emitted to each. */
function fakeServer() {
  const sent: { room: string; at: number; versions: number[] }[] = []
  const rooms = new Map<string, Set<string>>()
  const io = {
    sockets: { adapter: { rooms } },
    to: (room: string) => ({
      emit: (_event: string, message: { ops: PackedOp[] }) => sent.push({ room, at: performance.now(), versions: message.ops.map(op => op[0]) })
    })
  }
  return { io: io as unknown as Server, rooms, sent }
}

function ops(docId: string, from: number, count: number): CommittedOp[] {
  return Array.from({ length: count }, (_, i) => ({
    version: from + i, clientId: docId, seq: from + i, baseVersion: from + i - 1, steps: [], author: { name: "a", color: "#123456" }, time: 0
  }))
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

describe("room broadcaster", () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "performance"] }))
  afterEach(() => void vi.useRealTimers())

  function setup() {
    const server = fakeServer()
    for (const doc of ["a", "b"]) server.rooms.set("ops:" + doc, new Set(["member"]))
    return { ...server, broadcaster: new RoomBroadcaster(server.io) }
  }

  it("sends the ops published together as one message per room, once they are all published", async () => {
    const { broadcaster, sent } = setup()
    broadcaster.publish("a", ops("a", 1, 2))
    broadcaster.publish("a", ops("a", 3, 1))
    broadcaster.publish("b", ops("b", 1, 1))
    expect(sent).toEqual([])
    await vi.advanceTimersToNextTimerAsync()
    expect(sent.map(m => [m.room, m.versions])).toEqual([["ops:a", [1, 2, 3]], ["ops:b", [1]]])
    // Not busy: the next ops go as soon as they are published too.
    broadcaster.publish("a", ops("a", 4, 1))
    await vi.advanceTimersToNextTimerAsync()
    expect(sent.map(m => m.versions)).toEqual([[1, 2, 3], [1], [4]])
    expect(sent[2].at).toBe(sent[0].at)
  })

  it("lets a busy room linger, other rooms not held up, and sends at once again when it calms down", async () => {
    const { broadcaster, sent } = setup()
    broadcaster.publish("a", ops("a", 1, busyOps))
    await vi.advanceTimersToNextTimerAsync()
    const busyAt = sent[0].at
    // Ops committed right after a busy message wait for the linger to end, and go together.
    await vi.advanceTimersByTimeAsync(2)
    broadcaster.publish("a", ops("a", busyOps + 1, 2))
    broadcaster.publish("b", ops("b", 1, 1))
    await vi.advanceTimersByTimeAsync(1)
    broadcaster.publish("a", ops("a", busyOps + 3, 1))
    await vi.advanceTimersByTimeAsync(1)
    expect(sent.map(m => [m.room, m.versions])).toEqual([["ops:a", range(1, busyOps)], ["ops:b", [1]]])
    await vi.advanceTimersByTimeAsync(lingerMs)
    expect(sent.map(m => m.room)).toEqual(["ops:a", "ops:b", "ops:a"])
    expect(sent[2]).toEqual({ room: "ops:a", at: busyAt + lingerMs, versions: range(busyOps + 1, 3) })
    // That message carried few ops: the room is no longer busy and its next ops go at once.
    const calm = performance.now()
    broadcaster.publish("a", ops("a", busyOps + 4, 1))
    await vi.advanceTimersToNextTimerAsync()
    expect(sent[3]).toEqual({ room: "ops:a", at: calm, versions: [busyOps + 4] })
  })

  it("sends a lingering room's ops at once when flushed (the server closing)", async () => {
    const { broadcaster, sent } = setup()
    broadcaster.publish("a", ops("a", 1, busyOps))
    await vi.advanceTimersToNextTimerAsync()
    broadcaster.publish("a", ops("a", busyOps + 1, 1))
    broadcaster.flush()
    expect(sent.map(m => m.versions)).toEqual([range(1, busyOps), [busyOps + 1]])
    // Nothing is sent twice when the linger would have ended.
    await vi.advanceTimersByTimeAsync(lingerMs * 2)
    expect(sent).toHaveLength(2)
  })
})

describe("room broadcaster with a hub", () => {
  it("sends the ops of one group commit as one message, before their acknowledgements", async () => {
    const dir = mkdtempSync(join(tmpdir(), "concord-broadcast-"))
    const storage = openSqliteStorage({ file: join(dir, "concord.db") })
    const { io, rooms, sent } = fakeServer()
    rooms.set("ops:doc", new Set(["member"]))
    const broadcaster = new RoomBroadcaster(io)
    const hub = new Hub({ storage, publisher: broadcaster })
    try {
      await hub.create({ docId: "doc" })
      await hub.documents.open("doc")
      const events: string[] = []
      const typeAt = (pos: number, text: string): StepJSON => ({ stepType: "replace", from: pos, to: pos, slice: { content: [{ type: "text", text }] } })
      // Warm: the first submit of a process compiles the pipeline, longer than a queue's slice of back-to-back tasks.
      await hub.create({ docId: "warm" })
      await hub.submit({ docId: "warm", clientId: "w", seq: 1, baseVersion: 0, steps: [typeAt(1, "w")] }, { name: "w", color: "#123456" })
      // Three writers submit in the same turn, on version 0: the store commits them as one group. The
      // document's queue runs them back to back for a 20 ms slice of wall-clock time, which a loaded
      // machine could end between them: its clock stands still meanwhile.
      vi.useFakeTimers({ toFake: ["performance"] })
      await Promise.all(["a", "b", "c"].map(clientId =>
        hub.submit({ docId: "doc", clientId, seq: 1, baseVersion: 0, steps: [typeAt(1, clientId)] }, { name: clientId, color: "#123456" })
          .then(ack => events.push(`ack v${ack.version} (${sent.length} sent)`)))).finally(() => vi.useRealTimers())
      expect(sent.map(m => m.versions)).toEqual([[1, 2, 3]])
      expect(events).toEqual(["ack v1 (1 sent)", "ack v2 (1 sent)", "ack v3 (1 sent)"])
    } finally {
      await hub.close()
      await storage.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
