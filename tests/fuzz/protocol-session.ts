import { io } from "socket.io-client"
import { Step } from "prosemirror-transform"
import * as Y from "yjs"
import { schema } from "../../lib/schema"
import { crdtDoc, decodeUpdate } from "../../lib/strategies/crdt/updates"
import type { JoinResult, Reply, StrategyName } from "../../lib/protocol"
import { removeDataDir, startServerProcess } from "../support/server-process"
import { TestClient } from "../support/test-client"
import * as baseline from "./protocol-baseline"
import { AttackLane, HubUnresponsive, type LaneSink } from "./attack-lane"
import type { Attack } from "./hostile-messages"
import { validSteps } from "./hostile-steps"
import { formatAttack, type FuzzFailure } from "./fuzz-failure"
import { ProtocolObserver } from "./protocol-observer"
import { ClientClaims } from "./client-claims"
import { Prng } from "./prng"
import { printable } from "./hostile-values"

/** Settings of one protocol fuzz session. */
export interface ProtocolSessionOptions {
  seed: number
  /** Hostile messages to send in all (well-behaved ones mixed in are not counted). */
  messages: number
  /** Attacking connections sending at once (default 3). */
  lanes?: number
  /**
   * After the hub crashed or stopped answering, start a new one and go on until `messages` were sent
   * (to see every failing class in one run); by default the session ends there.
   */
  restart?: boolean
  /** Leave out attacks whose kind contains any of these (to look past a known failure, such as one that freezes the hub). */
  skip?: readonly string[]
}

/** What a session sent and which invariants broke. */
export interface ProtocolSessionResult {
  seed: number
  sent: number
  hostile: number
  /** Hostile messages per event. */
  events: Record<string, number>
  failures: FuzzFailure[]
  seconds: number
}

const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * One session of `messages` hostile messages (see runSegment), in one hub, or with `restart` in as many
 * hubs as it takes when one crashes or gets stuck.
 */
export async function runProtocolSession(options: ProtocolSessionOptions): Promise<ProtocolSessionResult> {
  const started = performance.now()
  const total: ProtocolSessionResult = { seed: options.seed, sent: 0, hostile: 0, events: Object.create(null), failures: [], seconds: 0 }
  for (let segment = 0; total.hostile < options.messages; segment++) {
    const part = await runSegment({ ...options, messages: options.messages - total.hostile }, segment)
    total.sent += part.sent
    total.hostile += part.hostile
    total.failures.push(...part.failures)
    for (const [event, count] of Object.entries(part.events)) total.events[event] = (total.events[event] ?? 0) + count
    if (!part.halted || !options.restart) break
  }
  total.seconds = (performance.now() - started) / 1000
  return total
}

/**
 * One hub's part of a session: a real hub in a child process, a watching member, a well-behaved typist (TestClient) and
 * `lanes` attacking connections on four documents (two step-based, a CRDT and a last-writer-wins one).
 * The lanes send hostile messages across every event until `messages` were sent; then the session checks
 * that the hub is alive, the typist, the observer and a fresh joiner hold the hub's documents, and every
 * op the hub committed was acknowledged to whoever sent it (so no refused message changed a document).
 */
