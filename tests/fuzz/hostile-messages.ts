import type { Node } from "prosemirror-model"
import { docIdPattern, hubStrategies, limits, type StrategyName } from "../../lib/protocol"
import * as baseline from "./protocol-baseline"
import { hostileSteps, insertAtStart, judgeSteps, manyInsertions, validSteps, type StepsJudgment } from "./hostile-steps"
import { hostileStateVector, hostileUpdate, validUpdate } from "./hostile-updates"
import { anyHostile, deepNesting, hostileNumber, hostileString, onTheWire, printable, wireInteger, wrongType, type Hostile } from "./hostile-values"
import type { Prng } from "./prng"

/**
 * What the hub must do with a message: "refuse" it (a coded error, nothing changed), "any" (it may take
 * or refuse it), or nothing to check at once ("none": presence, unknown events, raw packets, which have no reply).
 */
export type Expectation = "refuse" | "any" | "none"

/** One message of the fuzzer, with what the hub must do with it. */
export interface Attack {
  event: string
  args: unknown[]
  expect: Expectation
  /** A stable name of the attack ("submit: replace.from fractional"), the class its failures are counted under. */
  kind: string
  /** Why the hub must refuse it, for a failure's message. */
  reason?: string
  /** False for the well-behaved messages mixed in (rejoins, valid edits), which do not count as hostile. */
  hostile: boolean
  docId?: string
  /** For submit and update: the identity and seq the hub would commit it under. */
  clientId?: string
  seq?: number
  /** A raw Socket.IO packet (a string written to the engine) instead of an event. */
  raw?: string
  /** A document that must not exist after this message: a refused join or create must not have created it. */
  mustNotCreate?: string
  /** The codes a refusal may carry, when the protocol names them. */
  codes?: readonly string[]
}

/** What the fuzzer knows of a document, from the well-behaved observer. */
export interface DocView {
  docId: string
  strategy: StrategyName
  /** The newest version the observer has. */
  version: number
  /** The document at a version the observer has seen (step-based documents), else undefined. */
  docAt(version: number): Node | undefined
  /** The newest seq the observer saw committed under `clientId`, 0 for none. */
  lastSeq(clientId: string): number
}

/** What an attacking connection knows when it builds its next message. */
export interface LaneView {
  rng: Prng
  docs: readonly DocView[]
  /** The clientId the connection is joined to `docId` with. */
  clientId(docId: string): string
  /** The connection's one secret, whatever clientId it names. */
  secret: string
  /** The seq its next submit or update to `docId` must carry: one past its newest committed one. */
  nextSeq(docId: string): number
  /** The steps (JSON) of its newest committed batch on `docId`, which a resend under the same seq may repeat. */
  lastSteps(docId: string): string | undefined
  /** The clientIds of the other members (well-behaved clients and other attackers). */
  others: readonly string[]
  /** Whether another client claimed `clientId` first (so that a join naming it must be refused). */
  claimedByOther(clientId: string): boolean
  /** A document id nobody has used. */
  freshDocId(): string
}

// The hub cannot be this far ahead of the observer; a version past the observer's by more is from the future.
const lag = 10_000

const refuse = (kind: string, reason: string, rest: Omit<Attack, "expect" | "kind" | "reason" | "hostile">): Attack =>
  ({ ...rest, expect: "refuse", kind, reason, hostile: true })

// Steps judged at their base: refused when the hub must refuse them, else the hub may take them or not.
const judged = (kind: string, judgment: StepsJudgment, rest: Omit<Attack, "expect" | "kind" | "reason" | "hostile">): Attack =>
  judgment.refusal ? refuse(kind, judgment.refusal, rest) : { ...rest, expect: "any", kind, hostile: true, ...(judgment.misfit ? { reason: judgment.misfit } : {}) }

const clientCodes = { join: ["ERR_ACCESS_DENIED", "ERR_INVALID_MESSAGE"], secret: ["ERR_CLIENT_ID_TAKEN", "ERR_INVALID_MESSAGE"], takeover: ["ERR_CLIENT_ID_TAKEN"] }

