import { strategyName, type StrategyName } from "../protocol/strategies"
import { documentsWithLinks } from "./stored-links"

const storageKey = "concord:recent"
/** How many documents whose links this browser does not hold the list keeps (those it holds links for all stay). */
export const maxLinklessEntries = 30

/** A document this browser opened or created, as listed on the home page and the documents page. */
export interface RecentDocument {
  id: string
  /** The document's title (else its first line of text) when last seen, or "" when it had neither. */
  title: string
  /** When it was last opened, ms since the epoch. */
  openedAt: number
  /** Its strategy, once known. */
  strategy?: StrategyName
  /** True when this browser created it. */
  created?: boolean
}

function isEntry(value: unknown): value is RecentDocument {
  const v = value as Partial<RecentDocument> | null
  return !!v && typeof v.id == "string" && typeof v.title == "string" && typeof v.openedAt == "number" &&
    (v.strategy === undefined || strategyName.safeParse(v.strategy).success) && (v.created === undefined || typeof v.created == "boolean")
}

/** The documents this browser opened, most recent first. */
export function listRecentDocuments(): RecentDocument[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey) ?? "[]")
    return Array.isArray(stored) ? stored.filter(isEntry).sort((a, b) => b.openedAt - a.openedAt) : []
  } catch {
    return []
  }
}

/**
 * Record that document `id` is open now, or was just created here; what `seen` gives replaces what was
 * stored. The list keeps every document whose links this browser holds, so that none it can still open
 * (an owner link above all) drops out of sight, and the 30 most recent of the others.
 */
export function rememberDocument(id: string, seen: { title?: string; strategy?: StrategyName; created?: boolean } = {}): void {
  const entries = listRecentDocuments()
  const earlier = entries.find(e => e.id == id)
  const entry: RecentDocument = { ...earlier, ...definedOnly(seen), id, title: seen.title ?? earlier?.title ?? "", openedAt: Date.now() }
  const linked = documentsWithLinks()
  let linkless = 0
  const next = [entry, ...entries.filter(e => e.id != id)].filter(e => linked.has(e.id) || ++linkless <= maxLinklessEntries)
  try {
    localStorage.setItem(storageKey, JSON.stringify(next))
  } catch {
    // A full or disabled storage only costs the home page its list.
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Remove document `id` from the list. */
export function forgetDocument(id: string): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(listRecentDocuments().filter(e => e.id != id)))
  } catch {
    // Nothing to do when storage is unavailable.
  }
}
