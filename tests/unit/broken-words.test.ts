import { describe, expect, it } from "vitest"
import { columnVerdict } from "../../lib/lab"
import { EditKnowledge, findBrokenWords, runAll, strategyNames, type Outcome, type Scenario, type ScenarioEvent } from "../../lib/strategies"
import { handMadeSurvivors, type SurvivorPiece } from "../support/hand-made-survivors"

const leaders = [{ name: "Delhi", clockSkewMs: 0 }, { name: "Mumbai", clockSkewMs: 0 }, { name: "Chennai", clockSkewMs: 0 }]

function typing(at: number, leader: string, from: number, text: string): ScenarioEvent {
  return { at, leader, edit: { type: "replaceText", block: "b1", from, to: from, text } }
}

/** Broken words in a hand-made result (see handMadeSurvivors). */
function brokenIn(events: ScenarioEvent[], ...texts: SurvivorPiece[][]) {
  return findBrokenWords(handMadeSurvivors(leaders, events, ...texts))
}

// Delhi types "Mumbai desk" (event 1) while Mumbai, cut off, types "(Delhi)" at the same point (event 2).
const split: ScenarioEvent[] = [{ at: 0, partition: true }, typing(1000, "Delhi", 0, "Mumbai desk"), typing(2000, "Mumbai", 0, "(Delhi)"), { at: 3000, heal: true }]

describe("words broken", () => {
  it("counts a word with another's characters inside it, and shows how it came out", () => {
    expect(brokenIn(split, [[1, 0, 1], [2, 0, 7], [1, 1, 11], "Hello"])).toEqual([
      { event: 1, leader: "Delhi", word: "Mumbai", shownAs: "M(Delhi)umbai" }
    ])
  })

  it("counts a word once, however many texts break it", () => {
    const broken = [[1, 0, 3], [2, 0, 1], [1, 3, 11]] as [number, number, number][]
    expect(brokenIn(split, broken, broken, [[1, 0, 11], [2, 0, 7]])).toHaveLength(1)
  })

  it("counts nothing when every word came out whole, even side by side with another edit's", () => {
    expect(brokenIn(split, [[2, 0, 7], [1, 0, 11], "Hello"])).toEqual([])
    expect(brokenIn(split, [[1, 0, 11], [2, 0, 7], "Hello"])).toEqual([])
    // Between two words of one edit, at its space, another edit's text breaks neither.
    expect(brokenIn(split, [[1, 0, 6], [2, 0, 7], [1, 6, 11], "Hello"])).toEqual([])
  })

  it("leaves a word deleted on purpose or lost to the loss count: all gone, or the rest together", () => {
    expect(brokenIn(split, [[2, 0, 7], "Hello"])).toEqual([])
    expect(brokenIn(split, [[1, 0, 2], [1, 4, 11], [2, 0, 7], "Hello"])).toEqual([])
    expect(brokenIn(split, [[1, 0, 1], [2, 0, 7], "Hello"])).toEqual([])
  })

  it("counts text of the starting document inside a typed word", () => {
    expect(brokenIn(split, [[1, 0, 2], "H", [1, 2, 11], [2, 0, 7], "ello"])).toMatchObject([{ word: "Mumbai", shownAs: "MuHmbai" }])
  })

  it("does not count text typed inside a word by someone who had seen it, but does when they had not", () => {
    const connected: ScenarioEvent[] = [typing(1000, "Delhi", 5, " wrld"), typing(5000, "Mumbai", 7, "o")]
    expect(brokenIn(connected, ["Hello", [0, 0, 2], [1, 0, 1], [0, 2, 5]])).toEqual([])
    const concurrent: ScenarioEvent[] = [{ at: 0, partition: true }, typing(1000, "Delhi", 5, " wrld"), typing(5000, "Mumbai", 7, "o")]
    expect(brokenIn(concurrent, ["Hello", [1, 0, 2], [2, 0, 1], [1, 2, 5]])).toMatchObject([{ word: "wrld", shownAs: "world" }])
  })
})

