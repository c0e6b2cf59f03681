import { describe, expect, it } from "vitest"
import { Transform } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { limits, type StepJSON, type StrategyName } from "../../lib/protocol"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage } from "../../server/storage"
import { createLogger } from "../../server/log"
import { testSecret } from "../support/test-client"

// What one request may cost the hub, and what a refused one leaves behind: nothing.

const author = { name: "a", color: "#000000" }

function newHub(options: { maxDocuments?: number; window?: number } = {}) {
  const storage = new MemoryStorage()
  return { storage, hub: new Hub({ storage, log: createLogger("silent"), ...options }) }
}

const tokens = new Map<string, string>()

/** Join as `clientId`, creating the document first when `create` names its strategy. */
async function join(hub: Hub, docId: string, clientId: string, extra: { create?: StrategyName; version?: number; hasUnconfirmed?: boolean } = {}) {
  const { create, ...rest } = extra
  if (create) tokens.set(docId, (await hub.create({ docId, strategy: create })).links.edit)
  return hub.join({ docId, clientId, secret: testSecret(clientId), token: tokens.get(docId)!, version: null, user: author, ...rest }, `socket-${clientId}`, () => {})
}

function insertStep(hub: Hub, docId: string, text: string): StepJSON {
  return new Transform(hub.documents.peek(docId)!.doc).insert(1, schema.text(text)).steps[0].toJSON() as StepJSON
}

/** Commit `count` one-character ops as client "w". */
async function typeOps(hub: Hub, docId: string, count: number): Promise<void> {
  for (let seq = 1; seq <= count; seq++)
    await hub.submit({ docId, clientId: "w", seq, baseVersion: hub.documents.peek(docId)!.version, steps: [insertStep(hub, docId, "x")] }, author)
}

describe("hub: bounded work per request", () => {
  it("refuses a batch whose base is too far behind before transforming anything, and one too large for how far behind it is", async () => {
    const { hub } = newHub()
    await join(hub, "stale", "w", { create: "ot" })
    await typeOps(hub, "stale", limits.maxSubmitBehind + 1)
    const step = { stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "old" }] } }
    await expect(hub.submit({ docId: "stale", clientId: "s", seq: 1, baseVersion: 0, steps: [step] }, author)).rejects.toMatchObject({ code: "ERR_VERSION_TOO_OLD" })
    const behind = 200
    const many = Array.from({ length: Math.floor(limits.maxTransformWork / behind) + 1 }, () => step)
    await expect(hub.submit({ docId: "stale", clientId: "s", seq: 1, baseVersion: hub.documents.peek("stale")!.version - behind, steps: many }, author)).rejects.toMatchObject({ code: "ERR_VERSION_TOO_OLD" })
    expect(hub.documents.peek("stale")!.version).toBe(limits.maxSubmitBehind + 1)
    // One behind is fine, and so is the resend of a committed batch, however far behind its base is by then.
    const fresh = { docId: "stale", clientId: "s", seq: 1, baseVersion: hub.documents.peek("stale")!.version - 1, steps: [step] }
    await expect(hub.submit(fresh, author)).resolves.toEqual({ seq: 1, version: limits.maxSubmitBehind + 2 })
    for (let seq = limits.maxSubmitBehind + 2; seq <= 2 * limits.maxSubmitBehind + 2; seq++)
      await hub.submit({ docId: "stale", clientId: "w", seq, baseVersion: hub.documents.peek("stale")!.version, steps: [insertStep(hub, "stale", "x")] }, author)
    await expect(hub.submit(fresh, author)).resolves.toEqual({ seq: 1, version: limits.maxSubmitBehind + 2, duplicate: true })
  })

  it("refuses a batch behind few ops that hold too many steps", async () => {
    const { hub } = newHub()
    await join(hub, "heavy", "w", { create: "ot" })
    // Two ops of 600 steps each: two versions, 1,200 steps to transform past.
    for (let seq = 1; seq <= 2; seq++) {
      const steps = Array.from({ length: 600 }, () => insertStep(hub, "heavy", "x"))
      await hub.submit({ docId: "heavy", clientId: "w", seq, baseVersion: hub.documents.peek("heavy")!.version, steps }, author)
    }
    const step = { stepType: "replace", from: 1, to: 1 }
    await expect(hub.submit({ docId: "heavy", clientId: "s", seq: 1, baseVersion: 0, steps: [step] }, author)).rejects.toMatchObject({ code: "ERR_VERSION_TOO_OLD" })
    await expect(hub.submit({ docId: "heavy", clientId: "s", seq: 1, baseVersion: 1, steps: [step] }, author)).resolves.toMatchObject({ seq: 1, version: 3 })
  })

  it("pages the catch-up of a client far behind that holds unconfirmed edits", async () => {
    const { hub } = newHub()
    await join(hub, "pages", "w", { create: "ot" })
    await typeOps(hub, "pages", limits.maxOpsPerPage + 100)
    const first = await join(hub, "pages", "late", { version: 0, hasUnconfirmed: true })
    expect(first.ops).toHaveLength(limits.maxOpsPerPage)
    expect(first.more).toBe(true)
    const second = await join(hub, "pages", "late", { version: limits.maxOpsPerPage, hasUnconfirmed: true })
    expect(second.ops.map(op => op.version)).toEqual(Array.from({ length: 100 }, (_, i) => limits.maxOpsPerPage + 1 + i))
    expect(second.more).toBeUndefined()
  })
})