async function runSegment(options: ProtocolSessionOptions, segment: number): Promise<ProtocolSessionResult & { halted: boolean }> {
  const { seed } = options
  const started = performance.now()
  const failures: FuzzFailure[] = []
  const fail = (failure: Omit<FuzzFailure, "seed">) => failures.push({ seed, ...failure })
  const server = await startServerProcess({ env: baseline.fuzzServerEnv })
  let stopping = false
  let exited: string | null = null
  void server.exited.then(code => { if (!stopping) exited = String(code) })

  const prefix = segment ? `pf${seed}s${segment}` : `pf${seed}`
  const documents: [string, StrategyName][] = [[`${prefix}-main`, "ot"], [`${prefix}-side`, "ot"], [`${prefix}-crdt`, "crdt"], [`${prefix}-lww`, "lww"]]
  const docIds = documents.map(([id]) => id)
  const main = docIds[0]

  // Accounting: who each committed op was acknowledged to, and the messages the hub refused or never answered.
  const acks = new Map<string, { clientId: unknown; seq: unknown; attack?: Attack }>()
  const refused = new Map<string, Attack>()
  const unknown = new Map<string, Attack>()
  const opKey = (docId: string, clientId: unknown, seq: unknown) => `${docId}\u0000${printable(clientId)}\u0000${printable(seq)}`
  const sentAs = (attack: Attack) => Object(attack.args[0]) as { clientId?: unknown; seq?: unknown }
  const observerProblems: { failure: Omit<FuzzFailure, "seed">; docId: string; version?: number }[] = []

  const observer = new ProtocolObserver(server.url, "observer", (failure, docId, version) => observerProblems.push({ failure, docId, version }))
  const prober = io(server.url, { transports: ["websocket"], reconnection: false, forceNew: true })
  const fresh = io(server.url, { transports: ["websocket"], reconnection: false, forceNew: true })
  const typist = new TestClient(server.url, main, "typist")
  const laneCount = options.lanes ?? 3
  const names = Array.from({ length: laneCount }, (_, k) => `lane${k}`)
  const sink: LaneSink = {
    fail,
    committed: (docId, version, attack) => acks.set(`${docId}@${version}`, { clientId: sentAs(attack).clientId, seq: sentAs(attack).seq, attack }),
    refused: attack => { if (attack.docId) refused.set(opKey(attack.docId, sentAs(attack).clientId, sentAs(attack).seq), attack) },
    unknown: attack => { if (attack.docId) unknown.set(opKey(attack.docId, sentAs(attack).clientId, sentAs(attack).seq), attack) },
    exists: docId => baseline.documentExists(prober, docId)
  }
  // The typist and the observer claim their clientIds when they join, before any lane sends anything.
  const claims = new ClientClaims()
  for (const member of ["typist", "observer"]) claims.claim(member, member)
  const lanes = names.map((name, k) => new AttackLane(server.url, name, seed * 1_000 + segment * 10 + k + 1, docIds, observer, ["typist", "observer", ...names.filter(n => n != name)], claims, sink, options.skip ?? []))

  let typing = true
  let hostile = 0
  /** Set when the hub stopped answering: the lanes stop, and the final checks would only time out. */
  let stuck = false
  try {
    for (const [docId, strategy] of documents) await observer.watch(docId, strategy, true)
    await typist.join()
    guardListeners(typist, fail)
    for (const lane of lanes) await lane.connect()

    const rng = new Prng(seed)
    const typed = (async () => {
      while (typing && exited == null) {
        try {
          typist.edit(state => {
            const tr = state.tr
            for (const json of validSteps(rng, state.doc).steps) tr.step(Step.fromJSON(schema, json))
            return tr
          })
        } catch (e) {
          fail({ invariant: "a well-behaved client keeps working", kind: "typist edit", detail: `typing threw: ${String(e)}` })
          return
        }
        await delay(rng.between(5, 25))
      }
    })()
    await Promise.all(lanes.map(async lane => {
      while (exited == null && !stuck && hostile < options.messages) {
        const before = lane.hostile
        try {
          await lane.step()
        } catch (e) {
          if (e instanceof HubUnresponsive || !(await responsive())) {
            stuck = true
            return
          }
          await Promise.race([server.exited, delay(2_000)])
          if (exited != null) return
          fail({ invariant: "the hub keeps serving well-formed requests", kind: "lane", detail: `${lane.name}: ${String(e)}`, attack: lane.current ?? undefined })
          try {
            await lane.connect()
          } catch {
            return
          }
        }
        hostile += lane.hostile - before
      }
    }))
    typing = false
    await typed

    if (exited != null) {
      for (const lane of lanes) {
        fail({ invariant: "the hub never crashes", kind: lane.current?.kind ?? "crash", detail: `server exited (${exited}) while ${lane.name} had this message in flight; stderr ends: ${server.stderr().slice(-600)}`, attack: lane.current ?? undefined })
      }
    } else if (stuck) {
      const inFlight = lanes.map(l => l.current).filter(a => a != null)
      fail({ invariant: "the hub answers every request in time", kind: "hub stuck", detail: `messages in flight when it stopped answering: ${inFlight.map(formatAttack).join(" || ")}` })
    } else {
      await finalChecks()
    }
  } finally {
    typing = false
    for (const lane of lanes) lane.socket?.close()
    typist.close()
    observer.close()
    prober.close()
    fresh.close()
    stopping = true
    // A hub stuck in a loop never handles SIGTERM.
    if (stuck) server.child.kill("SIGKILL")
    const killer = setTimeout(() => server.child.kill("SIGKILL"), 5_000)
    const code = await server.stop()
    clearTimeout(killer)
    if (exited == null && !stuck && code !== 0) fail({ invariant: "the hub never crashes", kind: "shutdown", detail: `server exited with ${code} when stopped: ${server.stderr().slice(-600)}` })
    removeDataDir(server.dataDir)
  }

  const events: Record<string, number> = Object.create(null)
  for (const lane of lanes) for (const [event, count] of lane.events) events[event] = (events[event] ?? 0) + count
  return {
    seed, sent: lanes.reduce((n, l) => n + l.sent, 0), hostile: lanes.reduce((n, l) => n + l.hostile, 0), events, failures,
    seconds: (performance.now() - started) / 1000, halted: stuck || exited != null
  }

  // Whether the hub answers a well-formed request within a few seconds (after a lane failed to rejoin, say).
  async function responsive(): Promise<boolean> {
    try {
      await prober.timeout(5_000).emitWithAck("history", baseline.historyRequest(main, undefined, 1))
      return true
    } catch {
      return false
    }
  }

  async function finalChecks(): Promise<void> {
    try {
      await typist.waitFor(() => typist.sync!.idle && !typist.awaitingAck, "the typist's edits acknowledged", 20_000)
    } catch {
      fail({ invariant: "a well-behaved client keeps working", kind: "typist stalled", detail: `unacknowledged edits remain; the hub's errors to it: ${JSON.stringify(typist.errors.slice(0, 3))}` })
    }
    if (typist.errors.length)
      fail({ invariant: "a well-behaved client is never refused", kind: `typist got ${typist.errors[0].code}`, detail: `${typist.errors.length} errors, first: ${typist.errors[0].message}` })
    for (const { seq, version } of typist.acks) acks.set(`${main}@${version}`, { clientId: "typist", seq })

    for (const [docId] of documents) {
      const reply: Reply<JoinResult> = await fresh.timeout(15_000).emitWithAck("join", baseline.joinRequest(docId, `fresh-${docId}`, baseline.memberSecret("fresh")))
      if (!reply.ok) {
        fail({ invariant: "a fresh client can join", kind: "final join", detail: `${docId}: ${reply.error.code} ${reply.error.message}` })
        continue
      }
      const result = reply.value
      const observed = observer.doc(docId)
      try {
        await observer.reach(docId, result.version)
      } catch {
        fail({ invariant: "members receive every op", kind: "observer behind", detail: `${docId}: the hub is at v${result.version}, the observer at v${observed.version}` })
        continue
      }
      if (observed.version != result.version)
        fail({ invariant: "members receive every op", kind: "observer ahead", detail: `${docId}: a fresh join got v${result.version}, the observer has v${observed.version}` })
      const hubContent = result.crdt ? crdtContent(result.crdt.update) : schema.nodeFromJSON(result.snapshot!.doc).toJSON()
      if (JSON.stringify(hubContent) != JSON.stringify(observed.content()))
        fail({ invariant: "the hub's document equals the replay of what it published", kind: "observer diverged", detail: `${docId} v${result.version}: hub ${JSON.stringify(hubContent).slice(0, 300)} / observer ${JSON.stringify(observed.content()).slice(0, 300)}` })
      if (docId == main) await compareTypist(result)
      account(docId, result.version)
    }
    for (const { failure, docId, version } of observerProblems) {
      const ack = version != null ? acks.get(`${docId}@${version}`) : undefined
      const op = version != null ? observer.doc(docId).op(version) : undefined
      fail({ ...failure, kind: ack?.attack?.kind ?? failure.kind, attack: ack?.attack ?? (op ? refused.get(opKey(docId, op.clientId, op.seq)) : undefined) })
    }
    checkPresence()
  }

  async function compareTypist(result: JoinResult): Promise<void> {
    try {
      await typist.waitFor(() => typist.sync!.version >= result.version, "the typist at the hub's version", 20_000)
    } catch {
      fail({ invariant: "a well-behaved client ends equal to the hub", kind: "typist behind", detail: `the hub is at v${result.version}, the typist at v${typist.sync!.version}` })
      return
    }
    const hub = schema.nodeFromJSON(result.snapshot!.doc)
    if (!typist.sync!.state.doc.eq(hub))
      fail({ invariant: "a well-behaved client ends equal to the hub", kind: "typist diverged", detail: `v${result.version}: hub ${JSON.stringify(hub.toJSON()).slice(0, 300)} / typist ${JSON.stringify(typist.sync!.state.doc.toJSON()).slice(0, 300)}` })
  }

  // Every op in the log was acknowledged to its sender; every acknowledgement names an op in the log.
  function account(docId: string, head: number): void {
    const observed = observer.doc(docId)
    for (let version = observed.base + 1; version <= head; version++) {
      const op = observed.op(version)
      if (!op) continue
      const ack = acks.get(`${docId}@${version}`)
      if (!ack) {
        const key = opKey(docId, op.clientId, op.seq)
        const lost = unknown.get(key)
        if (lost && lost.expect != "refuse") continue
        const blamed = refused.get(key) ?? lost
        fail({
          invariant: "a refused message changes no document", kind: blamed?.kind ?? "unacknowledged op",
          detail: `${docId} v${version} was committed for ${op.clientId} seq ${op.seq}, which ${blamed ? (lost ? "had no reply" : "the hub refused") : "nobody was acknowledged"}`, attack: blamed
        })
      } else if (ack.clientId !== op.clientId || ack.seq !== op.seq) {
        fail({ invariant: "each acknowledgement names its op", kind: ack.attack?.kind ?? "typist", detail: `${docId} v${version} is ${op.clientId} seq ${op.seq}, acknowledged as ${printable(ack.clientId)} seq ${printable(ack.seq)}`, attack: ack.attack })
      }
    }
    for (const [key, ack] of acks) {
      const [ackDoc, version] = key.split("@")
      if (ackDoc == docId && Number(version) > head)
        fail({ invariant: "an acknowledged op is in the log", kind: ack.attack?.kind ?? "typist", detail: `${docId} v${version} was acknowledged, the hub is at v${head}`, attack: ack.attack })
    }
  }

  // Presence the hub relayed: at a version the document had, with a selection inside that version's document.
  function checkPresence(): void {
    for (const { docId, state, at } of observer.relayed) {
      const observed = observer.doc(docId)
      const size = Number.isSafeInteger(state.version) ? observed.docAt(state.version)?.content.size : undefined
      const inside = (pos: unknown) => Number.isSafeInteger(pos) && (pos as number) >= 0 && (size == null || (pos as number) <= size)
      const problem = !Number.isSafeInteger(state.version) || state.version < 0 || state.version > observed.version ? `version ${state.version}`
        : state.selection && !(inside(state.selection.anchor) && inside(state.selection.head)) ? `selection ${JSON.stringify(state.selection)} in a document of size ${size}` : null
      if (!problem) continue
      const blamed = lanes.flatMap(l => l.presenceSent).filter(p => p.at <= at && p.attack.docId == docId && p.attack.clientId == state.clientId).pop()?.attack
      fail({ invariant: "relayed presence is in range", kind: blamed?.kind ?? "presence", detail: `${docId}: relayed ${state.clientId} at ${problem}`, attack: blamed })
    }
  }
}

// The ProseMirror JSON of a CRDT document given as its whole Yjs state.
function crdtContent(update: string): unknown {
  const ydoc = new Y.Doc()
  Y.applyUpdate(ydoc, decodeUpdate(update))
  return crdtDoc(ydoc).toJSON()
}

// A TestClient throws out of its socket listeners when an op does not apply (a committed step it cannot
// rebase over): record that as a failure instead of an uncaught exception in the test process.
function guardListeners(client: TestClient, fail: (failure: Omit<FuzzFailure, "seed">) => void): void {
  for (const event of ["ops", "presence", "presence:leave"] as const) {
    for (const listener of client.socket.listeners(event)) {
      client.socket.off(event, listener)
      client.socket.on(event, (...args: unknown[]) => {
        try {
          (listener as (...a: unknown[]) => void)(...args)
        } catch (e) {
          fail({ invariant: "a well-behaved client keeps working", kind: `typist ${event} listener`, detail: `threw ${String(e)}` })
        }
      })
    }
  }
}
