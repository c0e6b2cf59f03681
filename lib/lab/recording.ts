import { insertedBlockId, startBlockIds, type Edit, type ReplaceTextEdit, type Scenario, type ScenarioEvent } from "../strategies"

/**
 * Consecutive keystrokes of one leader in one block, at most this far apart (ms), make one edit,
 * as a person's typing burst: the scenario then counts edits, not keys.
 */
export const typingBurstMs = 2000

/** True when the scenario ends with the network split. */
export function isSplit(scenario: Scenario): boolean {
  let split = false
  for (const event of scenario.events) {
    if ("partition" in event) split = true
    else if ("heal" in event) split = false
  }
  return split
}

/** The time of the scenario's last event, or 0 when it has none. */
export function lastEventAt(scenario: Scenario): number {
  return scenario.events.length ? scenario.events[scenario.events.length - 1].at : 0
}

/**
 * One replaceText edit doing what `first` then `second` do to a block, when `second` touches the
 * text `first` wrote (inside it, or right at one of its ends); otherwise null.
 */
export function combineTextEdits(first: ReplaceTextEdit, second: ReplaceTextEdit): ReplaceTextEdit | null {
  if (first.block !== second.block) return null
  const written = first.from + first.text.length
  if (second.from > written || second.to < first.from) return null
  const start = Math.min(first.from, second.from)
  const end = first.to + Math.max(0, second.to - written)
  // The block's text between `start` and the end of the region, as `first` left it, with `second` applied.
  const head = first.text.slice(0, Math.max(0, second.from - first.from))
  const tail = first.text.slice(Math.max(0, second.to - first.from))
  return { type: "replaceText", block: first.block, from: start, to: end, text: head + second.text + tail }
}

/**
 * The scenario with a leader's edits (made by one change, at one instant) appended at scenario time
 * `at`, which must not be before the last event. A single text edit continuing the same leader's
 * previous edit, when that is the scenario's last event and at most `typingBurstMs` older, is merged
 * into it, so that typing a word is one edit.
 */
export function recordEdits(scenario: Scenario, leader: string, edits: readonly Edit[], at: number): Scenario {
  if (at < lastEventAt(scenario)) throw new RangeError(`Edit at ${at} comes before the scenario's last event at ${lastEventAt(scenario)}`)
  if (!scenario.leaders.some(l => l.name == leader)) throw new RangeError(`No leader ${leader} in the scenario`)
  if (edits.length == 0) return scenario
  const last = scenario.events[scenario.events.length - 1]
  if (edits.length == 1 && edits[0].type == "replaceText" && last && "edit" in last && last.leader == leader && last.edit.type == "replaceText" &&
      at - last.at <= typingBurstMs && !sameInstantAsPrevious(scenario)) {
    const combined = combineTextEdits(last.edit, edits[0])
    if (combined) return { ...scenario, events: [...scenario.events.slice(0, -1), { at, leader, edit: combined }] }
  }
  return { ...scenario, events: [...scenario.events, ...edits.map(edit => ({ at, leader, edit: structuredClone(edit) }))] }
}

// True when the last event shares its instant with the one before (one change made several edits): it is not merged into.
function sameInstantAsPrevious(scenario: Scenario): boolean {
  const n = scenario.events.length
  return n > 1 && scenario.events[n - 2].at == scenario.events[n - 1].at
}

/** The scenario with the network split (`partition`) or healed at `at`; unchanged when it already is so. */
export function recordNetwork(scenario: Scenario, change: "partition" | "heal", at: number): Scenario {
  if (at < lastEventAt(scenario)) throw new RangeError(`Network change at ${at} comes before the scenario's last event at ${lastEventAt(scenario)}`)
  if ((change == "partition") == isSplit(scenario)) return scenario
  const event: ScenarioEvent = change == "partition" ? { at, partition: true } : { at, heal: true }
  return { ...scenario, events: [...scenario.events, event] }
}

/** The scenario with `leader`'s clock running `clockSkewMs` ahead of real time (negative: behind). */
export function withClockSkew(scenario: Scenario, leader: string, clockSkewMs: number): Scenario {
  if (!scenario.leaders.some(l => l.name == leader)) throw new RangeError(`No leader ${leader} in the scenario`)
  return { ...scenario, leaders: scenario.leaders.map(l => (l.name == leader ? { ...l, clockSkewMs } : l)) }
}

/** The scenario with one more leader, who makes no edit until now and whose clock is right. */
export function withLeader(scenario: Scenario, name: string): Scenario {
  if (scenario.leaders.some(l => l.name == name)) throw new RangeError(`Leader ${name} is already in the scenario`)
  return { ...scenario, leaders: [...scenario.leaders, { name, clockSkewMs: 0 }] }
}

/** The scenario without `name`, who must have made no edit. */
export function withoutLeader(scenario: Scenario, name: string): Scenario {
  if (scenario.events.some(e => "leader" in e && e.leader == name)) throw new RangeError(`Leader ${name} has made edits`)
  return { ...scenario, leaders: scenario.leaders.filter(l => l.name != name) }
}

/** Every block id the scenario has used: the starting document's and every inserted block's, deleted or not. */
export function usedBlockIds(scenario: Scenario): Set<string> {
  const ids = new Set(startBlockIds(scenario))
  scenario.events.forEach((event, i) => { if ("edit" in event && event.edit.type == "insertBlock") ids.add(insertedBlockId(scenario, i)) })
  return ids
}

/** A block id for a new block of `leader`'s, "<leader>-<n>", that is in none of `taken`. */
export function newBlockIdFor(leader: string, taken: ReadonlySet<string>): string {
  const slug = leader.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "leader"
  let n = 1
  while (taken.has(`${slug}-${n}`)) n++
  return `${slug}-${n}`
}

/** A fresh scenario to record into: `from`'s starting document, leaders and start time, no events. */
export function freshRecording(from: Scenario, name: string, description: string): Scenario {
  return {
    name, description, ...(from.startTime ? { startTime: from.startTime } : {}),
    start: structuredClone(from.start), leaders: structuredClone(from.leaders), events: []
  }
}
