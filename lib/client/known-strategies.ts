import { strategyName, type StrategyName } from "../protocol/strategies"

const storageKey = "concord:strategies"

function readAll(): Record<string, unknown> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey) ?? "{}")
    return stored && typeof stored == "object" && !Array.isArray(stored) ? stored as Record<string, unknown> : {}
  } catch {
    return {}
  }
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
  if (all[docId] == strategy) return
  try {
    localStorage.setItem(storageKey, JSON.stringify({ ...all, [docId]: strategy }))
  } catch {
    // The page then learns the strategy from the hub, as on a first visit.
  }
}
