import { readStored, writeStored } from "./stored-json"

const storageKey = "concord:offline"
const session = () => sessionStorage

function readAll(): string[] {
  const stored = readStored(session, storageKey)
  return Array.isArray(stored) ? stored.filter((id): id is string => typeof id == "string") : []
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
  // Storage that refuses: the choice then lasts until the page reloads.
  writeStored(session, storageKey, offline ? [...others, docId] : others)
}
