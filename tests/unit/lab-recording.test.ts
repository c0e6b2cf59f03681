import { describe, expect, it } from "vitest"
import {
  combineTextEdits, isSplit, newBlockIdFor, recordEdits, recordNetwork, typingBurstMs, usedBlockIds, withClockSkew, withLeader, withoutLeader
} from "../../lib/lab"
import { applyEdit, docText, startDocument, validateScenario, type Edit, type ReplaceTextEdit, type Scenario } from "../../lib/strategies"

const empty: Scenario = {
  name: "recording", description: "", start: ["Breaking: PM speaks at 5 PM", "Second."],
  leaders: [{ name: "Delhi", clockSkewMs: 0 }, { name: "Mumbai", clockSkewMs: 0 }], events: []
}

const text = (block: string, from: number, to: number, inserted: string): ReplaceTextEdit => ({ type: "replaceText", block, from, to, text: inserted })

// The block's text after applying edits one by one.
function replay(start: string, edits: readonly ReplaceTextEdit[]): string {
  let doc = startDocument({ ...empty, start: [start] })
  for (const edit of edits) {
    const result = applyEdit(doc, edit, "")
    if (!result.ok) throw new Error(result.reason)
    doc = result.tr.doc
  }
  return docText(doc)
}

describe("combineTextEdits", () => {
  const cases: [string, ReplaceTextEdit, ReplaceTextEdit][] = [
    ["typing on", text("b1", 3, 3, "ab"), text("b1", 5, 5, "c")],
    ["a typo fixed", text("b1", 3, 3, "abx"), text("b1", 5, 6, "")],
    ["backspace past the start", text("b1", 3, 3, "ab"), text("b1", 2, 5, "")],
    ["deleting on forwards", text("b1", 3, 5, ""), text("b1", 3, 4, "")],
    ["overwriting more than was typed", text("b1", 3, 4, "XY"), text("b1", 4, 7, "Z")],
    ["typing at the start of what was typed", text("b1", 3, 3, "ab"), text("b1", 3, 3, "c")]
  ]
  for (const [name, first, second] of cases) {
    it(`merges ${name} into one edit with the same result`, () => {
      const combined = combineTextEdits(first, second)
      expect(combined).not.toBeNull()
      expect(replay("0123456789", [combined!])).toBe(replay("0123456789", [first, second]))
    })
  }

  it("keeps apart edits elsewhere in the block or in another block", () => {
    expect(combineTextEdits(text("b1", 3, 3, "ab"), text("b1", 7, 7, "c"))).toBeNull()
    expect(combineTextEdits(text("b1", 3, 3, "ab"), text("b1", 0, 1, ""))).toBeNull()
    expect(combineTextEdits(text("b1", 3, 3, "ab"), text("b2", 3, 3, "c"))).toBeNull()
  })
})

describe("recordEdits", () => {
  it("merges a leader's keystrokes into one edit, stamped with the last", () => {
    let s = recordEdits(empty, "Delhi", [text("b1", 24, 24, ":")], 1000)
    s = recordEdits(s, "Delhi", [text("b1", 25, 25, "3")], 1200)
    s = recordEdits(s, "Delhi", [text("b1", 26, 26, "0")], 1400)
    expect(s.events).toEqual([{ at: 1400, leader: "Delhi", edit: text("b1", 24, 24, ":30") }])
  })

  it("starts a new edit after a pause, another leader's edit, a network change or a second edit in one change", () => {
    let s = recordEdits(empty, "Delhi", [text("b1", 0, 0, "a")], 1000)
    s = recordEdits(s, "Delhi", [text("b1", 1, 1, "b")], 1000 + typingBurstMs + 1)
    expect(s.events).toHaveLength(2)
    s = recordEdits(s, "Mumbai", [text("b1", 2, 2, "c")], 5000)
    s = recordEdits(s, "Delhi", [text("b1", 3, 3, "d")], 5001)
    expect(s.events).toHaveLength(4)
    s = recordNetwork(s, "partition", 5002)
    s = recordEdits(s, "Delhi", [text("b1", 4, 4, "e")], 5003)
    expect(s.events).toHaveLength(6)
    const split: Edit[] = [{ type: "insertBlock", after: "b1", text: "", id: "delhi-1" }, text("b1", 5, 5, "")]
    s = recordEdits(s, "Delhi", split, 5004)
    s = recordEdits(s, "Delhi", [text("b1", 5, 5, "f")], 5005)
    expect(s.events).toHaveLength(9)
    expect(validateScenario(s).ok).toBe(true)
  })

  it("refuses an edit before the last event and an unknown leader", () => {
    const s = recordEdits(empty, "Delhi", [text("b1", 0, 0, "a")], 1000)
    expect(() => recordEdits(s, "Delhi", [text("b1", 0, 0, "a")], 999)).toThrow(RangeError)
    expect(() => recordEdits(s, "Chennai", [text("b1", 0, 0, "a")], 2000)).toThrow(RangeError)
  })
})

describe("the network and the leaders", () => {
  it("records a split and a heal, once each", () => {
    let s = recordNetwork(empty, "partition", 10)
    expect(isSplit(s)).toBe(true)
    expect(recordNetwork(s, "partition", 20)).toBe(s)
    s = recordNetwork(s, "heal", 30)
    expect(isSplit(s)).toBe(false)
    expect(s.events).toEqual([{ at: 10, partition: true }, { at: 30, heal: true }])
    expect(recordNetwork(s, "heal", 40)).toBe(s)
  })

  it("sets a clock skew and adds or removes a leader", () => {
    let s = withClockSkew(empty, "Mumbai", -300_000)
    expect(s.leaders[1]).toEqual({ name: "Mumbai", clockSkewMs: -300_000 })
    s = withLeader(s, "Chennai")
    expect(s.leaders.map(l => l.name)).toEqual(["Delhi", "Mumbai", "Chennai"])
    expect(() => withLeader(s, "Chennai")).toThrow(RangeError)
    expect(withoutLeader(s, "Chennai").leaders).toHaveLength(2)
    s = recordEdits(s, "Chennai", [text("b1", 0, 0, "x")], 1)
    expect(() => withoutLeader(s, "Chennai")).toThrow(RangeError)
  })

  it("gives new blocks ids that no block of the scenario had, deleted ones included", () => {
    let s = recordEdits(empty, "Delhi", [{ type: "insertBlock", after: "b1", text: "x", id: "delhi-1" }], 1)
    s = recordEdits(s, "Delhi", [{ type: "deleteBlock", block: "delhi-1" }], 2)
    const used = usedBlockIds(s)
    expect([...used]).toEqual(["b1", "b2", "delhi-1"])
    expect(newBlockIdFor("Delhi", used)).toBe("delhi-2")
    expect(newBlockIdFor("New Delhi!", used)).toBe("new-delhi-1")
  })
})