describe("which edits an edit had seen", () => {
  it("follows the replay: everything at each connected instant, only one's own while split, everything again at the heal", () => {
    const knowledge = new EditKnowledge({
      name: "k", description: "", start: ["Hello"], leaders,
      events: [
        typing(1000, "Delhi", 0, "a"), typing(1000, "Mumbai", 0, "b"), typing(2000, "Chennai", 0, "c"),
        { at: 3000, partition: true }, typing(4000, "Delhi", 0, "d"), typing(5000, "Mumbai", 0, "e"), typing(6000, "Delhi", 0, "f"),
        { at: 7000, heal: true }, typing(8000, "Mumbai", 0, "g")
      ]
    })
    expect([knowledge.saw(1, 0), knowledge.saw(0, 1), knowledge.saw(2, 0), knowledge.saw(2, 1)]).toEqual([false, false, true, true])
    expect([knowledge.saw(5, 4), knowledge.saw(6, 4), knowledge.saw(6, 5), knowledge.saw(4, 2)]).toEqual([false, true, false, true])
    expect([knowledge.saw(8, 4), knowledge.saw(8, 6), knowledge.saw(4, 8)]).toEqual([true, true, false])
  })
})

describe("every strategy's outcome", () => {
  // Three leaders type words at the same point of the headline: at one connected instant, then while split.
  const samePoint: Scenario = {
    name: "same point", description: "", start: ["Breaking: PM speaks"], leaders,
    events: [
      typing(1000, "Delhi", 19, " now"), typing(1000, "Mumbai", 19, " live"), typing(1000, "Chennai", 19, " here"),
      { at: 2000, partition: true },
      typing(3000, "Delhi", 0, "Delhi "), typing(3500, "Mumbai", 0, "Mumbai "), typing(4000, "Chennai", 0, "Chennai "), typing(4500, "Delhi", 6, "says "),
      { at: 6000, heal: true }
    ]
  }

  it("carries the broken words, counted by one rule: none of today's strategies interleaves a word typed by one edit", () => {
    const outcomes = runAll(samePoint)
    for (const name of strategyNames) {
      const outcome = outcomes[name]
      expect(outcome.wordsBroken, name).toBe(outcome.broken.length)
      expect(outcome.broken, name).toEqual([])
    }
    // Concurrent typing did meet at one point: the OT and CRDT results hold every leader's words side by side.
    for (const name of ["ot", "crdt"] as const) {
      const [headline] = outcomes[name].finalTexts.Delhi.split("\n")
      for (const word of ["Delhi", "says", "Mumbai", "Chennai", "now", "live", "here"]) expect(headline, name).toContain(word)
    }
  })
})

describe("a column's verdict", () => {
  const kept: Outcome = {
    strategy: "ot", finalTexts: { Delhi: "M(Delhi)umbai", Mumbai: "M(Delhi)umbai" }, converged: true, charsLost: 0, editsLost: 0, lost: [],
    wordsBroken: 0, broken: [], wordsSpliced: 0, spliced: [], overwritten: [], conflicts: [], log: []
  }
  const broken = [{ event: 1, leader: "Delhi", word: "Mumbai", shownAs: "M(Delhi)umbai" }]

  it("says every edit was kept only when nothing was lost and no word is broken", () => {
    expect(columnVerdict(kept)).toEqual({ text: "Kept every edit", tone: "good" })
    expect(columnVerdict({ ...kept, wordsBroken: 1, broken })).toEqual({ text: "1 word broken", tone: "warn" })
    expect(columnVerdict({ ...kept, wordsBroken: 2, broken: [...broken, ...broken] })).toEqual({ text: "2 words broken", tone: "warn" })
  })

  it("puts lost characters, conflicts and leaders that differ before broken words", () => {
    const both = { ...kept, wordsBroken: 1, broken, charsLost: 3, editsLost: 1 }
    expect(columnVerdict(both)).toEqual({ text: "Lost 3 characters", tone: "bad" })
    expect(columnVerdict({ ...both, conflicts: [{ block: "b1", versions: [] }] }).text).toBe("1 conflict to resolve")
    expect(columnVerdict({ ...both, converged: false }).text).toBe("Leaders differ")
  })
})
