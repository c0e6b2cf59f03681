import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { EditorState, TextSelection } from "prosemirror-state"
import { blockEdits, columnVerdict, conflictResolver, initialLabState, labReducer, shownOutcome, type LabState } from "../../lib/lab"
import { docText, editVersusDelete, parseScenario, runAll, serializeScenario, sharedHeadline, builtInScenarios } from "../../lib/strategies"

// Type `text` into `leader`'s document at the end of block `index`, as the lab's editor reports it.
function typeAt(state: LabState, leader: string, index: number, text: string, now: number, where: "start" | "end" = "end"): LabState {
  const before: Node = state.docs[leader]
  let pos = 0
  for (let i = 0; i < index; i++) pos += before.child(i).nodeSize
  pos += where == "start" ? 1 : before.child(index).nodeSize - 1
  const editor = EditorState.create({ doc: before, selection: TextSelection.create(before, pos) })
  const after = editor.apply(editor.tr.insertText(text)).doc
  const result = blockEdits(before, after, pos + text.length)
  if (!result.ok) throw new Error(result.reason)
  return labReducer(state, { type: "edit", leader, edits: result.edits, doc: after, now })
}

// The lab after Start over: the headline's document and its leaders, nothing recorded. The recording tests below start
// here, because the lab itself opens on a recording that already holds the opening story.
function emptyLab(): LabState {
  return labReducer(initialLabState(), { type: "start-over", now: 0 })
}