function pickDoc(view: LaneView, strategies: readonly StrategyName[]): DocView {
  const docs = view.docs.filter(d => strategies.includes(d.strategy))
  return view.rng.pick(docs.length ? docs : view.docs)
}

// Replace, remove or add one top-level field of `message`. `valid(value)` says whether the field's new
// value (as the hub receives it) is one the hub may take; fields not listed are refused when mutated.
function mutateField(rng: Prng, message: Record<string, unknown>, fields: Record<string, (wire: unknown) => boolean>): { label: string; ok: boolean } {
  if (rng.chance(0.1)) {
    const extra = rng.pick(["extra", "__proto__", "constructor", "hasOwnProperty"])
    // An own property even for "__proto__", as JSON.parse makes it on the hub.
    Object.defineProperty(message, extra, { value: anyHostile(rng).value, enumerable: true, writable: true, configurable: true })
    return { label: `extra field ${extra}`, ok: true }
  }
  const names = Object.keys(fields)
  const name = rng.pick(names)
  const hostile: Hostile = rng.chance(0.1) ? { value: undefined, label: "missing" } : rng.pick([hostileNumber, wrongType, hostileString, anyHostile])(rng)
  if (hostile.value === undefined) delete message[name]
  else message[name] = hostile.value
  return { label: `${name} ${hostile.label}`, ok: fields[name](onTheWire(hostile.value)) }
}

const isBool = (v: unknown) => typeof v == "boolean"
const isDocIdOf = (docId: string) => (v: unknown) => v === docId
const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || check(v)
const intIn = (min: number, max: number) => (v: unknown) => wireInteger(v, min, max)

// A version the observer knows of, or one the hub may have (ahead of the observer by less than `lag`).
function versionCheck(doc: DocView): (v: unknown) => boolean {
  return v => typeof v == "number" && Number.isSafeInteger(v) && v >= 0 && v <= doc.version + lag
}

// Whether the hub must refuse `version` for `doc` (not a safe integer in 0 .. a version it can have).
function futureOrInvalid(doc: DocView, version: unknown): boolean {
  return !wireInteger(version, 0, doc.version + lag)
}