describe("hub: a refused join changes nothing", () => {
  it("refuses a CRDT join with a bad state vector before it opens or attaches anything", async () => {
    const { hub } = newHub()
    const { links } = await hub.create({ docId: "crdt-bad", strategy: "crdt" })
    let attached = 0
    for (const stateVector of ["////", "gICAgICAgICAgICAgICAgA=="]) {
      await expect(hub.join({ docId: "crdt-bad", clientId: "c", secret: testSecret("c"), token: links.edit, version: null, user: author, stateVector }, "s", () => attached++))
        .rejects.toMatchObject({ code: "ERR_INVALID_MESSAGE" })
    }
    expect(attached).toBe(0)
    expect(hub.documents.size).toBe(0)
  })

  it("leaves nothing attached when the state vector of an existing CRDT document's join is bad", async () => {
    const { hub } = newHub()
    await join(hub, "crdt-open", "a", { create: "crdt" })
    hub.leave("crdt-open", "a", "socket-a")
    let attached = 0
    await expect(hub.join({ docId: "crdt-open", clientId: "b", secret: testSecret("b"), token: tokens.get("crdt-open")!, version: null, user: author, stateVector: "////" }, "s", () => attached++)).rejects.toBeTruthy()
    expect(attached).toBe(0)
    expect(hub.documents.peek("crdt-open")!.sockets.size).toBe(0)
    expect(hub.documents.evictIdle(Date.now() + 60_000)).toBe(1)
  })
})

describe("hub: eviction never fails a join", () => {
  it("serves many concurrent joins of documents not yet open, past maxDocuments", async () => {
    const { hub } = newHub({ maxDocuments: 10 })
    for (let i = 0; i < 10; i++) {
      await hub.create({ docId: `idle-${i}` })
      await hub.documents.open(`idle-${i}`)
    }
    const joins = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => join(hub, `fresh-${i}`, `c${i}`, { create: "ot" })))
    expect(joins.filter(j => j.status == "rejected")).toEqual([])
    // The idle ones made room; the joined ones stay while their sockets are there.
    for (let i = 0; i < 40; i++) expect(hub.documents.peek(`fresh-${i}`)?.sockets.size).toBe(1)
  })
})

describe("hub: presence", () => {
  it("drops the selection of a caret on a version older than the ops it holds, and clamps the others", async () => {
    const { hub } = newHub({ window: 4 })
    await join(hub, "carets", "w", { create: "ot" })
    await typeOps(hub, "carets", 20)
    const old = hub.presence("p", "socket-p", author, { docId: "carets", version: 1, selection: { anchor: limits.maxDocumentSize, head: 2 } })
    expect(old).toMatchObject({ version: 20, selection: null })
    const recent = hub.presence("p", "socket-p", author, { docId: "carets", version: 19, selection: { anchor: limits.maxDocumentSize, head: 2 } })
    expect(recent).toMatchObject({ version: 20, selection: { anchor: hub.documents.peek("carets")!.durableSize, head: 3 } })
  })
})

describe("hub: steps that are not well formed", () => {
  it("refuses, at once, a slice open deeper than its content and a node mark on text, which ProseMirror loops on or throws for", async () => {
    const { hub } = newHub()
    await join(hub, "malformed", "w", { create: "ot" })
    await typeOps(hub, "malformed", 3)
    const base = 1
    const cases = [
      { stepType: "replace", from: 1, to: 2, slice: { openEnd: 1 } },
      { stepType: "replace", from: 1, to: 2, slice: { content: [{ type: "text", text: "x" }], openStart: 2 } },
      { stepType: "replace", from: 1, to: 1, slice: { content: [nested(limits.maxNodeDepth + 1)] } },
      // Position 1 of the head (version 3) is the paragraph's text.
      { stepType: "addNodeMark", pos: 1, mark: { type: "strong" }, base: 3 },
      { stepType: "removeNodeMark", pos: 1, mark: { type: "strong" }, base: 3 }
    ]
    for (const [i, { base: at, ...step }] of cases.entries()) {
      const code = await hub.submit({ docId: "malformed", clientId: `m${i}`, seq: 1, baseVersion: at ?? base, steps: [step as StepJSON] }, author).then(() => "ok", e => e.code)
      expect([i, code]).toEqual([i, "ERR_STEP_INVALID"])
    }
    expect(hub.documents.peek("malformed")!.version).toBe(3)
  })
})

/** A blockquote holding a blockquote ... `depth` deep, a paragraph at the bottom. */
function nested(depth: number): object {
  let node: object = { type: "paragraph", content: [{ type: "text", text: "deep" }] }
  for (let i = 0; i < depth; i++) node = { type: "blockquote", content: [node] }
  return node
}