describe("the lab's state", () => {
  it("opens on a recording of Delhi and Mumbai editing the headline while split, which Run shows the strategies treat differently", () => {
    let state = initialLabState()
    expect(state.source).toEqual({ kind: "recording" })
    expect(state.scenario.name).toBe("Lab recording")
    expect(state.scenario.events.map(e => ("edit" in e ? e.leader : "partition" in e ? "partition" : "heal")))
      .toEqual(["partition", "Delhi", "Mumbai", "Delhi", "Mumbai", "heal"])
    expect(state.run).toBeNull()
    const merged = "Live: Breaking: PM speaks at 5:30 PM today in Parliament\nReporters are gathering at the press club."
    expect(docText(state.docs.Delhi)).toBe(merged)
    expect(docText(state.docs.Mumbai)).toBe(merged)

    state = labReducer(state, { type: "run" })
    const { outcomes } = state.run!
    expect(outcomes.ot.finalTexts.Delhi).toBe(merged)
    expect(outcomes.ot.charsLost).toBe(0)
    expect(outcomes.crdt.charsLost).toBe(0)
    expect(outcomes.lww.charsLost).toBeGreaterThan(0)
    expect(outcomes.vv.conflicts).toHaveLength(1)
    expect(new Set(Object.values(outcomes).map(o => o.finalTexts.Delhi)).size).toBeGreaterThan(1)
  })

  it("records a new edit after the opening story, and starts over on an empty recording", () => {
    let state = typeAt(initialLabState(), "Delhi", 1, " Live.", 200)
    expect(state.scenario.events).toHaveLength(7)
    expect(state.scenario.events[6].at).toBeGreaterThan(state.scenario.events[5].at)
    state = labReducer(state, { type: "start-over", now: 9000 })
    expect(state.scenario.events).toEqual([])
    expect(state.scenario.name).toBe("Lab recording")
    expect(docText(state.docs.Delhi)).toBe("Breaking: PM speaks at 5 PM\nReporters are gathering at the press club.")
  })

  it("shows a connected leader's edit in every editor", () => {
    const state = typeAt(emptyLab(), "Delhi", 0, " today", 1500)
    expect(docText(state.docs.Mumbai)).toBe(docText(state.docs.Delhi))
    expect(state.scenario.events).toEqual([{ at: 1500, leader: "Delhi", edit: { type: "replaceText", block: "b1", from: 27, to: 27, text: " today" } }])
  })

  it("records a partition, keeps each leader's edits to their own editor, and on heal shows OT's result and runs every strategy", () => {
    let state = labReducer(emptyLab(), { type: "network", change: "partition", now: 1000 })
    state = typeAt(state, "Delhi", 0, " today", 2000)
    state = typeAt(state, "Mumbai", 0, "Live: ", 3000, "start")
    expect(docText(state.docs.Delhi)).toContain("5 PM today")
    expect(docText(state.docs.Mumbai)).toContain("Live: Breaking")
    expect(docText(state.docs.Mumbai)).not.toContain("today")
    state = labReducer(state, { type: "network", change: "heal", now: 4000 })
    expect(state.scenario.events.map(e => e.at)).toEqual([1000, 2000, 3000, 4000])
    const merged = "Live: Breaking: PM speaks at 5 PM today\nReporters are gathering at the press club."
    expect(docText(state.docs.Delhi)).toBe(merged)
    expect(docText(state.docs.Mumbai)).toBe(merged)
    const run = state.run!
    expect(run.outcomes.ot.finalTexts).toEqual({ Delhi: merged, Mumbai: merged })
    expect(run.outcomes.lww.charsLost).toBe(6)
    expect(run.outcomes.lww.overwritten).toMatchObject([{ loser: "Delhi", winner: "Mumbai", lostText: " today" }])
    expect(run.outcomes.vv.conflicts).toHaveLength(1)
  })

  it("explains a win by clock skew", () => {
    let state = labReducer(emptyLab(), { type: "skew", leader: "Delhi", clockSkewMs: 300_000 })
    state = labReducer(state, { type: "network", change: "partition", now: 1000 })
    state = typeAt(state, "Delhi", 0, " today", 2000)
    state = typeAt(state, "Mumbai", 0, "Live: ", 3000, "start")
    state = labReducer(state, { type: "network", change: "heal", now: 4000 })
    const [overwrite] = state.run!.outcomes.lww.overwritten
    expect(overwrite).toMatchObject({ loser: "Mumbai", winner: "Delhi", loserTime: "17:00:03", winnerTime: "17:05:02" })
    expect(overwrite.reason).toContain("Delhi's clock runs 5 minutes ahead")
  })

  it("replays exactly what it recorded: the exported JSON gives the same outcomes (invariant 6)", () => {
    let state = labReducer(emptyLab(), { type: "network", change: "partition", now: 1000 })
    state = typeAt(state, "Delhi", 0, " today", 2000)
    state = typeAt(state, "Mumbai", 1, " Again.", 3000)
    state = labReducer(state, { type: "network", change: "heal", now: 4000 })
    state = typeAt(state, "Mumbai", 0, "!", 5000)
    state = labReducer(state, { type: "run" })
    const parsed = parseScenario(serializeScenario(state.scenario))
    expect(parsed.ok).toBe(true)
    expect(runAll(parsed.ok ? parsed.scenario : sharedHeadline)).toEqual(state.run!.outcomes)
    expect(docText(state.docs.Delhi)).toBe(state.run!.outcomes.ot.finalTexts.Delhi)
  })

  it("loads a scenario, shows its OT result in the editors, and records new edits after its last event", () => {
    let state = labReducer(initialLabState(), { type: "load", scenario: sharedHeadline, source: { kind: "built-in", index: 0 }, now: 100_000 })
    expect(docText(state.docs.Delhi)).toBe("Breaking: PM speaks at 6:30 PM\nReporters are gathering at the press club.")
    expect(state.run!.scenario).toBe(sharedHeadline)
    state = typeAt(state, "Delhi", 1, " Now.", 100_500)
    expect(state.scenario.events.at(-1)).toMatchObject({ at: 6500, leader: "Delhi" })
    expect(state.source).toEqual({ kind: "recording" })
    expect(state.scenario.name).toBe("Shared headline, continued in the lab")
  })

  it("resolves a version-vector conflict in both leaders", () => {
    let state = labReducer(initialLabState(), { type: "load", scenario: sharedHeadline, source: { kind: "built-in", index: 0 }, now: 0 })
    const [conflict] = shownOutcome(state.run!, "vv").conflicts
    const delhi = conflict.versions.find(v => v.leader == "Delhi")!
    const leader = conflictResolver(state.run!.versionVectors, conflict.block, "Delhi")!
    state = labReducer(state, { type: "resolve", resolution: { block: conflict.block, text: delhi.text, leader, kept: "Delhi" } })
    const shown = shownOutcome(state.run!, "vv")
    expect(shown.conflicts).toEqual([])
    expect(shown.converged).toBe(true)
    expect(shown.finalTexts.Delhi).toBe("Breaking: PM speaks at 5:30 PM\nReporters are gathering at the press club.")
    expect(shown.finalTexts.Mumbai).toBe(shown.finalTexts.Delhi)
  })

  it("counts the versions a person's choice discards, a kept deletion included, and none for a merge", () => {
    const load = () => labReducer(initialLabState(), { type: "load", scenario: editVersusDelete, source: { kind: "built-in", index: 5 }, now: 0 })
    const resolve = (state: LabState, text: string | null, kept: string | null) => {
      const [conflict] = shownOutcome(state.run!, "vv").conflicts
      const leader = conflictResolver(state.run!.versionVectors, conflict.block, "Delhi")!
      return labReducer(state, { type: "resolve", resolution: { block: conflict.block, text, leader, kept } })
    }
    const before = load()
    expect(columnVerdict(shownOutcome(before.run!, "vv"), before.run!.resolutions).text).toBe("1 conflict to resolve")
    const deletion = resolve(before, null, "Delhi")
    expect(deletion.run!.resolutions[0].discarded).toMatchObject([{ leader: "Mumbai", text: "Item 2: hiring (postponed to May)" }])
    expect(columnVerdict(shownOutcome(deletion.run!, "vv"), deletion.run!.resolutions)).toEqual({ text: "1 version discarded by a person", tone: "warn" })
    const edit = resolve(load(), "Item 2: hiring (postponed to May)", "Mumbai")
    expect(edit.run!.resolutions[0].discarded).toMatchObject([{ leader: "Delhi", deleted: true }])
    const merged = resolve(load(), "Item 2: postponed", null)
    expect(merged.run!.resolutions[0].discarded).toEqual([])
    expect(columnVerdict(shownOutcome(merged.run!, "vv"), merged.run!.resolutions)).toEqual({ text: "Kept every edit", tone: "good" })
  })

  it("adds a third leader who sees the shared document, and starts over", () => {
    let state = typeAt(emptyLab(), "Delhi", 0, "!", 500)
    state = labReducer(state, { type: "add-leader", name: "Chennai" })
    expect(docText(state.docs.Chennai)).toBe(docText(state.docs.Delhi))
    state = labReducer(state, { type: "start-over", now: 9000 })
    expect(state.scenario.events).toEqual([])
    expect(state.scenario.leaders.map(l => l.name)).toEqual(["Delhi", "Mumbai", "Chennai"])
    expect(docText(state.docs.Chennai)).toBe("Breaking: PM speaks at 5 PM\nReporters are gathering at the press club.")
  })

  it("loads every built-in scenario", () => {
    builtInScenarios.forEach((scenario, index) => {
      const state = labReducer(initialLabState(), { type: "load", scenario, source: { kind: "built-in", index }, now: 0 })
      expect(state.error).toBeNull()
      for (const leader of scenario.leaders) expect(docText(state.docs[leader.name])).toBe(state.run!.outcomes.ot.finalTexts[leader.name])
    })
  })
})