/** A submit, well-formed or with one thing made hostile: its steps, seq, clientId, base version, a field, its size, or the whole message. */
export function submitAttack(view: LaneView): Attack {
  const { rng } = view
  const doc = pickDoc(view, rng.chance(0.9) ? ["ot"] : ["lww", "crdt"])
  const docId = doc.docId
  const clientId = view.clientId(docId)
  const seq = view.nextSeq(docId)
  const head = doc.docAt(doc.version)
  if (doc.strategy != "ot" || !head) return lwwOrCrdtSubmit(view, doc, clientId, seq)
  const rest = { event: "submit", docId, clientId, seq }
  const mutation = rng.weighted<string>([
    [40, "steps"], [8, "stale"], [8, "baseVersion"], [10, "seq"], [5, "clientId"], [5, "docId"], [8, "field"],
    [3, "message"], [2, "batch"], [0.6, "oversize"], [10, "valid"]
  ])
  const message = baseline.submitRequest(docId, clientId, seq, doc.version, validSteps(rng, head).steps) as unknown as Record<string, unknown>
  switch (mutation) {
    case "valid":
      return { ...rest, event: "submit", args: [message], expect: "any", kind: "submit: valid", hostile: false }
    case "steps": {
      const { steps, label } = hostileSteps(rng, head)
      message.steps = steps
      return judged(`submit: ${label}`, judgeSteps(steps, head), { ...rest, args: [message] })
    }
    case "stale": {
      // Steps written on one version, sent as written on another: the hub must check them at the version they claim.
      const written = rng.between(0, doc.version)
      const claimed = rng.chance(0.5) ? rng.between(0, doc.version) : rng.pick([0, Math.max(0, doc.version - 1)])
      const at = doc.docAt(written), base = doc.docAt(claimed)
      if (!at || !base) return { ...rest, args: [message], expect: "any", kind: "submit: valid", hostile: false }
      message.steps = validSteps(rng, at).steps
      message.baseVersion = claimed
      // Out of range at the claimed base (refused), or in range there and perhaps not applying (the hub checks sizes only).
      const judgment = judgeSteps(message.steps as unknown[], base)
      const kind = written == claimed ? "submit: steps on an old base"
        : judgment.refusal ? "submit: steps valid at another version" : "submit: steps in range at another version"
      return judged(kind, judgment, { ...rest, args: [message] })
    }
    case "baseVersion": {
      const hostile = rng.weighted<() => Hostile>([
        [3, () => hostileNumber(rng)], [2, () => ({ value: doc.version + lag + rng.between(1, 1e6), label: "from the future" })],
        [1, () => ({ value: Number.MAX_SAFE_INTEGER, label: "2^53-1" })], [1, () => wrongType(rng)]
      ])()
      message.baseVersion = hostile.value
      const wire = onTheWire(hostile.value)
      if (!futureOrInvalid(doc, wire) && typeof wire == "number") {
        const base = doc.docAt(wire)
        return judged(`submit: baseVersion ${hostile.label}`, base ? judgeSteps(message.steps as unknown[], base) : { refusal: null, misfit: null }, { ...rest, args: [message] })
      }
      return refuse(`submit: baseVersion ${hostile.label}`, `baseVersion ${printable(wire)} is not a version the document has`, { ...rest, args: [message] })
    }
    case "seq": {
      const last = seq - 1
      const hostile = rng.weighted<() => Hostile>([
        [2, () => ({ value: last >= 1 ? last : 0, label: "reused" })],
        [2, () => ({ value: seq + rng.between(1, 100), label: "skipping" })],
        [1, () => ({ value: Number.MAX_SAFE_INTEGER, label: "2^53-1" })],
        [3, () => hostileNumber(rng)], [1, () => wrongType(rng)]
      ])()
      message.seq = hostile.value
      const wire = onTheWire(hostile.value)
      if (wire === seq) return { ...rest, args: [message], expect: "any", kind: "submit: valid", hostile: false }
      // The newest committed seq again with the very same steps is a resend, acknowledged as a duplicate.
      if (wire === last && JSON.stringify(message.steps) === view.lastSteps(docId)) return { ...rest, seq: last, args: [message], expect: "any", kind: "submit: seq resent", hostile: true }
      const gap = typeof wire == "number" && Number.isSafeInteger(wire) && wire > seq
      return refuse(`submit: seq ${hostile.label}`, `seq ${printable(wire)} is not the next seq ${seq}`, { ...rest, args: [message], ...(gap ? { codes: ["ERR_SEQ_GAP"] } : {}) })
    }
    case "clientId": {
      const other = rng.chance(0.7) ? { value: rng.pick(view.others), label: "of another member" } : rng.pick([hostileString, wrongType])(rng)
      message.clientId = other.value
      return refuse(`submit: clientId ${other.label}`, "the socket did not join as this clientId", { ...rest, clientId: printable(other.value), args: [message] })
    }
    case "docId": {
      const other = rng.chance(0.5) ? { value: view.freshDocId(), label: "of no document" } : rng.pick([hostileString, wrongType, anyHostile])(rng)
      message.docId = other.value
      return refuse(`submit: docId ${other.label}`, "the socket has not joined this document", { ...rest, docId: typeof other.value == "string" ? other.value : undefined, args: [message] })
    }
    case "field": {
      const { label, ok } = mutateField(rng, message, {
        docId: isDocIdOf(docId), clientId: v => v === clientId, seq: v => v === seq, baseVersion: versionCheck(doc),
        steps: () => false, clock: optional(v => typeof v == "number" && Number.isFinite(v)),
        // A step document ignores blocks of the right shape, such as none.
        blocks: optional(v => Array.isArray(v) && v.length == 0)
      })
      const kind = `submit: ${label}`
      if (!ok) return refuse(kind, `field ${label}`, { ...rest, args: [message] })
      return { ...rest, args: [message], expect: "any", kind, hostile: true }
    }
    case "message": {
      const whole = rng.pick([null, 42, "submit", [], [message], Buffer.from("{}"), deepNesting(rng).value, anyHostile(rng).value])
      return refuse("submit: not an object", "the message is not a submit request", { ...rest, args: [whole] })
    }
    case "batch": {
      const count = rng.chance(0.5) ? limits.maxStepsPerBatch + 1 : limits.maxStepsPerBatch
      message.steps = manyInsertions(head, count)
      if (count > limits.maxStepsPerBatch) return refuse("submit: too many steps", `${count} steps`, { ...rest, args: [message] })
      return { ...rest, args: [message], expect: "any", kind: "submit: the most steps", hostile: true }
    }
    default: {
      // Just over the byte limit: in one-byte characters, and in three-byte ones (fewer characters than bytes).
      const multibyte = rng.chance(0.5)
      const text = multibyte ? "\u20ac".repeat(Math.ceil(limits.maxMessageBytes / 3) + 100) : "a".repeat(limits.maxMessageBytes + 100)
      message.steps = insertAtStart(head, text)
      return refuse(multibyte ? "submit: over the byte limit in multibyte characters" : "submit: over the byte limit",
        `the message has ${Buffer.byteLength(JSON.stringify(message))} bytes`, { ...rest, args: [message] })
    }
  }
}

