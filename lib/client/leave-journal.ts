import type { UnconfirmedWork } from "../ot/sync-client"
import type { DocJSON } from "../protocol/messages"
import type { LeaderRecord, LocalStore } from "./local-store"
import { removeStored, storedUnder, writeStored } from "./stored-json"

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
  return writeStored(local, keyOf(journal.record.docId, journal.record.clientId), journal)
}

/** Remove what a leader's journal held, once IndexedDB holds as much. */
export function clearJournal(docId: string, clientId: string): void {
  removeStored(local, keyOf(docId, clientId))
}

/** The journals of document `docId`'s leaders that this browser holds. */
function journalsOf(docId: string): LeaveJournal[] {
  return storedUnder(local, `${prefix}${docId}:`).map(({ value }) => value as LeaveJournal | undefined)
    .filter((journal): journal is LeaveJournal => journal?.record?.docId == docId && !!journal.work)
}

/**
 * Move the journals of document `docId` into `store`, each unless the store holds a write of its leader
 * with the same serial or a later one, and remove them. A journal that cannot be stored stays for the
 * next page to try.
 */
export async function importJournals(store: LocalStore, docId: string): Promise<void> {
  for (const journal of journalsOf(docId)) {
    try {
      await store.saveWork(journal.record, journal.work, journal.doc)
      clearJournal(docId, journal.record.clientId)
    } catch {
      // Out of step with what is stored, or the store refused: the next page tries again.
    }
  }
}

const crdtPrefix = "concord-leave-crdt:"

/**
 * A CRDT document's leave journal: y-indexeddb writes each Yjs update as it happens, but asynchronously,
 * so a tab closed right after a keystroke writes what it changed since its stored copy was read (one
 * Yjs update, base64) under its own Yjs client id; false when localStorage refused it.
 */
export function writeCrdtJournal(docId: string, tab: number, update: string): boolean {
  return writeStored(local, `${crdtPrefix}${docId}:${tab}`, update)
}

/**
 * Take the CRDT leave journals of document `docId`: hand each update to `apply` (merging a Yjs update
 * twice changes nothing) and remove it.
 */
export function takeCrdtJournals(docId: string, apply: (update: string) => void): void {
  for (const { key, value } of storedUnder(local, `${crdtPrefix}${docId}:`)) {
    try {
      if (typeof value == "string") apply(value)
    } catch {
      // Not a Yjs update (written by something else): nothing to keep.
    }
    removeStored(local, key)
  }
}
