import "fake-indexeddb/auto"
import { describe, expect, it } from "vitest"
import { EditorState, Plugin } from "prosemirror-state"
import { SyncClient, restoresMeta } from "../../lib/ot"
import { parse, type CommittedOp } from "../../lib/protocol"
import { explainMerge, groupTimeline, restoreDetails, restoreVersion, restoreWords, summarizeOp, versionTime } from "../../lib/history"
import { b } from "../support/builders"
import { LocalStore } from "../../lib/client/local-store"
import { WorkDiffer } from "../../lib/client/work-delta"

const { doc, p } = b

const submit = { docId: "d", clientId: "c", seq: 1, baseVersion: 4, steps: [{ stepType: "replace", from: 1, to: 1 }] }

describe("SubmitRequest.restores", () => {
  it("accepts a non-negative integer version and refuses anything else", () => {
    expect(parse.submit({ ...submit, restores: 0 }).restores).toBe(0)
    expect(parse.submit({ ...submit, restores: 9 }).restores).toBe(9)
    expect(parse.submit(submit).restores).toBeUndefined()
    for (const bad of [-1, 1.5, "3", null, Infinity, { version: 3 }])
      expect(() => parse.submit({ ...submit, restores: bad })).toThrow(expect.objectContaining({ code: "ERR_INVALID_MESSAGE", message: expect.stringContaining("restores") }))
  })
})

describe("UpdateRequest.restores", () => {
  const update = { docId: "d", clientId: "c", seq: 1, update: "AAA=" }

  it("is checked as a submit's is: a non-negative integer version or nothing", () => {
    expect(parse.update({ ...update, restores: 0 }).restores).toBe(0)
    expect(parse.update({ ...update, restores: 9 }).restores).toBe(9)
    expect(parse.update(update).restores).toBeUndefined()
    for (const bad of [-1, 1.5, "3", null, Infinity, { version: 3 }])
      expect(() => parse.update({ ...update, restores: bad })).toThrow(expect.objectContaining({ code: "ERR_INVALID_MESSAGE", message: expect.stringContaining("restores") }))
  })
})

describe("SyncClient and restores", () => {
  const start = doc(p("Start: shared notes"))
  const client = () => new SyncClient({ clientId: "c", version: 7, state: EditorState.create({ doc: start }) })

  it("sends a restore's steps in a batch of their own, marked with the version, apart from typing before and after", () => {
    const sync = client()
    sync.apply(sync.state.tr.insertText("a", 1))
    sync.apply(restoreVersion(sync.state, doc(p("Start")))!.setMeta(restoresMeta, 3))
    sync.apply(sync.state.tr.insertText("z", 1))
    const first = sync.nextBatch()!
    expect(first.restores).toBeUndefined()
    expect(first.steps).toHaveLength(1)
    sync.receive([{ version: 8, clientId: "c", seq: first.seq, baseVersion: 7, steps: first.steps }])
    const second = sync.nextBatch()!
    expect(second.restores).toBe(3)
    sync.receive([{ version: 9, clientId: "c", seq: second.seq, baseVersion: 8, steps: second.steps }])
    const third = sync.nextBatch()!
    expect(third.restores).toBeUndefined()
    expect(third.steps).toEqual([sync.state.tr.insertText("z", 1).steps[0].toJSON()])
    sync.receive([{ version: 10, clientId: "c", seq: third.seq, baseVersion: 9, steps: third.steps }])
    expect(sync.state.doc.textContent).toBe("zStart")
  })

  it("counts what plugins append to a restore as part of it", () => {
    // A plugin that adds a mark of its own after every change that leaves the first paragraph unbolded.
    const bolder = new Plugin({
      appendTransaction: (trs, _old, state) => {
        if (!trs.some(tr => tr.docChanged) || state.doc.rangeHasMark(1, 2, state.schema.marks.strong)) return null
        return state.tr.addMark(1, 2, state.schema.marks.strong.create())
      }
    })
    const sync = new SyncClient({ clientId: "c", version: 7, state: EditorState.create({ doc: start, plugins: [bolder] }) })
    sync.apply(restoreVersion(sync.state, doc(p("Start")))!.setMeta(restoresMeta, 3))
    const batch = sync.nextBatch()!
    expect(batch.restores).toBe(3)
    expect(batch.steps.map(step => step.stepType)).toEqual(["replace", "addMark"])
    expect(sync.nextBatch()).toBeNull()
  })

  it("keeps the mark on a restore not sent yet while others' ops are rebased under it", () => {
    const sync = client()
    sync.apply(restoreVersion(sync.state, doc(p("Start")))!.setMeta(restoresMeta, 2))
    sync.receive([{ version: 8, clientId: "other", seq: 1, baseVersion: 7, steps: [sync.state.tr.insertText("!", 1).steps[0].toJSON()] }])
    const batch = sync.nextBatch()!
    expect(batch).toMatchObject({ restores: 2, baseVersion: 8 })
  })
})