// Submits to documents that take no steps (CRDT) or want blocks with them (last-writer-wins): garbage that
// must be refused, or blocks that only look hostile (an id "1", no blocks at all) that the hub may take.
function lwwOrCrdtSubmit(view: LaneView, doc: DocView, clientId: string, seq: number): Attack {
  const { rng } = view
  const steps = [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "x" }] } }]
  const message: Record<string, unknown> = { ...baseline.submitRequest(doc.docId, clientId, seq, doc.version, steps) }
  const rest = { event: "submit", docId: doc.docId, clientId, seq }
  if (doc.strategy == "crdt") return refuse("submit: steps to a CRDT document", "CRDT documents take updates", { ...rest, args: [message] })
  const id = wrongType(rng).value
  const [label, blocks] = rng.pick<[string, unknown]>([
    ["no blocks", undefined],
    ["blocks not an array", anyHostile(rng).value],
    ["block id wrong type", [{ id, node: null, after: null }]],
    ["block node unknown type", [{ id: "b1", node: { type: "script" }, after: null }]],
    ["block heading level 9", [{ id: "b1", node: { type: "heading", attrs: { id: "b1", level: 9 } }, after: null }]],
    ["block javascript: link", [{ id: "b1", node: { type: "paragraph", attrs: { id: "b1" }, content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] }, after: null }]],
    ["block after wrong type", [{ id: "b1", node: null, after: rng.pick<unknown>([3.5, 7, true, {}, []]) }]],
    ["too many blocks", Array.from({ length: limits.maxStepsPerBatch + 1 }, (_, i) => ({ id: "b" + i, node: null, after: null }))]
  ])
  if (blocks !== undefined) message.blocks = blocks
  const clock = rng.chance(0.3) ? hostileNumber(rng).value : undefined
  if (clock !== undefined) message.clock = clock
  // What only looks hostile: no blocks (an empty write), or deleting blocks with string ids the document lacks (a no-op).
  const wire = onTheWire(blocks)
  const harmless = Array.isArray(wire) && wire.every(block => typeof block?.id == "string" && block.id.length >= 1 && block.id.length <= 64 && block.node === null && block.after === null)
  const clockOk = clock === undefined || Number.isFinite(onTheWire(clock))
  if (harmless && clockOk && wire.length <= limits.maxStepsPerBatch) return { ...rest, args: [message], expect: "any", kind: `submit: lww ${wire.length ? "deleting a block it lacks" : "no block writes"}`, hostile: true }
  return refuse(`submit: lww ${label}`, label, { ...rest, args: [message] })
}

