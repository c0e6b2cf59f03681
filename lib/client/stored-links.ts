import type { LinkTokens, Role } from "../protocol/messages"
import { asRecord, readStored, writeStored } from "./stored-json"

const storageKey = "concord:links"

/** The link tokens this browser holds for one document, by role; a role it never received is absent. */
export type StoredLinks = Partial<LinkTokens>

/** The roles from the most to the least capable: the order in which a page tries the tokens it holds. */
export const rolesByReach: readonly Role[] = ["owner", "edit", "view"]

const local = () => localStorage

function readAll(): Record<string, StoredLinks> {
  return asRecord(readStored(local, storageKey)) as Record<string, StoredLinks>
}

function writeAll(all: Record<string, StoredLinks>): boolean {
  return writeStored(local, storageKey, all)
}

/** The documents this browser holds a link token for, read in one go. */
export function documentsWithLinks(): Set<string> {
  const all = readAll()
  return new Set(Object.keys(all).filter(docId => rolesByReach.some(role => typeof all[docId]?.[role] == "string")))
}

/** The tokens this browser holds for document `docId` (only strings survive a tampered storage). */
export function storedLinks(docId: string): StoredLinks {
  const entry = readAll()[docId]
  const links: StoredLinks = {}
  for (const role of rolesByReach) if (typeof entry?.[role] == "string") links[role] = entry[role]
  return links
}

/**
 * Keep the given tokens of document `docId`; a null token forgets that role's link. Returns false
 * when the browser's storage refused (private mode, quota), so that the caller keeps the link in the address.
 */
export function storeLinks(docId: string, links: { [R in Role]?: string | null }): boolean {
  const all = readAll()
  const entry = { ...storedLinks(docId) }
  for (const role of rolesByReach) {
    const token = links[role]
    if (token === null) delete entry[role]
    else if (token !== undefined) entry[role] = token
  }
  if (Object.keys(entry).length) all[docId] = entry
  else delete all[docId]
  return writeAll(all)
}

/** Forget `token` of document `docId`, whichever role it was kept under (the hub no longer accepts it). */
export function forgetToken(docId: string, token: string): void {
  const links = storedLinks(docId)
  const role = rolesByReach.find(r => links[r] == token)
  if (role) storeLinks(docId, { [role]: null })
}
