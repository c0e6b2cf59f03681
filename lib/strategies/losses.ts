import type { CharOrigins } from "./char-origins"
import { eventLeader, type Scenario } from "./scenario"
import type { LostEdit } from "./strategy"

/** What the loss count looks at, all in the traced scenario's characters (char-origins.ts). */
export interface LossInput {
  scenario: Scenario
  origins: CharOrigins
  /** Texts whose characters survive: every leader's final document and every version waiting in a conflict. */
  survivors: readonly string[]
  /** Every leader's final document. */
  finals: readonly string[]
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
 * characters; text of the starting document is not counted. Because characters are traced rather
 * than searched for, repeated text ("5" typed twice) is told apart, and text deleted on purpose is
 * never counted as lost.
 *
 * A deletion is lost too: an edit the strategy discarded (a write that lost, a dropped step) whose
 * removed text is back whole in a leader's final document has its deletion undone, though it typed
 * nothing. `editsLost` counts the edits with lost characters or an undone deletion.
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
  const undone = undoneDeletions(input)
  const events = [...new Set([...lostByEvent.keys(), ...undone.keys()])].sort((a, b) => a - b)
  return events.map(event => ({
    event,
    leader: eventLeader(input.scenario, event),
    lostText: input.origins.restore(lostByEvent.get(event) ?? ""),
    ...(undone.has(event) ? { undone: input.origins.restore(undone.get(event)!) } : {}),
    reason: input.reasons.get(event) ?? silentRemoval
  }))
}

/**
 * The discarded edits whose removed text is back: each such edit's removed text, by event. The text
 * must be whole in some final document; text of the starting document is not traced, so the check
 * is on the text, and a discarded deletion of text that someone else removed too is not undone.
 */
function undoneDeletions(input: LossInput): Map<number, string> {
  const undone = new Map<number, string>()
  for (const event of input.reasons.keys()) {
    const removed = input.removed.get(event)
    if (removed && input.finals.some(text => text.includes(removed))) undone.set(event, removed)
  }
  return undone
}
