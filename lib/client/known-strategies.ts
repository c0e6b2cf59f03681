import { strategyName, type StrategyName } from "../protocol/strategies"
import { asRecord, readStored, writeStored } from "./stored-json"

const storageKey = "concord:strategies"
const local = () => localStorage

function readAll(): Record<string, unknown> {
  return asRecord(readStored(local, storageKey))
}

/**
 * The conflict strategy the hub served document `docId` under when this browser last joined it, or
 * null: what a page opening the document without the hub needs to pick its connection.
 */
export function knownStrategy(docId: string): StrategyName | null {
  const parsed = strategyName.safeParse(readAll()[docId])
  return parsed.success ? parsed.data : null
}

/** Remember the strategy of document `docId`. Storage that refuses only costs opening it offline. */
export function rememberStrategy(docId: string, strategy: StrategyName): void {
  const all = readAll()
  // Storage that refuses: the page then learns the strategy from the hub, as on a first visit.
  if (all[docId] != strategy) writeStored(local, storageKey, { ...all, [docId]: strategy })
}
