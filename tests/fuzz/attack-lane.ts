import { io, type Socket } from "socket.io-client"
import type { Reply, SubmitResult } from "../../lib/protocol"
import * as baseline from "./protocol-baseline"
import { nextAttack, type Attack, type LaneView } from "./hostile-messages"
import { internalCode, replyShapeProblem } from "./reply-shape"
import type { FuzzFailure } from "./fuzz-failure"
import type { ProtocolObserver } from "./protocol-observer"
import type { ClientClaims } from "./client-claims"
import { onTheWire, printable } from "./hostile-values"
import { Prng } from "./prng"

/** What a lane reports to its session: failures, and what the hub acknowledged or refused, for the final accounting. */
export interface LaneSink {
  fail(failure: Omit<FuzzFailure, "seed">): void
  /** The hub acknowledged `attack` as the op at `version`. */
  committed(docId: string, version: number, attack: Attack): void
  /** The hub refused `attack`, or its outcome is unknown (the connection dropped before the reply). */
  refused(attack: Attack): void
  unknown(attack: Attack): void
  /** Whether `docId` exists, asked without creating it. */
  exists(docId: string): Promise<boolean>
}

const replyTimeout = 5_000

/** Thrown when the hub did not answer a request in time while the connection stayed up: it is stuck, and the session ends. */
export class HubUnresponsive extends Error {
  constructor(readonly attack: Attack) {
    super(`no reply to ${attack.kind}`)
  }
}

/**
 * One attacking connection: one client with one secret, it joins every fuzzed document under its own
 * clientId, then sends one message at a time (so that its seqs are known), checks each reply, and
 * reconnects when the hub closes it.
 */
export class AttackLane {
  socket!: Socket
  /** The message being sent, for a failure found while it is in flight (a crash). */
  current: Attack | null = null
  sent = 0
  hostile = 0
  /** Hostile messages sent, per event ("(raw)" for raw packets). */
  readonly events = new Map<string, number>()
  /** Presence messages sent, with when, to blame a relayed presence on. */
  readonly presenceSent: { attack: Attack; at: number }[] = []
  private identity: string
  private readonly secret: string
  private rotations = 0
  private readonly lastSeqs = new Map<string, number>()
  /** The steps of its newest committed batch per document, as sent. */
  private readonly lastSteps = new Map<string, string>()
  /** Joins the hub refused, by document: a socket must not be left in the rooms of those. */
  private readonly refusedJoins = new Map<string, Attack>()
  private readonly rng: Prng

  constructor(private readonly url: string, readonly name: string, seed: number, private readonly docIds: readonly string[],
    private readonly observer: ProtocolObserver, private readonly others: readonly string[], private readonly claims: ClientClaims,
    private readonly sink: LaneSink, private readonly skip: readonly string[] = []) {
    this.identity = name
    this.secret = baseline.memberSecret(name)
    this.rng = new Prng(seed)
    claims.claim(name, name)
  }

  /** Connect (again) and join every document as the lane's current identity. */
  async connect(): Promise<void> {
    this.socket?.close()
    this.socket = io(this.url, { transports: ["websocket"], reconnection: false, forceNew: true })
    for (const event of ["ops", "presence", "presence:leave"]) {
      this.socket.on(event, (message: { docId?: unknown }) => {
        // Only documents outside the session's: a join of one of those may be answered after its first ops.
        const docId = printable(message?.docId)
        if (this.docIds.includes(docId)) return
        const attack = this.refusedJoins.get(docId)
        this.sink.fail({ invariant: "a socket receives only documents it joined", kind: attack?.kind ?? `${event} event`, detail: `${this.name} got ${event} for ${docId}`, attack })
      })
    }
    // Only the owner manages links, and no lane joined with the owner's.
    this.socket.on("revoked", (message: { docId?: unknown; role?: unknown }) => {
      this.sink.fail({ invariant: "only the owner revokes links", kind: this.current?.kind ?? "revoked event", detail: `${this.name}'s ${printable(message?.role)} link of ${printable(message?.docId)} was revoked`, attack: this.current ?? undefined })
    })
    await new Promise<void>((resolve, reject) => {
      this.socket.once("connect", () => resolve())
      this.socket.once("connect_error", reject)
    })
    for (const docId of this.docIds) await this.rejoin(docId)
  }

  /** Send one message and check what came back. */
  async step(): Promise<void> {
    if (!this.socket.connected) await this.connect()
    let attack = nextAttack(this.view())
    while (this.skip.some(part => attack.kind.includes(part))) attack = nextAttack(this.view())
    this.current = attack
    this.sent++
    if (attack.hostile) this.count(attack)
    await this.send(attack)
    this.current = null
  }

  private count(attack: Attack): void {
    this.hostile++
    this.events.set(attack.event, (this.events.get(attack.event) ?? 0) + 1)
  }

  private view(): LaneView {
    const observer = this.observer
    return {
      rng: this.rng,
      docs: this.docIds.map(id => observer.doc(id)),
      clientId: () => this.identity,
      secret: this.secret,
      nextSeq: docId => Math.max(this.lastSeqs.get(docId) ?? 0, observer.doc(docId).lastSeq(this.identity)) + 1,
      lastSteps: docId => this.lastSteps.get(docId),
      others: this.others,
      claimedByOther: clientId => this.claims.claimedByOther(clientId, this.name),
      freshDocId: () => `nx-${this.name}-${this.rng.int(2 ** 31).toString(36)}`
    }
  }

