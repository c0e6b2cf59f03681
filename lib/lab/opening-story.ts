import type { ScenarioEvent } from "../strategies"

/**
 * The short concurrent story the lab's recording opens with, on the shared headline's document: both
 * leaders edit the headline while the network is split, and both type at its end, so that a run at once
 * shows where the strategies part ways. Start over gives an empty recording instead.
 */
export const openingStory: { description: string; events: readonly ScenarioEvent[] } = {
  description: "A short story to start from: while the network is split, Delhi makes the headline's \"5 PM\" \"5:30 PM\" and adds \" today\"; " +
    "Mumbai puts \"Live: \" in front and adds \" in Parliament\" at the same end. Then the network heals. " +
    "Run it to compare the strategies, type to record more, or start over with nothing recorded.",
  events: [
    { at: 1000, partition: true },
    { at: 2000, leader: "Delhi", edit: { type: "replaceText", block: "b1", from: 24, to: 24, text: ":30" } },
    { at: 3000, leader: "Mumbai", edit: { type: "replaceText", block: "b1", from: 0, to: 0, text: "Live: " } },
    { at: 4000, leader: "Delhi", edit: { type: "replaceText", block: "b1", from: 30, to: 30, text: " today" } },
    { at: 5000, leader: "Mumbai", edit: { type: "replaceText", block: "b1", from: 33, to: 33, text: " in Parliament" } },
    { at: 7000, heal: true }
  ]
}
