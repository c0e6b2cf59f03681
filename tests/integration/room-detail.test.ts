import { describe, expect, it } from "vitest"
import { io, type Socket } from "socket.io-client"
import { serverSuite } from "../support/server-suite"
import { testSecret, until } from "../support/test-client"
import { createDocument, knownLinks } from "../support/link-registry"
import { type ClientToServerEvents, type CommittedOp, type LeanOp, type PackedOp, type ServerToClientEvents, type StepJSON, unpackOps } from "../../lib/protocol"

// What a document's room sends: LeanOps to members that only edit, whole CommittedOps to members that
// asked for detail (at join, or later with a `detail` message).

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

const suite = serverSuite()

/** A joined socket and every op its room sent it. */
async function member(docId: string, clientId: string, options: { create?: boolean; detail?: boolean } = {}) {
  const socket: ClientSocket = suite.closeAtEnd(io(suite.server.url, { transports: ["websocket"], forceNew: true, reconnection: false }))
  // As the room sent them (lean ops as tuples, their steps packed) and as a client reads them.
  const sent: (PackedOp | CommittedOp)[] = []
  const received: LeanOp[] = []
  socket.on("ops", message => {
    sent.push(...message.ops)
    received.push(...unpackOps(message.ops))
  })
  const token = options.create ? (await createDocument(socket, docId)).edit : knownLinks(docId).edit
  const reply = await socket.emitWithAck("join", {
    docId, clientId, secret: testSecret(clientId), token, version: null, user: { name: clientId, color: "#336699" }, ...(options.detail ? { detail: true } : {})
  })
  if (!reply.ok) throw new Error(reply.error.message)
  const version = reply.value.version
  const waitForVersion = (v: number) =>
    until(() => received.some(op => op.version == v), wake => {
      socket.on("ops", wake)
      return () => void socket.off("ops", wake)
    }, 10_000, `${clientId} to receive v${v}`)
  return { socket, sent, received, version, waitForVersion }
}

const typeAt = (pos: number, text: string): StepJSON => ({ stepType: "replace", from: pos, to: pos, slice: { content: [{ type: "text", text }] } })

describe("room broadcasts", () => {
  it("send lean ops to editing members and whole ops to members that asked for detail, switchable at any time", async () => {
    const writer = await member("detail-doc", "writer", { create: true })
    const lean = await member("detail-doc", "lean")
    const detailed = await member("detail-doc", "detailed", { detail: true })

    // Two batches on version 0: the second is transformed past the first, so it carries moves.
    for (const [seq, text] of [[1, "hello "], [2, "world"]] as const) {
      const reply = await writer.socket.emitWithAck("submit", { docId: "detail-doc", clientId: "writer", seq, baseVersion: 0, steps: [typeAt(1, text)] })
      expect(reply.ok).toBe(true)
    }
    await lean.waitForVersion(2)
    await detailed.waitForVersion(2)
    for (const op of lean.received) expect(Object.keys(op).sort()).toEqual(["baseVersion", "clientId", "seq", "steps", "version"])
    const [first, second] = detailed.received as Record<string, unknown>[]
    expect(first).toMatchObject({ version: 1, author: { name: "writer" }, summary: "typed 'hello ' in paragraph 1" })
    expect(typeof first.time).toBe("number")
    expect(second).toMatchObject({ version: 2, baseVersion: 0, moves: [{ index: 0, from: 1, mappedFrom: 1 + "hello ".length }] })
    // The submitted form stays in the op log (history pages), not in what the room sends; an op committed
    // as submitted has none.
    expect(second.original).toBeUndefined()
    const history = await writer.socket.emitWithAck("history", { docId: "detail-doc", limit: 10 })
    if (!history.ok) throw new Error(history.error.message)
    const logged = new Map(history.value.ops.map(op => [op.version, op]))
    expect(logged.get(2)!.original).toEqual([typeAt(1, "world")])
    expect(logged.get(1)!.original).toBeUndefined()
    // Lean members get each op as [version, clientId, seq, baseVersion, steps], typing packed as
    // [pos, text]; both forms carry the same steps.
    expect(lean.sent).toEqual([[1, "writer", 1, 0, [[1, "hello "]]], [2, "writer", 2, 0, [[1 + "hello ".length, "world"]]]])
    expect(detailed.sent.every(op => !Array.isArray(op))).toBe(true)
    expect((detailed.sent as CommittedOp[]).map(op => op.steps)).toEqual(detailed.received.map(op => op.steps))
    expect(lean.received.map(op => op.steps)).toEqual(detailed.received.map(op => op.steps))

    // The members swap.
    for (const [who, on] of [[lean, true], [detailed, false]] as const) {
      const reply = await who.socket.emitWithAck("detail", { docId: "detail-doc", on })
      expect(reply).toEqual({ ok: true, value: null })
    }
    const reply = await writer.socket.emitWithAck("submit", { docId: "detail-doc", clientId: "writer", seq: 3, baseVersion: 2, steps: [typeAt(1, "!")] })
    expect(reply.ok).toBe(true)
    await lean.waitForVersion(3)
    await detailed.waitForVersion(3)
    expect(lean.received.find(op => op.version == 3)).toMatchObject({ author: { name: "writer" }, summary: "typed '!' in paragraph 1" })
    expect(Object.keys(detailed.received.find(op => op.version == 3)!).sort()).toEqual(["baseVersion", "clientId", "seq", "steps", "version"])
  })

  it("refuses a detail switch for a document the socket has not joined, or a malformed one", async () => {
    const { socket } = await member("detail-other", "someone", { create: true })
    const notJoined = await socket.emitWithAck("detail", { docId: "not-joined-here", on: true })
    expect(notJoined).toMatchObject({ ok: false, error: { code: "ERR_NOT_JOINED" } })
    const malformed = await socket.emitWithAck("detail", { docId: "detail-other", on: "yes" } as never)
    expect(malformed).toMatchObject({ ok: false, error: { code: "ERR_INVALID_MESSAGE" } })
  })
})