  private async send(attack: Attack): Promise<void> {
    if (attack.raw != null) {
      this.socket.io.engine.write(attack.raw)
      return this.checkAlive()
    }
    if (attack.expect == "none") {
      try {
        this.socket.emit(attack.event, ...attack.args)
      } catch {
        // socket.io-client refuses reserved event names itself; nothing reached the hub.
      }
      if (attack.event == "presence") this.presenceSent.push({ attack, at: performance.now() })
      return
    }
    let reply: unknown
    try {
      reply = await this.socket.timeout(replyTimeout).emitWithAck(attack.event, ...attack.args)
    } catch (e) {
      this.sink.unknown(attack)
      // The session reports a stuck hub with every message in flight: this one may only have queued behind the culprit.
      if (this.socket.connected) throw new HubUnresponsive(attack)
      return this.connect()
    }
    await this.check(attack, reply)
  }

  private async check(attack: Attack, reply: unknown): Promise<void> {
    const shape = replyShapeProblem(reply)
    if (shape) {
      this.sink.fail({ invariant: "every reply has the documented shape", kind: attack.kind, detail: shape, attack })
      return
    }
    const { ok, value, error } = reply as { ok: boolean; value?: unknown; error?: { code: string; message: string } }
    const internal = internalCode(reply)
    if (internal) this.sink.fail({ invariant: "client garbage never causes an internal error", kind: attack.kind, detail: `${internal}: ${error!.message}`, attack })
    if (ok && attack.expect == "refuse")
      this.sink.fail({ invariant: "a hostile message is refused", kind: attack.kind, detail: `accepted, reply value ${JSON.stringify(value)?.slice(0, 300)}`, attack })
    if (!ok && attack.codes && !attack.codes.includes(error!.code))
      this.sink.fail({ invariant: "a refusal carries the documented code", kind: attack.kind, detail: `refused with ${error!.code} (${error!.message}), expected ${attack.codes.join(" or ")}`, attack })
    if (!ok) {
      this.sink.refused(attack)
      if (attack.event == "join" && attack.docId && !this.docIds.includes(attack.docId)) this.refusedJoins.set(attack.docId, attack)
      if (attack.mustNotCreate && (await this.sink.exists(attack.mustNotCreate)))
        this.sink.fail({ invariant: "a refused join changes nothing", kind: attack.kind, detail: `refused with ${error!.code}, yet ${attack.mustNotCreate} exists now`, attack })
      return
    }
    if (attack.event == "submit" || attack.event == "update") await this.accepted(attack, value as SubmitResult)
    else if (attack.event == "join") await this.joinedAs(attack)
    else if (attack.event == "leave" && attack.docId && this.docIds.includes(attack.docId)) await this.rejoin(attack.docId)
  }

  private async accepted(attack: Attack, value: SubmitResult): Promise<void> {
    const seq = onTheWire((attack.args[0] as { seq?: unknown }).seq)
    if (!value || value.seq !== seq || !Number.isSafeInteger(value.version) || value.version < 1) {
      this.sink.fail({ invariant: "every reply has the documented shape", kind: attack.kind, detail: `acknowledgement ${JSON.stringify(value)} for seq ${printable(seq)}`, attack })
      return
    }
    if (!value.duplicate) this.sink.committed(attack.docId!, value.version, attack)
    if (attack.clientId == this.identity) {
      if (value.seq > (this.lastSeqs.get(attack.docId!) ?? 0)) this.lastSteps.set(attack.docId!, JSON.stringify((attack.args[0] as { steps?: unknown }).steps))
      this.lastSeqs.set(attack.docId!, Math.max(this.lastSeqs.get(attack.docId!) ?? 0, value.seq))
      // Only a hub that took a seq skipping ahead (a failure reported already) gets here: a seq near 2^53
      // would block this clientId in the document, so the lane goes on as a new one.
      if (value.seq > 2 ** 40) await this.rotate()
    }
  }

  // A join the hub took: under a clientId no other client claimed before (else a takeover), which is this
  // lane's from now on; then the lane rejoins as itself.
  private async joinedAs(attack: Attack): Promise<void> {
    const request = attack.args[0] as { docId?: unknown; clientId?: unknown }
    const docId = printable(request.docId)
    if (typeof request.clientId == "string") {
      const owner = this.claims.claim(request.clientId, this.name)
      if (owner) this.sink.fail({ invariant: "a clientId belongs to the client that claimed it first", kind: attack.kind, detail: `${this.name} joined as ${request.clientId}, which ${owner} claimed first`, attack })
    }
    if (this.docIds.includes(docId) && request.clientId !== this.identity) await this.rejoin(docId)
  }

  private async rejoin(docId: string): Promise<void> {
    const reply: Reply<unknown> = await this.socket.timeout(replyTimeout).emitWithAck("join", baseline.joinRequest(docId, this.identity, this.secret, null))
    if (!reply.ok) throw new Error(`${this.name} rejoining ${docId} as ${this.identity}: ${reply.error.code} ${reply.error.message}`)
  }

  private async rotate(): Promise<void> {
    this.identity = `${this.name}-${++this.rotations}`
    this.claims.claim(this.identity, this.name)
    this.lastSeqs.clear()
    this.lastSteps.clear()
    for (const docId of this.docIds) await this.rejoin(docId)
  }

  // After a raw packet: the hub may have closed the connection (a malformed packet); if so, connect again.
  private async checkAlive(): Promise<void> {
    try {
      await this.socket.timeout(5_000).emitWithAck("history", baseline.historyRequest(this.docIds[0], undefined, 1))
    } catch {
      await this.connect()
    }
  }
}
