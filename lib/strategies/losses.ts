import type { CharOrigins } from "./char-origins"
import { eventLeader, type Scenario } from "./scenario"
import type { LostEdit } from "./strategy"

/** What the loss count looks at, all in the traced scenario's characters (char-origins.ts). */
export interface LossInput {
  scenario: Scenario
  origins: CharOrigins
  /** Texts whose characters survive: every leader's final document and every version waiting in a conflict. */
  survivors: readonly string[]
  /** For each edit that applied, the text it removed from its leader's document as that leader saw it then. */
  removed: ReadonlyMap<number, string>
  /** Why a strategy lost an edit's characters, where it knows (a discarded write, a dropped step, an edit that no longer applied). */
  reasons: ReadonlyMap<number, string>
}

/** The reason given for lost characters when the strategy gave none. */
export const silentRemoval = "removed by a concurrent change that had not seen it"

/**
 * The counting rule, the same for every strategy. Each character an edit types is traced on its own.
 * It survives when it is in some leader's final document or in a version waiting in a conflict for a
 * person; it was deliberately deleted when some edit removed it from its leader's document, that is
 * a leader who saw it took it out. Any other typed character is lost. `charsLost` counts lost
 * characters, `editsLost` the edits with at least one; text of the starting document is not counted.
 * Because characters are traced rather than searched for, repeated text ("5" typed twice) is told
 * apart, and text deleted on purpose is never counted as lost.
 */
export function findLostEdits(input: LossInput): LostEdit[] {
  const present = new Set<string>()
  for (const text of input.survivors) for (const char of text) present.add(char)
  for (const text of input.removed.values()) for (const char of text) present.add(char)
  const lostByEvent = new Map<number, string>()
  for (const char of input.origins.all) {
    if (present.has(char)) continue
    const { event } = input.origins.origin(char)!
    lostByEvent.set(event, (lostByEvent.get(event) ?? "") + char)
  }
  return [...lostByEvent].map(([event, chars]) => ({
    event,
    leader: eventLeader(input.scenario, event),
    lostText: input.origins.restore(chars),
    reason: input.reasons.get(event) ?? silentRemoval
  }))
}
