import type { LeaderLocks } from "./leader-locks"
import type { LocalStore, StoredLeader } from "./local-store"

/** A stored leader this tab holds the claim on, until `release`. */
export interface ClaimedLeader {
  stored: StoredLeader
  release(): void
}

/** What a tab opening a document found on this device. */
export interface DocumentClaim {
  /** The stored leader this tab continues as (the one with unsent edits first, else the newest copy), or null. */
  own: ClaimedLeader | null
  /** Other stored leaders with unsent edits whose tabs are gone: this tab sends their work, under their ids. */
  orphans: ClaimedLeader[]
  /** When `own` is null: the newest confirmed copy of a leader another tab holds, to show and catch up from. */
  seed: StoredLeader | null
}

/** The lock name of a stored leader. */
export function leaderLockName(docId: string, clientId: string): string {
  return `concord:leader:${docId}/${clientId}`
}

/**
 * Claim the stored leaders of `docId` whose tabs are gone. A leader is claimed by one tab at a time
 * (its lock, held for the tab's life), so that its work is sent once even when two tabs open the
 * document at the same moment: each tab gets the leaders the other did not. Other idle copies whose
 * tabs are gone are removed, so that reloads do not pile up copies.
 */
export async function claimDocument(store: LocalStore, locks: LeaderLocks, docId: string): Promise<DocumentClaim> {
  const records = (await store.leaders(docId)).sort((a, b) => Number(b.unsent > 0) - Number(a.unsent > 0) || b.version - a.version || b.savedAt - a.savedAt)
  const claim: DocumentClaim = { own: null, orphans: [], seed: null }
  for (const record of records) {
    const release = await locks.claim(leaderLockName(docId, record.clientId))
    if (!release) continue
    const stored = await store.load(docId, record.clientId)
    if (stored && !claim.own) claim.own = { stored, release }
    else if (stored && stored.record.unsent > 0) claim.orphans.push({ stored, release })
    else {
      // An idle copy beside the one this tab continues from is only an older copy: it goes.
      if (claim.own) await store.remove(docId, record.clientId)
      release()
    }
  }
  if (!claim.own && records.length) claim.seed = await store.load(docId, records.reduce((a, b) => (b.version > a.version ? b : a)).clientId)
  return claim
}
