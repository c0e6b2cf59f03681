const storageKey = "concord:recent"
const maxEntries = 30

/** A document this browser opened, as listed on the home page. */
export interface RecentDocument {
  id: string
  /** The document's first line of text, or "" when it had none. */
  title: string
  /** When it was last opened, ms since the epoch. */
  openedAt: number
}

function isEntry(value: unknown): value is RecentDocument {
  const v = value as Partial<RecentDocument> | null
  return !!v && typeof v.id == "string" && typeof v.title == "string" && typeof v.openedAt == "number"
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
 * Record that document `id` is open now; `title` replaces the stored one when given. The list keeps
 * the 30 most recent documents.
 */
export function rememberDocument(id: string, title?: string): void {
  const entries = listRecentDocuments()
  const earlier = entries.find(e => e.id == id)
  const entry: RecentDocument = { id, title: title ?? earlier?.title ?? "", openedAt: Date.now() }
  const next = [entry, ...entries.filter(e => e.id != id)].slice(0, maxEntries)
  try {
    localStorage.setItem(storageKey, JSON.stringify(next))
  } catch {
    // A full or disabled storage only costs the home page its list.
  }
}

/** Remove document `id` from the list. */
export function forgetDocument(id: string): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(listRecentDocuments().filter(e => e.id != id)))
  } catch {
    // Nothing to do when storage is unavailable.
  }
}