/** A CRDT update, valid or with its update, seq, clientId, document or shape made hostile. */
export function updateAttack(view: LaneView): Attack {
  const { rng } = view
  const doc = pickDoc(view, rng.chance(0.9) ? ["crdt"] : ["ot"])
  const docId = doc.docId
  const clientId = view.clientId(docId)
  const seq = view.nextSeq(docId)
  const message = baseline.updateRequest(docId, clientId, seq, validUpdate(rng)) as unknown as Record<string, unknown>
  const rest = { event: "update", docId, clientId, seq, args: [message] }
  if (doc.strategy != "crdt") return refuse("update: to a step document", "step documents take submits", rest)
  const mutation = rng.weighted<string>([[5, "update"], [2, "seq"], [1, "clientId"], [1, "field"], [2, "valid"]])
  switch (mutation) {
    case "valid": return { ...rest, expect: "any", kind: "update: valid", hostile: false }
    case "update": {
      const { update, label, problem } = hostileUpdate(rng)
      message.update = update
      return problem ? refuse(`update: ${label}`, problem, rest) : { ...rest, expect: "any", kind: `update: ${label}`, hostile: true }
    }
    case "seq": {
      const hostile = rng.pick<Hostile>([{ value: seq + rng.between(1, 50), label: "skipping" }, { value: Number.MAX_SAFE_INTEGER, label: "2^53-1" }, hostileNumber(rng)])
      message.seq = hostile.value
      const wire = onTheWire(hostile.value)
      if (wire === seq) return { ...rest, expect: "any", kind: "update: valid", hostile: false }
      const gap = typeof wire == "number" && Number.isSafeInteger(wire) && wire > seq
      return refuse(`update: seq ${hostile.label}`, `seq ${printable(wire)} is not the next seq ${seq}`, { ...rest, ...(gap ? { codes: ["ERR_SEQ_GAP"] } : {}) })
    }
    case "clientId": {
      message.clientId = rng.pick(view.others)
      return refuse("update: clientId of another member", "the socket did not join as this clientId", { ...rest, clientId: printable(message.clientId) })
    }
    default: {
      const { label, ok } = mutateField(rng, message, {
        docId: isDocIdOf(docId), clientId: v => v === clientId, seq: v => v === seq, update: () => false, baseVersion: optional(versionCheck(doc))
      })
      return ok ? { ...rest, expect: "any", kind: `update: ${label}`, hostile: true } : refuse(`update: ${label}`, label, rest)
    }
  }
}

/**
 * A join: a rejoin as itself (well-behaved), as another member (takeover), of a document that does not
 * exist, with a link token or secret that is not its own, a bad state vector, or a field made hostile.
 */
