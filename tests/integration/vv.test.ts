import { describe, expect, it } from "vitest"
import { serverSuite } from "../support/server-suite"
import { settleAll, TestClient, whilePartitioned } from "../support/test-client"
import { resolveConflict } from "../../lib/editor/resolve-conflict"
import type { Reply, SubmitResult, VvSibling } from "../../lib/protocol"

const suite = serverSuite()

async function open(docId: string, id: string, create = false) {
  return suite.closeAtEnd(await TestClient.open(suite.server.url, docId, id, create, create ? "vv" : undefined))
}

function replaceHeadline(c: TestClient, from: string, to: string) {
  c.edit(s => {
    const at = s.doc.firstChild!.textContent.indexOf(from)
    return s.tr.insertText(to, 1 + at, 1 + at + from.length)
  })
}

/** The versions of the first block's conflict as [author, text] pairs, or null. */
function conflictOf(c: TestClient): [string, string][] | null {
  const versions = c.sync!.state.doc.firstChild!.attrs.conflict as VvSibling[] | null
  if (!versions) return null
  return versions.map(v => [v.author.name, v.node ? c.sync!.state.schema.nodeFromJSON(v.node).textContent : "(deleted)"])
}

/** Two clients, a headline both edit while disconnected from the hub. */
async function concurrentHeadline(docId: string) {
  const delhi = await open(docId, `${docId}-delhi`, true)
  const mumbai = await open(docId, `${docId}-mumbai`)
  expect(mumbai.strategy).toBe("vv")
  delhi.type("Breaking: PM speaks at 5 PM")
  await settleAll([delhi, mumbai])
  await whilePartitioned([delhi, mumbai], () => {
    replaceHeadline(delhi, "5 PM", "5:30 PM")
    replaceHeadline(mumbai, "5 PM", "6 PM")
  })
  return { delhi, mumbai }
}

