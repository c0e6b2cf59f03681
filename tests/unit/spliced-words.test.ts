import { describe, expect, it } from "vitest"
import { columnVerdict } from "../../lib/lab"
import { findSplicedWords, runAll, type ScenarioEvent } from "../../lib/strategies"
import { handMadeSurvivors, type SurvivorPiece } from "../support/hand-made-survivors"
import { clockSkew, sharedHeadline } from "../../lib/strategies/scenarios"

const leaders = [{ name: "Delhi", clockSkewMs: 0 }, { name: "Mumbai", clockSkewMs: 0 }]

function typing(at: number, leader: string, from: number, text: string): ScenarioEvent {
  return { at, leader, edit: { type: "replaceText", block: "b1", from, to: from, text } }
}

/** Spliced words in a hand-made result (see handMadeSurvivors). */
function splicedIn(events: ScenarioEvent[], ...texts: SurvivorPiece[][]) {
  return findSplicedWords(handMadeSurvivors(leaders, events, ...texts))
}

// Delhi types "desk" (event 1) while Mumbai, cut off, types "top" (event 2); then Mumbai, having seen both, types "s" (event 4).
const split: ScenarioEvent[] = [{ at: 0, partition: true }, typing(1000, "Delhi", 0, "desk"), typing(2000, "Mumbai", 0, "top"), { at: 3000, heal: true }, typing(4000, "Mumbai", 0, "s")]

describe("words spliced", () => {
  it("counts a word made of two edits that had not seen each other, once however many texts show it", () => {
    const desktop: SurvivorPiece[] = [[1, 0, 4], [2, 0, 3], " Hello"]
    expect(splicedIn(split, desktop, desktop)).toEqual([{ word: "desktop", leaders: ["Delhi", "Mumbai"], events: [1, 2] }])
  })

  it("counts nothing for a word of one edit, of an edit and the starting text, or of an edit and one it had seen", () => {
    expect(splicedIn(split, [[1, 0, 4], " ", [2, 0, 3], " Hello"])).toEqual([])
    expect(splicedIn(split, [[1, 0, 4], "Hello"])).toEqual([])
    expect(splicedIn(split, [[1, 0, 4], [4, 0, 1], " Hello"])).toEqual([])
    // Whitespace an edit typed separates words like any other.
    expect(splicedIn([{ at: 0, partition: true }, typing(1000, "Delhi", 0, "desk "), typing(2000, "Mumbai", 0, "top")], [[1, 0, 5], [2, 0, 3]])).toEqual([])
  })

  it("finds what OT and Yjs make of two concurrent edits of one word, and that the other strategies make none", () => {
    const outcomes = runAll(sharedHeadline)
    expect(outcomes.ot.spliced).toEqual([{ word: "6:30", leaders: ["Delhi", "Mumbai"], events: [1, 2] }])
    expect(outcomes.crdt.spliced.map(w => w.word)).toEqual([":306"])
    for (const name of ["vv", "lww", "lww-doc"] as const) expect(outcomes[name].spliced, name).toEqual([])
    for (const outcome of Object.values(outcomes)) expect(outcome.wordsSpliced).toBe(outcome.spliced.length)
    expect(columnVerdict(outcomes.ot)).toEqual({ text: "1 word spliced", tone: "warn" })
    // The same edits one after the other, each seeing the last: "6:30" is then what was written.
    expect(runAll(clockSkew).ot.spliced).toEqual([])
  })
})