export function joinAttack(view: LaneView): Attack {
  const { rng } = view
  const doc = rng.pick(view.docs)
  const clientId = view.clientId(doc.docId)
  const message = baseline.joinRequest(doc.docId, clientId, view.secret, rng.chance(0.5) ? doc.version : null) as unknown as Record<string, unknown>
  const token = message.token
  const rest = { event: "join", docId: doc.docId, args: [message] }
  const mutation = rng.weighted<string>([[3, "valid"], [3, "takeover"], [2, "missing"], [3, "token"], [3, "secret"], [2, "stateVector"], [5, "field"], [1, "message"]])
  switch (mutation) {
    case "valid": return { ...rest, expect: "any", kind: "join: valid", hostile: false }
    case "takeover":
      message.clientId = rng.pick(view.others)
      return refuse("join: as another member's clientId", `${printable(message.clientId)} is bound to another client's secret`, { ...rest, clientId: printable(message.clientId), codes: clientCodes.takeover })
    case "missing": {
      const docId = view.freshDocId()
      return refuse("join: a document that does not exist", "no such document", { ...rest, docId, args: [{ ...message, docId }], mustNotCreate: docId, codes: ["ERR_ACCESS_DENIED"] })
    }
    case "token": {
      const other = view.docs.find(d => d.docId != doc.docId && rng.chance(0.5))
      const hostile = rng.weighted<() => Hostile>([
        [2, () => ({ value: other ? baseline.editToken(other.docId) : "x", label: "of another document" })],
        [1, () => ({ value: "A".repeat(43), label: "guessed" })],
        [1, () => ({ value: "t".repeat(129), label: "too long" })],
        [3, () => hostileString(rng)], [2, () => wrongType(rng)], [1, () => hostileNumber(rng)]
      ])()
      message.token = hostile.value
      return refuse(`join: token ${hostile.label}`, "not a live link of this document", { ...rest, codes: clientCodes.join })
    }
    case "secret": {
      const hostile = rng.weighted<() => Hostile>([
        [2, () => ({ value: baseline.memberSecret(rng.pick(view.others)), label: "of another member" })],
        [1, () => ({ value: view.secret.slice(0, 15), label: "too short" })],
        [1, () => ({ value: "s".repeat(129), label: "too long" })],
        [3, () => hostileString(rng)], [2, () => wrongType(rng)], [1, () => hostileNumber(rng)]
      ])()
      message.secret = hostile.value
      return refuse(`join: secret ${hostile.label}`, `${clientId} is bound to another secret`, { ...rest, codes: clientCodes.secret })
    }
    case "stateVector": {
      const { update, label, problem } = hostileStateVector(rng)
      message.stateVector = update
      const refused = typeof update != "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(update) || update.length > 100_000 || (doc.strategy == "crdt" && problem != null)
      return refused ? refuse(`join: ${label}`, problem ?? label, rest) : { ...rest, expect: "any", kind: `join: ${label}`, hostile: true }
    }
    case "field": {
      const { label, ok } = mutateField(rng, message, {
        // A new clientId is one a client may pick; one another client claimed first is refused (the takeover case).
        docId: isDocIdOf(doc.docId), clientId: v => typeof v == "string" && v.length >= 1 && v.length <= 64 && !view.others.includes(v) && !view.claimedByOther(v),
        secret: v => v === view.secret, token: v => v === token, version: v => v === null || versionCheck(doc)(v),
        user: () => false, hasUnconfirmed: optional(isBool), detail: optional(isBool),
        // Not fields of a join any more (documents are made by `create`): whatever they hold is ignored.
        create: () => true, strategy: () => true
      })
      const kind = `join: ${label}`
      return ok ? { ...rest, expect: "any", kind, hostile: true } : refuse(kind, label, rest)
    }
    default:
      return refuse("join: not an object", "the message is not a join request", { ...rest, args: [rng.pick([null, 7, "join", [], deepNesting(rng).value])] })
  }
}

/**
 * A create: of a fresh id (it may create it), of an id that exists, with an id or strategy made hostile,
 * or not an object. A refused create creates nothing.
 */
export function createAttack(view: LaneView): Attack {
  const { rng } = view
  const docId = view.freshDocId()
  const message = baseline.createRequest(docId, rng.pick(hubStrategies)) as Record<string, unknown>
  const rest = { event: "create", args: [message] }
  const mutation = rng.weighted<string>([[2, "valid"], [2, "exists"], [2, "strategy"], [3, "docId"], [2, "field"], [1, "message"]])
  const validId = (v: unknown) => typeof v == "string" && docIdPattern.test(v)
  switch (mutation) {
    case "valid": return { ...rest, expect: "any", kind: "create: valid", hostile: false }
    case "exists":
      message.docId = rng.pick(view.docs).docId
      return refuse("create: a document that exists", "the id is taken", { ...rest, codes: ["ERR_DOCUMENT_EXISTS"] })
    case "strategy": {
      const strategy = rng.pick<unknown>(["evil", "OT", "", "lww-doc ", "__proto__", 3, null, ["ot"], { ot: true }])
      message.strategy = strategy
      return refuse("create: an unknown strategy", `strategy ${printable(JSON.stringify(strategy))}`, { ...rest, mustNotCreate: docId, codes: ["ERR_INVALID_MESSAGE"] })
    }
    case "docId": {
      const hostile = rng.pick([hostileString, wrongType, anyHostile])(rng)
      message.docId = hostile.value
      const wire = onTheWire(hostile.value)
      // Some hostile strings ("constructor", "1") are ids like any other.
      if (validId(wire)) return { ...rest, expect: "any", kind: `create: docId ${hostile.label}`, hostile: true }
      return refuse(`create: docId ${hostile.label}`, "not a document id", { ...rest, codes: ["ERR_INVALID_MESSAGE"] })
    }
    case "field": {
      const { label, ok } = mutateField(rng, message, { docId: optional(validId), strategy: optional(v => hubStrategies.includes(v as StrategyName)) })
      const kind = `create: ${label}`
      if (ok) return { ...rest, expect: "any", kind, hostile: true }
      return refuse(kind, label, { ...rest, ...(message.docId === docId ? { mustNotCreate: docId } : {}) })
    }
    default:
      // Not an object: an object of unknown fields would be a create of a random id under the default strategy.
      return refuse("create: not an object", "the message is not a create request", { ...rest, args: [rng.pick([null, 7, "create", [], [message], deepNesting(rng, undefined, true).value])] })
  }
}

