const storageKey = "concord:offline"

function readAll(): string[] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(storageKey) ?? "[]")
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id == "string") : []
  } catch {
    return []
  }
}

/**
 * Whether this tab chose to work offline on document `docId` ("Work offline"): the choice outlives a
 * reload of the tab (sessionStorage), not the tab.
 */
export function offlineChosen(docId: string): boolean {
  return readAll().includes(docId)
}

/** Remember this tab's choice to work offline on `docId`, or to be online again. */
export function chooseOffline(docId: string, offline: boolean): void {
  const others = readAll().filter(id => id != docId)
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(offline ? [...others, docId] : others))
  } catch {
    // The choice then lasts until the page reloads.
  }
}
