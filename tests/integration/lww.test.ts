import { describe, expect, it } from "vitest"
import { serverSuite } from "../support/server-suite"
import { settleAll, TestClient, whilePartitioned } from "../support/test-client"
import type { CommittedOp, Reply } from "../../lib/protocol"
import { renameStep, titleOf } from "../../lib/schema"

const suite = serverSuite()

async function open(docId: string, id: string, create = false, strategy?: "lww" | "lww-doc") {
  return suite.closeAtEnd(await TestClient.open(suite.server.url, docId, id, create, strategy))
}

function replaceHeadline(c: TestClient, from: string, to: string) {
  c.edit(s => {
    const text = s.doc.firstChild!.textContent
    const at = text.indexOf(from)
    return s.tr.insertText(to, 1 + at, 1 + at + from.length)
  })
}

/** Delhi and Mumbai on a new document of `strategy` reading "Agenda", Delhi's clock 5 minutes ahead. */
async function agendaAhead(docId: string, strategy: "lww" | "lww-doc") {
  const delhi = await open(docId, `${docId}-delhi`, true, strategy)
  const mumbai = await open(docId, `${docId}-mumbai`)
  delhi.type("Agenda")
  await settleAll([delhi, mumbai])
  delhi.clocks.skew = 5 * 60_000
  return { delhi, mumbai }
}

/** The writes a page of the document's history lists as discarded. */
function lostWrites(ops: readonly CommittedOp[]) {
  return ops.flatMap(op => op.writes ?? []).filter(w => !w.won)
}

describe("last-writer-wins documents on the hub", () => {
  it("keeps the write with the later clock, even when it happened first, and records the lost one", async () => {
    const delhi = await open("headline", "delhi", true, "lww")
    const mumbai = await open("headline", "mumbai")
    expect(mumbai.strategy).toBe("lww")
    delhi.type("Breaking: PM speaks at 5 PM")
    await settleAll([delhi, mumbai])
    expect(mumbai.text).toBe("Breaking: PM speaks at 5 PM")
    // Partition: both edit the headline; Delhi's clock runs 5 minutes ahead and it writes first.
    delhi.clocks.skew = 5 * 60_000
    await whilePartitioned([delhi, mumbai], () => {
      replaceHeadline(delhi, "5 PM", "5:30 PM")
      replaceHeadline(mumbai, "5 PM", "6 PM")
    })
    expect(delhi.text).toBe("Breaking: PM speaks at 5:30 PM")
    expect(mumbai.text).toBe(delhi.text)
    const ops = await mumbai.history()
    const lost = lostWrites(ops)
    expect(lost).toHaveLength(1)
    expect(lost[0].text).toBe("Breaking: PM speaks at 6 PM")
    expect(lost[0].stamp.clientId).toBe("mumbai")
    expect(lost[0].beatenBy!.clientId).toBe("delhi")
    expect(lost[0].beatenBy!.skew).toBeGreaterThan(4 * 60_000)
    expect(mumbai.text).not.toContain("6 PM")
    // Block writes are not transformed steps: no op says which submitted step each committed one came from.
    expect(ops.filter(op => op.origins)).toEqual([])
  })

  it("renames by the writer's clock too: the later clock's title stands, and the other rename is recorded as lost", async () => {
    const { delhi, mumbai } = await agendaAhead("renamed", "lww")
    await whilePartitioned([delhi, mumbai], () => {
      delhi.edit(s => s.tr.step(renameStep("Delhi plan")))
      mumbai.edit(s => s.tr.step(renameStep("Mumbai plan")).insertText(" for Monday", 7))
    })
    // Mumbai's rename came last but with the earlier clock; its text, another register, stands.
    expect(titleOf(mumbai.sync!.state.doc)).toBe("Delhi plan")
    expect(titleOf(delhi.sync!.state.doc)).toBe("Delhi plan")
    expect(mumbai.text).toBe("Agenda for Monday")
    expect(delhi.text).toBe(mumbai.text)
    expect(lostWrites(await mumbai.history())).toMatchObject([{ block: "", text: "Mumbai plan", stamp: { clientId: "renamed-mumbai" }, beatenBy: { clientId: "renamed-delhi" } }])
  })

  it("lww-doc: a rename is no write of the text, so a later clock's rename leaves others' concurrent text be", async () => {
    const { delhi, mumbai } = await agendaAhead("renamed-doc", "lww-doc")
    // Mumbai's text reaches the hub first; Delhi, whose clock is ahead, renames without having seen it.
    await whilePartitioned([mumbai, delhi], () => {
      mumbai.edit(s => s.tr.insertText(" for Monday", 7))
      delhi.edit(s => s.tr.step(renameStep("Delhi plan")))
    })
    expect(delhi.text).toBe("Agenda for Monday")
    expect(mumbai.text).toBe(delhi.text)
    expect(titleOf(mumbai.sync!.state.doc)).toBe("Delhi plan")
    expect(lostWrites(await mumbai.history())).toEqual([])
  })

  it("lets writes to different blocks both stand", async () => {
    const a = await open("blocks", "a", true, "lww")
    const b = await open("blocks", "b")
    a.edit(s => s.tr.insertText("first").split(6).insertText("second"))
    await settleAll([a, b])
    a.socket.disconnect(); b.socket.disconnect()
    a.edit(s => s.tr.insertText(" A", 6))
    b.edit(s => s.tr.insertText(" B", s.doc.content.size - 1))
    a.socket.connect(); b.socket.connect()
    await Promise.all([a.join(), b.join()])
    await settleAll([a, b])
    expect(a.text).toBe("first A|second B")
    expect(b.text).toBe(a.text)
    expect(lostWrites(await a.history())).toHaveLength(0)
  })

  it("rejects an lww submit without block writes and a strategy there is none of", async () => {
    const c = await open("strict", "c", true, "lww")
    const reply: Reply<unknown> = await (c.socket.emitWithAck as any)("submit", {
      docId: "strict", clientId: "c", seq: 99, baseVersion: c.sync!.version,
      steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "x" }] } }]
    })
    expect(reply.ok ? "ok" : reply.error.code).toBe("ERR_STRATEGY_MISMATCH")
    await expect(open("no-such-strategy", "d", true, "paxos" as never)).rejects.toThrow(/strategy/)
  })
})
