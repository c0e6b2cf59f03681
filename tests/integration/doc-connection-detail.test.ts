import { describe, expect, it } from "vitest"
import type { Socket } from "socket.io-client"
import { DocConnection } from "../../lib/client/doc-connection"
import { fetchedVersion } from "../../lib/history"
import { isDetailed, type CommittedOp, type PackedOp } from "../../lib/protocol"
import { serverSuite } from "../support/server-suite"
import { knownLinks } from "../support/link-registry"
import { TestClient, settleAll, until } from "../support/test-client"

// The browser's DocConnection, run in Node against a real hub: it asks for whole ops exactly while
// someone listens for them (the history panel), including a listener that arrives while it joins.

const suite = serverSuite()

/** The ops the connection's socket receives, as the hub sent them, and a way to wait for more. */
function rawOps(connection: DocConnection) {
  const socket = (connection as unknown as { socket: Socket }).socket
  const received: (PackedOp | CommittedOp)[] = []
  socket.on("ops", (message: { ops: (PackedOp | CommittedOp)[] }) => received.push(...message.ops))
  const arrivals = (wake: () => void) => {
    socket.on("ops", wake)
    return () => void socket.off("ops", wake)
  }
  return { received, arrivals }
}

/** Whether the hub sent the op whole (a CommittedOp) rather than packed. */
function whole(op: PackedOp | CommittedOp): boolean {
  return !Array.isArray(op) && isDetailed(op)
}

function changes(connection: DocConnection) {
  return (wake: () => void) => connection.subscribe(wake)
}

describe("DocConnection and detailed ops", () => {
  it("asks for whole ops while someone listens, even when the listener came during the join", async () => {
    const writer = suite.closeAtEnd(await TestClient.open(suite.server.url, "detail-conn", "writer", true))
    const connection = suite.closeAtEnd(new DocConnection({ docId: "detail-conn", token: knownLinks("detail-conn").edit, user: { name: "Reader", color: "#2f9e44" }, url: suite.server.url }))
    const { received: raw, arrivals } = rawOps(connection)
    // Subscribed right after the join went out (without detail), before its reply.
    const heard: CommittedOp[] = []
    const hearing = new Set<() => void>()
    let stop = () => {}
    ;(connection as unknown as { socket: Socket }).socket.once("connect", () => {
      stop = connection.onOps(ops => {
        heard.push(...ops)
        for (const wake of hearing) wake()
      })
    })
    await until(() => connection.status == "online", changes(connection), 10_000, "the connection to join")

    // Each text is one batch, committed as the next version.
    for (const [i, text] of ["one ", "two ", "three "].entries()) {
      writer.type(text)
      const target = i + 1
      await until(() => heard.some(op => op.version == target), wake => {
        hearing.add(wake)
        return () => void hearing.delete(wake)
      }, 10_000, `v${target} to be heard`)
    }
    expect(heard.map(op => op.version)).toEqual([1, 2, 3])
    expect(heard.every(op => op.author.name == "writer" && typeof op.summary == "string")).toBe(true)
    // The hub switched the socket to whole ops: at most the first arrived lean (and was fetched whole).
    expect(raw.slice(1).every(whole)).toBe(true)

    stop()
    const before = raw.length
    writer.type("four ")
    await until(() => raw.length > before, arrivals, 10_000, "the next op")
    expect(raw.slice(before).some(whole)).toBe(false)
    expect(heard).toHaveLength(3)
  })

  it("fetches a past version over the socket as its snapshot's bytes and the steps after it", async () => {
    const writer = suite.closeAtEnd(await TestClient.open(suite.server.url, "doc-at-conn", "writer", true))
    for (const text of ["one ", "two ", "three "]) {
      writer.type(text)
      await settleAll([writer])
    }
    const connection = suite.closeAtEnd(new DocConnection({ docId: "doc-at-conn", token: knownLinks("doc-at-conn").edit, user: { name: "Reader", color: "#2f9e44" }, url: suite.server.url }))
    await until(() => connection.status == "online", changes(connection), 10_000, "the connection to join")
    const past = await connection.fetchVersion(2)
    expect([past.version, past.base, past.steps.length, past.doc instanceof Uint8Array]).toEqual([2, 0, 2, true])
    expect(fetchedVersion(past).textContent).toBe("one two ")
    const head = await connection.fetchVersion(3)
    expect([head.base, head.steps, fetchedVersion(head).textContent]).toEqual([3, [], "one two three "])
    await expect(connection.fetchVersion(4)).rejects.toMatchObject({ code: "ERR_VERSION_FROM_FUTURE" })
  })
})