describe("version-vector documents on the hub", () => {
  it("keeps both versions of a block written concurrently and shows the conflict to both clients", async () => {
    const { delhi, mumbai } = await concurrentHeadline("vv-conflict")
    const expected: [string, string][] = [["vv-conflict-delhi", "Breaking: PM speaks at 5:30 PM"], ["vv-conflict-mumbai", "Breaking: PM speaks at 6 PM"]]
    expect(conflictOf(delhi)).toEqual(expected)
    expect(conflictOf(mumbai)).toEqual(expected)
    expect(mumbai.sync!.state.doc.toJSON()).toEqual(delhi.sync!.state.doc.toJSON())
    expect(delhi.text).toBe("Breaking: PM speaks at 5:30 PM")
    const writes = (await mumbai.history()).flatMap(op => op.vvWrites ?? [])
    expect(writes.filter(w => w.outcome == "conflict")).toHaveLength(1)
    const conflictOp = (await mumbai.history()).find(op => op.vvWrites?.some(w => w.outcome == "conflict"))!
    expect(conflictOp.summary).toBe("edited paragraph 1 at the same time as vv-conflict-delhi: both versions kept until someone picks one")
    // Typing on in the version one's copy shows (Delhi's own) edits that version: not a new conflict.
    delhi.type("!")
    await settleAll([delhi, mumbai])
    expect(conflictOf(mumbai)).toEqual([["vv-conflict-delhi", "Breaking: PM speaks at 5:30 PM!"], expected[1]])
    const typed = (await mumbai.history()).reduce((a, b) => (a.version > b.version ? a : b))
    expect(typed.vvWrites).toMatchObject([{ outcome: "conflict", continued: true }])
    expect(typed.summary).toBe("typed '!' in paragraph 1; edited their version of paragraph 1, still in conflict with vv-conflict-mumbai's")
  })

  it("a resolution dominates both versions and converges everywhere", async () => {
    const { delhi, mumbai } = await concurrentHeadline("vv-resolve")
    const id = mumbai.sync!.state.doc.firstChild!.attrs.id as string
    const versions = conflictOf(mumbai)!
    const chosen = (mumbai.sync!.state.doc.firstChild!.attrs.conflict as VvSibling[])[1]
    expect(versions[1][1]).toBe("Breaking: PM speaks at 6 PM")
    mumbai.edit(s => resolveConflict(s, id, chosen.node)!)
    await settleAll([delhi, mumbai])
    for (const c of [delhi, mumbai]) {
      expect(c.text).toBe("Breaking: PM speaks at 6 PM")
      expect(conflictOf(c)).toBeNull()
    }
    const vv = delhi.sync!.state.doc.firstChild!.attrs.vv as Record<string, number>
    expect(vv["vv-resolve-delhi"]).toBeGreaterThanOrEqual(2)
    expect(vv["vv-resolve-mumbai"]).toBeGreaterThanOrEqual(2)
    expect((await delhi.history()).flatMap(op => op.vvWrites ?? []).filter(w => w.outcome == "resolved")).toHaveLength(1)
    // The resolution is an ordinary version now: a later edit by the other client does not conflict with it.
    delhi.type("!")
    await settleAll([delhi, mumbai])
    expect(mumbai.text).toBe("Breaking: PM speaks at 6 PM!")
    expect(conflictOf(mumbai)).toBeNull()
  })

  it("does not report a conflict for writes that saw each other", async () => {
    const a = await open("vv-sequential", "seq-a", true)
    const b = await open("vv-sequential", "seq-b")
    a.type("one")
    await settleAll([a, b])
    b.type(" two")
    await settleAll([a, b])
    a.type(" three")
    await settleAll([a, b])
    // Writes to different blocks while disconnected are not concurrent writes of one block either.
    a.edit(s => s.tr.split(s.doc.content.size - 1).insertText("second"))
    await settleAll([a, b])
    a.socket.disconnect(); b.socket.disconnect()
    a.type(" A")
    b.edit(s => s.tr.insertText(" B", s.doc.content.size - 1))
    a.socket.connect(); b.socket.connect()
    await Promise.all([a.join(), b.join()])
    await settleAll([a, b])
    expect(a.text).toBe("one two three A|second B")
    expect(b.text).toBe(a.text)
    const outcomes = (await a.history()).flatMap(op => op.vvWrites ?? []).map(w => w.outcome)
    expect(outcomes.length).toBeGreaterThan(4)
    expect(outcomes.every(o => o == "applied")).toBe(true)
  })

  it("keeps typing that waited for the batch in flight in place when the hub sets the block's vector", async () => {
    const a = await open("vv-typing", "typing-a", true)
    const b = await open("vv-typing", "typing-b")
    a.type("Breaking: PM s")
    await settleAll([a, b])
    // "peaks" goes out at once; the hub's minimal form of it inserts "peak" before the "s" that was
    // there (the same text). " at 5 PM", typed while it is in flight, must stay at the end.
    a.type("peaks")
    a.type(" at 5 PM")
    await settleAll([a, b])
    expect(a.text).toBe("Breaking: PM speaks at 5 PM")
    expect(b.text).toBe(a.text)
    expect(a.sync!.state.doc.firstChild!.attrs.vv).toEqual({ "typing-a": a.acks.length })
  })

  it("refuses a stale version vector, a submit without vectors and a Yjs update, changing nothing", async () => {
    const a = await open("vv-strict", "strict-a", true)
    a.type("kept")
    await settleAll([a])
    const before = a.sync!.state.doc.toJSON()
    const version = a.sync!.version
    const block = a.sync!.state.doc.firstChild!
    const node = block.type.create({ ...block.attrs, vv: null }, a.sync!.state.schema.text("stale")).toJSON()
    const step = { stepType: "replace", from: 1, to: 5, slice: { content: [{ type: "text", text: "stale" }] } }
    const send = (payload: object): Promise<Reply<SubmitResult>> =>
      (a.socket.emitWithAck as (...args: unknown[]) => Promise<Reply<SubmitResult>>)(...Object.entries(payload)[0])
    const stale = await send({ submit: { docId: "vv-strict", clientId: "strict-a", seq: a.sync!.nextSeq, baseVersion: version, steps: [step], blocks: [{ id: block.attrs.id, node, after: null, vv: { "strict-a": 1 } }] } })
    expect(stale.ok ? "ok" : stale.error.code).toBe("ERR_STALE_VERSION_VECTOR")
    const bare = await send({ submit: { docId: "vv-strict", clientId: "strict-a", seq: a.sync!.nextSeq, baseVersion: version, steps: [step], blocks: [{ id: block.attrs.id, node, after: null }] } })
    expect(bare.ok ? "ok" : bare.error.code).toBe("ERR_STRATEGY_MISMATCH")
    const update = await send({ update: { docId: "vv-strict", clientId: "strict-a", seq: a.sync!.nextSeq, update: "AAA=" } })
    expect(update.ok ? "ok" : update.error.code).toBe("ERR_STRATEGY_MISMATCH")
    const late = await open("vv-strict", "strict-late")
    expect(late.sync!.version).toBe(version)
    expect(late.sync!.state.doc.toJSON()).toEqual(before)
  })
})

describe("version-vector documents across a restart", () => {
  it("keeps the conflict, its versions and the vectors in the op log", async () => {
    const { delhi } = await concurrentHeadline("vv-restart")
    const before = delhi.sync!.state.doc.toJSON()
    await suite.restart()
    const late = await open("vv-restart", "vv-restart-late")
    expect(late.strategy).toBe("vv")
    expect(late.sync!.state.doc.toJSON()).toEqual(before)
    expect(conflictOf(late)!.map(v => v[1])).toEqual(["Breaking: PM speaks at 5:30 PM", "Breaking: PM speaks at 6 PM"])
    const id = late.sync!.state.doc.firstChild!.attrs.id as string
    late.edit(s => resolveConflict(s, id, (s.doc.firstChild!.attrs.conflict as VvSibling[])[0].node)!)
    await settleAll([late])
    expect(late.text).toBe("Breaking: PM speaks at 5:30 PM")
    expect(conflictOf(late)).toBeNull()
  })
})