/** A links request: the attackers joined with edit links, not the owner's, so every one is refused and no link changes. */
export function linksAttack(view: LaneView): Attack {
  const { rng } = view
  const doc = rng.pick(view.docs)
  const message = baseline.linksRequest(doc.docId, rng.pick(["owner", "edit", "view"] as const), rng.pick(["reissue", "revoke"] as const)) as unknown as Record<string, unknown>
  const codes = ["ERR_NOT_OWNER", "ERR_NOT_JOINED", "ERR_INVALID_MESSAGE"]
  const rest = { event: "links", docId: doc.docId, args: [message], codes }
  const mutation = rng.weighted<string>([[4, "valid"], [2, "not joined"], [3, "field"], [1, "message"]])
  switch (mutation) {
    case "valid": return refuse(`links: ${message.action} ${message.role}`, "the socket joined with an edit link, not the owner's", rest)
    case "not joined":
      message.docId = view.freshDocId()
      return refuse("links: a document not joined", "the socket has not joined it", rest)
    case "field": {
      const { label } = mutateField(rng, message, { docId: () => false, role: () => false, action: () => false })
      return refuse(`links: ${label}`, `${label}, and not the owner`, rest)
    }
    default:
      return refuse("links: not an object", "the message is not a links request", { ...rest, args: [rng.pick([null, 7, "links", [], deepNesting(rng).value])] })
  }
}

/** A presence update, valid or with its version or selection made hostile (no reply: the observer checks what is relayed). */
export function presenceAttack(view: LaneView): Attack {
  const { rng } = view
  const doc = pickDoc(view, ["ot", "lww"])
  const size = doc.docAt(doc.version)?.content.size ?? 2
  const message = baseline.presenceUpdate(doc.docId, doc.version, { anchor: rng.between(0, size), head: rng.between(0, size) }) as unknown as Record<string, unknown>
  const rest = { event: "presence", docId: doc.docId, clientId: view.clientId(doc.docId), args: [message], expect: "none" as const }
  const mutation = rng.weighted<string>([[2, "valid"], [3, "stale"], [4, "selection"], [2, "field"]])
  switch (mutation) {
    case "valid": return { ...rest, kind: "presence: valid", hostile: false }
    case "stale":
      // A selection far outside an old version: the hub must clamp it wherever it maps it from.
      message.version = rng.pick([0, 1, Math.max(0, doc.version - 300)])
      message.selection = { anchor: rng.pick([Number.MAX_SAFE_INTEGER, 1e9, size + 50]), head: rng.between(0, 3) }
      return { ...rest, kind: "presence: old version, selection past the end", hostile: true }
    case "selection": {
      const key = rng.pick(["anchor", "head"])
      const hostile = rng.chance(0.7) ? hostileNumber(rng) : wrongType(rng)
      message.selection = { anchor: 1, head: 1, [key]: hostile.value }
      return { ...rest, kind: `presence: ${key} ${hostile.label}`, hostile: true }
    }
    default: {
      const { label } = mutateField(rng, message, { docId: isDocIdOf(doc.docId), version: versionCheck(doc), selection: () => false })
      return { ...rest, kind: `presence: ${label}`, hostile: true }
    }
  }
}