describe("a restore made offline", () => {
  it("is still marked when its page reloads before it is sent (the work as this device stores it)", async () => {
    const sync = new SyncClient({ clientId: "tab", version: 7, state: EditorState.create({ doc: doc(p("Start: shared notes")) }) })
    sync.apply(sync.state.tr.insertText("a", 1))
    const inflight = sync.nextBatch()!
    sync.apply(restoreVersion(sync.state, doc(p("Start")))!.setMeta(restoresMeta, 3))
    sync.apply(sync.state.tr.insertText("z", 1))
    const store = await LocalStore.open({ name: "restores-offline" })
    try {
      const record = { docId: "d", clientId: "tab", secret: "s-tab", strategy: "ot" as const, version: 7, unsent: sync.unconfirmedCount, savedAt: 1, serial: 1 }
      await store.write({ record, work: new WorkDiffer().delta(sync.workView()), doc: JSON.stringify(sync.confirmedDoc.toJSON()) })
      const stored = (await store.load("d", "tab"))!
      expect(stored.record.work).toEqual(sync.work())
      const reloaded = new SyncClient({ clientId: "tab", version: 7, state: EditorState.create({ doc: stored.doc }) })
      reloaded.resumeWork(stored.record.work)
      expect(reloaded.inflightBatch).toEqual(inflight)
      reloaded.receive([{ version: 8, clientId: "tab", seq: inflight.seq, baseVersion: 7, steps: inflight.steps }])
      const restore = reloaded.nextBatch()!
      expect(restore.restores).toBe(3)
      reloaded.receive([{ version: 9, clientId: "tab", seq: restore.seq, baseVersion: 8, steps: restore.steps }])
      expect(reloaded.nextBatch()!.restores).toBeUndefined()
      expect(reloaded.state.doc.textContent).toBe("zStart")
    } finally {
      store.close()
    }
  })

  it("stays marked in flight across a reload, and when the hub sends it back to be rebased", () => {
    const sync = new SyncClient({ clientId: "tab", version: 7, state: EditorState.create({ doc: doc(p("Start: shared notes")) }) })
    sync.apply(restoreVersion(sync.state, doc(p("Start")))!.setMeta(restoresMeta, 3))
    const sent = sync.nextBatch()!
    const reloaded = new SyncClient({ clientId: "tab", version: 7, state: EditorState.create({ doc: doc(p("Start: shared notes")) }) })
    reloaded.resumeWork(JSON.parse(JSON.stringify(sync.work())))
    expect(reloaded.inflightBatch).toEqual(sent)
    reloaded.requeue()
    expect(reloaded.nextBatch()!.restores).toBe(3)
  })
})

describe("restores in the history", () => {
  const noon = Date.UTC(2026, 11, 7, 12, 0, 0)
  const op = (restored?: CommittedOp["restored"]): CommittedOp => ({
    version: 12, clientId: "bob", seq: 4, baseVersion: 11, steps: [{ stepType: "replace", from: 1, to: 20 }],
    author: { name: "Bob", color: "#3366cc" }, time: noon, summary: "restored the version of 2026-12-07T10:21:26.000Z", ...(restored ? { restored } : {})
  })

  it("says which version was restored, at the time the viewer's locale shows for it, with the date when not today", () => {
    const at = noon - 3_600_000
    expect(restoreWords({ version: 3, time: at }, noon, "en-GB")).toBe(`restored the version of ${versionTime(at, noon, "en-GB")}`)
    expect(versionTime(at, noon, "en-GB")).toMatch(/^\d\d:\d\d:\d\d$/)
    expect(versionTime(at - 2 * 86_400_000, noon, "en-GB")).toMatch(/^\d+ Dec 2026, \d\d:\d\d:\d\d$/)
    expect(restoreDetails({ version: 3, time: Date.UTC(2026, 11, 7, 10, 21, 26) }, 12)).toBe("brought back v3 (committed 2026-12-07T10:21:26.000Z) as v12")
  })

  it("still explains the merge of a restore transformed past others' edits", () => {
    const restored = { ...op({ version: 3, time: noon - 60_000 }), baseVersion: 9 }
    const carolsEdit = (version: number): CommittedOp => ({ ...op(), version, clientId: "carol", author: { name: "Carol", color: "#aa3300" } })
    const explanation = explainMerge(restored, version => carolsEdit(version))!
    expect(explanation.plain).toMatch(/^Merged after 2 edits by Carol that Bob had not seen/)
    expect(groupTimeline([restored])[0]).toMatchObject({ merged: true, summary: summarizeOp(restored) })
  })

  it("summarises a restore from its `restored` field, not from the hub's words, and gives it an entry of its own", () => {
    const restored = op({ version: 3, time: noon - 60_000 })
    expect(summarizeOp(restored)).toBe(restoreWords({ version: 3, time: noon - 60_000 }))
    expect(summarizeOp(restored)).not.toContain("2026-12-07T")
    const typing: CommittedOp = { ...op(), version: 11, baseVersion: 10, seq: 3, summary: "typed 'x' in paragraph 1", steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "x" }] } }] }
    const entries = groupTimeline([typing, restored])
    expect(entries.map(e => e.summary)).toEqual([summarizeOp(restored), "typed 'x' in paragraph 1"])
  })
})
