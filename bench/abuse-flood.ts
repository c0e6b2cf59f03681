// The hostile side of bench:abuse (run in a process of its own by abuse-flooder.ts): for `seconds`,
// one kind of request as fast as the hub answers, 64 outstanding at a time, reconnecting (and
// rejoining) whenever the hub disconnects it, as a persistent attacker would.
import { io, type Socket } from "socket.io-client"
import { limits, type ClientToServerEvents, type Reply, type ServerToClientEvents } from "../lib/protocol"

/** The kinds of flood bench:abuse runs. */
export const floodKinds = ["submit", "presence", "history", "docAt", "authorship", "join", "connections"] as const
export type FloodKind = (typeof floodKinds)[number]

/**
 * What the orchestrator asks for: a flood of `kind` against `url` from the client address
 * `localAddress`, reading `archive` (`head` ops long).
 */
export interface FloodOrder {
  url: string
  localAddress: string
  kind: FloodKind
  seconds: number
  archive: string
  head: number
  /** The edit link's token of the archive and of the document the submit flooder writes to. */
  tokens: { archive: string; submit: string }
}

/** What the flooder saw. */
export interface FloodReport {
  /** Requests (or presence messages, or handshakes) sent. */
  sent: number
  /** Refused with ERR_RATE_LIMITED. */
  limited: number
  /** Answered otherwise (served, or refused for another reason). */
  answered: number
  /** Times the hub disconnected the flooder. */
  disconnects: number
  /** Handshakes the hub refused (sockets per address, new sockets per address). */
  handshakesRefused: number
}

type FloodSocket = Socket<ServerToClientEvents, ClientToServerEvents>
const outstanding = 64
/** A request unanswered this long is given up (and counted as neither served nor refused). */
const answerWithinMs = 10_000
const user = { name: "flooder", color: "#aa0000" }

/** The document the submit flooder writes to (the bench creates it). */
export const submitDocument = "flood-submit"

function connect(url: string, localAddress: string): Promise<FloodSocket | null> {
  // localAddress is handed to the ws transport, which binds the socket to it.
  const socket: FloodSocket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, localAddress } as Parameters<typeof io>[1])
  return new Promise(resolve => {
    socket.once("connect", () => resolve(socket))
    socket.once("connect_error", () => { socket.close(); resolve(null) })
  })
}

const randomInt = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1))

/** One request of `kind` on a joined socket. */
function request(socket: FloodSocket, order: FloodOrder, state: { clientId: string; secret: string; seq: number; version: number }): Promise<Reply<unknown>> {
  const { archive, head } = order
  switch (order.kind) {
    case "submit":
      return socket.timeout(answerWithinMs).emitWithAck("submit", {
        docId: submitDocument, clientId: state.clientId, seq: ++state.seq, baseVersion: state.version,
        steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "flood " }] } }]
      }).then(reply => {
        if (reply.ok) state.version = Math.max(state.version, reply.value.version)
        return reply
      })
    case "history":
      return socket.timeout(answerWithinMs).emitWithAck("history", { docId: archive, before: randomInt(Math.min(head, limits.maxReadOps + 1), head), limit: limits.maxReadOps })
    case "docAt":
      return socket.timeout(answerWithinMs).emitWithAck("docAt", { docId: archive, version: randomInt(0, head) })
    case "authorship":
      return socket.timeout(answerWithinMs).emitWithAck("authorship", { docId: archive, version: randomInt(Math.min(head, limits.maxReadOps), head), window: limits.maxReadOps })
    case "join":
      return socket.timeout(answerWithinMs).emitWithAck("join", { docId: archive, clientId: state.clientId, secret: state.secret, token: order.tokens.archive, version: null, user })
    default:
      throw new RangeError(`${order.kind} is not a request`)
  }
}

/** Flood the hub as `order` says; resolves once its seconds are over. */
export async function flood(order: FloodOrder): Promise<FloodReport> {
  const report: FloodReport = { sent: 0, limited: 0, answered: 0, disconnects: 0, handshakesRefused: 0 }
  const deadline = performance.now() + order.seconds * 1000
  const running = () => performance.now() < deadline
  const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

  if (order.kind == "connections") {
    // Sockets that never join, up to 2,000 held at once on this side; the hub decides how many it keeps.
    const held = new Set<FloodSocket>()
    const opener = async () => {
      while (running()) {
        if (held.size >= 2_000) { await pause(10); continue }
        report.sent++
        const socket = await connect(order.url, order.localAddress)
        if (!socket) { report.handshakesRefused++; continue }
        held.add(socket)
        socket.once("disconnect", () => { report.disconnects++; held.delete(socket) })
      }
    }
    await Promise.all(Array.from({ length: outstanding }, opener))
    for (const socket of held) socket.close()
    return report
  }

  while (running()) {
    const socket = await connect(order.url, order.localAddress)
    if (!socket) {
      report.handshakesRefused++
      await pause(20)
      continue
    }
    const clientId = "flooder-" + Math.random().toString(36).slice(2)
    const state = { clientId, secret: `secret-of-${clientId}`, seq: 0, version: 0 }
    const submitting = order.kind == "submit"
    const docId = submitting ? submitDocument : order.archive
    const token = submitting ? order.tokens.submit : order.tokens.archive
    const joined = await socket.timeout(answerWithinMs).emitWithAck("join", { docId, clientId, secret: state.secret, token, version: null, user }).catch(() => null)
    if (!joined?.ok) {
      socket.close()
      await pause(20)
      continue
    }
    state.version = joined.value.version
    let connected = true
    const closed = new Promise<void>(resolve => socket.once("disconnect", () => { connected = false; resolve() }))
    if (order.kind == "presence") {
      // 100 messages every 5 ms: 20,000 a second, as the flooder sent.
      while (running() && connected) {
        for (let i = 0; i < 100; i++) socket.emit("presence", { docId, version: state.version, selection: { anchor: 1, head: 1 } })
        report.sent += 100
        await pause(5)
      }
    } else {
      const worker = async () => {
        while (running() && connected) {
          report.sent++
          const reply = await request(socket, order, state).catch(() => null)
          if (!reply) continue
          if (!reply.ok && reply.error.code == "ERR_RATE_LIMITED") report.limited++
          else report.answered++
        }
      }
      await Promise.all(Array.from({ length: outstanding }, worker))
    }
    if (connected) socket.close()
    else report.disconnects++
    await closed
  }
  return report
}
