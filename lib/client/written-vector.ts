import type { IndexeddbPersistence } from "y-indexeddb"
import * as Y from "yjs"

/** The object store y-indexeddb writes each update to. */
const updatesStore = "updates"

/**
 * How much of a Yjs document y-indexeddb has written to IndexedDB, as a state vector: what a page going
 * away must journal is what came after it (see writeCrdtJournal), not everything since the page opened.
 *
 * y-indexeddb writes each update in a transaction of its own and says nothing once it commits. IndexedDB
 * runs transactions whose scopes overlap in the order they were created, so a read of the same store
 * started after an update completes only once that update's write has: `updated` starts such a read
 * (one at a time) and, when it completes, the vector the document had when the read started is written.
 */
export class WrittenVector {
  private probing = false
  private again = false
  private waiting: (() => void)[] = []

  /** `written`: the state vector of what the store already holds (the stored copy as read). */
  constructor(private readonly local: IndexeddbPersistence, private readonly ydoc: Y.Doc, private written: Uint8Array) {}

  /** The state vector of what IndexedDB holds, as far as this page knows. */
  get vector(): Uint8Array {
    return this.written
  }

  /** The document changed, and y-indexeddb has started writing it: take it in once that write completes. */
  updated(): void {
    if (this.probing) {
      this.again = true
      return
    }
    const db = this.local.db
    if (!db) return
    const vector = Y.encodeStateVector(this.ydoc)
    let read: IDBTransaction
    try {
      read = db.transaction([updatesStore], "readonly")
      read.objectStore(updatesStore).count()
    } catch {
      // Closed (the page is going), or a store of another shape: the vector stays, which journals more.
      return
    }
    this.probing = true
    read.oncomplete = () => {
      this.probing = false
      this.written = vector
      if (this.again) {
        this.again = false
        this.updated()
      }
      if (!this.probing) this.settle()
    }
    read.onabort = () => {
      this.probing = false
      this.settle()
    }
  }

  /** Resolves once the updates before this call are taken in, or could not be (the store closed). */
  settled(): Promise<void> {
    if (!this.probing) return Promise.resolve()
    return new Promise(resolve => this.waiting.push(resolve))
  }

  private settle(): void {
    const waiting = this.waiting
    this.waiting = []
    for (const resolve of waiting) resolve()
  }
}
