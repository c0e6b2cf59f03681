import type { Scenario } from "./scenario"

/**
 * Which edits each edit of a scenario had seen when its leader made it, under the replay's network
 * rules (replay.ts): a leader knows their own edits at once and everyone's at each sync, that is after
 * every instant while connected and at a heal. Knowledge is kept as a count of each leader's edits
 * known, since a sync hands over all of a leader's edits so far.
 */
export class EditKnowledge {
  // For each edit event: the leader, its rank among that leader's edits, and what its leader knew then.
  private readonly edits = new Map<number, { leader: string; rank: number; known: Map<string, number> }>()

  constructor(scenario: Scenario) {
    const known = new Map(scenario.leaders.map(l => [l.name, new Map<string, number>()]))
    const made = new Map<string, number>()
    const syncAll = () => {
      const all = new Map(made)
      for (const leader of known.keys()) known.set(leader, new Map(all))
    }
    let partitioned = false
    scenario.events.forEach((event, index) => {
      if ("partition" in event) partitioned = true
      else if ("heal" in event) {
        partitioned = false
        syncAll()
      } else {
        const rank = made.get(event.leader) ?? 0
        this.edits.set(index, { leader: event.leader, rank, known: new Map(known.get(event.leader)) })
        made.set(event.leader, rank + 1)
        known.get(event.leader)!.set(event.leader, rank + 1)
        const next = scenario.events[index + 1]
        if (!partitioned && (!next || next.at != event.at)) syncAll()
      }
    })
  }

  /** True when edit event `later`'s leader had seen edit event `earlier` before making it. */
  saw(later: number, earlier: number): boolean {
    const a = this.edits.get(later), b = this.edits.get(earlier)
    if (!a || !b) return false
    return (a.known.get(b.leader) ?? 0) > b.rank
  }
}
