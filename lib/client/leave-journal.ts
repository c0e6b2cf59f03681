import type { UnconfirmedWork } from "../ot/sync-client"
import type { DocJSON } from "../protocol/messages"
import type { LeaderRecord, LocalStore } from "./local-store"
import { readStored, writeStored } from "./stored-json"

/**
 * What a page going away writes, synchronously, of a leader whose latest work IndexedDB does not hold
 * yet: its record, its whole work, and its confirmed document when the stored copy is at another
 * version. IndexedDB writes are asynchronous, and a tab closed the instant after a keystroke ("Leave
 * site?" confirmed at once) takes the write under way with it, its storage worker too; localStorage
 * writes before `pagehide` returns. The next page to open the document moves it into IndexedDB.
 */
export interface LeaveJournal {
  record: Omit<LeaderRecord, "work">
  work: UnconfirmedWork
  doc?: DocJSON
}

const prefix = "concord-leave:"

const local = () => localStorage

function keyOf(docId: string, clientId: string): string {
  return `${prefix}${docId}:${clientId}`
}

/** Write `journal` for its leader; false when the browser has no localStorage or refused it (its quota). */
export function writeJournal(journal: LeaveJournal): boolean {
  if (typeof localStorage == "undefined") return false
  return writeStored(local, keyOf(journal.record.docId, journal.record.clientId), journal)
}

/** Remove what a leader's journal held, once IndexedDB holds as much. */
export function clearJournal(docId: string, clientId: string): void {
  if (typeof localStorage == "undefined") return
  try {
    localStorage.removeItem(keyOf(docId, clientId))
  } catch {
    // Storage disabled: there is no journal either.
  }
}

/** The journals of document `docId`'s leaders that this browser holds. */
function journalsOf(docId: string): LeaveJournal[] {
  if (typeof localStorage == "undefined") return []
  const found: LeaveJournal[] = []
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)
      if (!key?.startsWith(`${prefix}${docId}:`)) continue
      const journal = readStored(local, key) as LeaveJournal | undefined
      if (journal?.record?.docId == docId && journal.work) found.push(journal)
    }
  } catch {
    // Storage disabled: nothing to move.
  }
  return found
}

/**
 * Move the journals of document `docId` into `store`, each unless the store holds a later write of its
 * leader, and remove them. A journal that cannot be stored stays for the next page to try.
 */
export async function importJournals(store: LocalStore, docId: string): Promise<void> {
  for (const journal of journalsOf(docId)) {
    const { docId, clientId } = journal.record
    try {
      await store.saveWork(journal.record, journal.work, journal.doc)
      clearJournal(docId, clientId)
    } catch {
      // Out of step with what is stored, or the store refused: the next page tries again.
    }
  }
}