/** A history, docAt, authorship, detail or leave request with a field made hostile (or well-formed). */
export function readAttack(view: LaneView): Attack {
  const { rng } = view
  const doc = rng.pick(view.docs)
  const docId = doc.docId
  const event = rng.weighted<string>([[3, "history"], [3, "docAt"], [2, "authorship"], [2, "detail"], [1, "leave"]])
  const version = rng.between(0, doc.version)
  const [message, fields]: [Record<string, unknown>, Record<string, (v: unknown) => boolean>] = (() => {
    switch (event) {
      case "history": return [baseline.historyRequest(docId, rng.chance(0.5) ? version + 1 : undefined, rng.between(1, 20)) as unknown as Record<string, unknown>,
        { docId: isDocIdOf(docId), before: optional(intIn(0, Number.MAX_SAFE_INTEGER)), limit: optional(intIn(1, limits.maxOpsPerPage)) }]
      case "docAt": return [baseline.docAtRequest(docId, version) as unknown as Record<string, unknown>, { docId: isDocIdOf(docId), version: versionCheck(doc) }]
      case "authorship": return [baseline.authorshipRequest(docId, version, rng.between(1, 30)) as unknown as Record<string, unknown>,
        { docId: isDocIdOf(docId), version: versionCheck(doc), window: optional(intIn(1, limits.maxOpsPerPage)) }]
      case "detail": return [baseline.detailRequest(docId, rng.chance(0.5)) as unknown as Record<string, unknown>, { docId: isDocIdOf(docId), on: isBool }]
      default: return [baseline.leaveRequest(docId), { docId: v => typeof v == "string" && docIdPattern.test(v) }]
    }
  })()
  const rest = { event, docId, args: [message] }
  // A CRDT document has no steps to count authorship over.
  const mismatch = event == "authorship" && doc.strategy == "crdt"
  if (rng.chance(0.15)) {
    return mismatch ? refuse(`${event}: on a CRDT document`, "no steps", rest) : { ...rest, expect: "any", kind: `${event}: valid`, hostile: false }
  }
  if (rng.chance(0.1)) {
    const other = view.freshDocId()
    message.docId = other
    // Leaving a document one is not in is a no-op, not an error.
    if (event == "leave") return { ...rest, docId: other, expect: "any", kind: "leave: a document not joined", hostile: true }
    return refuse(`${event}: a document not joined`, "the socket has not joined it", { ...rest, docId: other })
  }
  const { label, ok } = mutateField(rng, message, fields)
  const kind = `${event}: ${label}`
  return ok && !mismatch ? { ...rest, expect: "any", kind, hostile: true } : refuse(kind, mismatch ? "no steps on a CRDT document" : label, rest)
}

const unknownEvents = ["bogus", "__proto__", "constructor", "toString", "hasOwnProperty", "ops", "presence:leave", "JOIN", "join ", "x".repeat(500), "error"]

/** An event the hub has no handler for, with a hostile payload (no reply expected). */
export function unknownEventAttack(view: LaneView): Attack {
  const event = view.rng.pick(unknownEvents)
  return { event, args: [anyHostile(view.rng).value], expect: "none", kind: `unknown event ${event.length > 20 ? "(long name)" : event}`, hostile: true }
}

const rawPackets = [
  "2[\"join\"", "2", "2[]", "2[1]", "2[null]", "2[{}]", "2[\"newListener\",{}]", "2[\"disconnect\"]", "2[\"submit\",\"\\u0000\"]",
  "51-[\"submit\",{\"_placeholder\":true,\"num\":0}]", "51-[\"submit\",{\"_placeholder\":true,\"num\":7}]", "3[\"x\"]", "3999[\"x\"]",
  "0/admin,", "2/nope,[\"join\",{}]", "9", "zzz", "2\"join\"", "25[\"join\",{}]"
]

/** A raw Socket.IO packet, malformed or addressed where it should not be (no reply expected; the hub may close the connection). */
export function rawPacketAttack(view: LaneView): Attack {
  const raw = view.rng.pick(rawPackets)
  return { event: "(raw)", args: [], raw, expect: "none", kind: `raw packet ${JSON.stringify(raw)}`, hostile: true }
}

/** The next message of an attacking connection: every event, weighted towards those that change documents. */
export function nextAttack(view: LaneView): Attack {
  return view.rng.weighted<(view: LaneView) => Attack>([
    [35, submitAttack], [10, updateAttack], [12, joinAttack], [3, createAttack], [3, linksAttack], [10, presenceAttack], [20, readAttack],
    [5, unknownEventAttack], [1, rawPacketAttack]
  ])(view)
}
