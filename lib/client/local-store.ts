import { openDB, type DBSchema, type IDBPDatabase } from "idb"
import { ConcordError } from "../protocol/errors"
import type { StrategyName } from "../protocol/strategies"
import type { UnconfirmedWork } from "../ot/sync-client"

/**
 * What one leader (a tab's connection to a document, under its own client id) keeps on this device:
 * who it is, the version its confirmed copy is at, and the work the hub has not confirmed yet.
 */
export interface LeaderRecord {
  docId: string
  clientId: string
  /** The secret the hub bound `clientId` to: resending under the id needs it. */
  secret: string
  strategy: StrategyName
  /** The version of the confirmed copy the work is written on. */
  version: number
  work: UnconfirmedWork
  /** How many edits (steps) are stored only on this device. */
  unsent: number
  /** When the record was last written (ms since the epoch): older copies go first when storage is bounded. */
  savedAt: number
  /**
   * Counts the leader's writes: a write never replaces one with a higher serial (one that arrives late
   * from a storage worker the page gave up on). Records written before serials count as 0.
   */
  serial: number
}

/**
 * A leader's record as stored: its work as JSON text. IndexedDB copies a value on the page's thread when
 * it is put (structured clone), which for thousands of steps as objects takes milliseconds; a string
 * is copied whole, so a keystroke pays for JSON.stringify alone.
 */
type RecordRow = Omit<LeaderRecord, "work"> & { work: string }

/** A leader's confirmed copy of the document, at its record's version, as JSON text. */
interface CopyRow {
  docId: string
  clientId: string
  version: number
  doc: string
  /** The copy's size, in UTF-16 code units: what the bound on storage counts. */
  size: number
}

interface LocalSchema extends DBSchema {
  leaders: { key: [string, string]; value: RecordRow; indexes: { docId: string } }
  copies: { key: [string, string]; value: CopyRow }
}

/** How much a LocalStore keeps of documents without unsent edits. */
export interface StoreBounds {
  /** Confirmed copies kept at most (default 100). */
  maxDocuments: number
  /** Their JSON at most, in UTF-16 code units (default 50 MB worth). */
  maxSize: number
}

const defaultBounds: StoreBounds = { maxDocuments: 100, maxSize: 25_000_000 }

/** What a leader reads back: its record and its confirmed document as JSON. */
export interface StoredLeader {
  record: LeaderRecord
  doc: unknown
}

/** One document this device holds, as the list of documents on this device shows it. */
export interface StoredDocument {
  docId: string
  /** Edits of every leader of the document stored only here. */
  unsent: number
  savedAt: number
}

/**
 * The documents this browser keeps in IndexedDB (through idb), so that a tab's edits outlive the tab:
 * each leader's confirmed copy and unconfirmed work, written together in one transaction. Storage is
 * bounded by evicting the oldest confirmed copies of leaders without unsent edits, never unsent edits;
 * a write the browser refuses (its quota) throws ConcordError ERR_LOCAL_STORAGE.
 */
export class LocalStore {
  private constructor(private readonly db: IDBPDatabase<LocalSchema>, private readonly bounds: StoreBounds) {}

  /** Open (creating when needed) the store named `name` in the page's IndexedDB. */
  static async open(options: { name?: string; bounds?: Partial<StoreBounds> } = {}): Promise<LocalStore> {
    const name = options.name ?? "concord"
    try {
      const db = await openDB<LocalSchema>(name, 1, { upgrade })
      return new LocalStore(db, { ...defaultBounds, ...options.bounds })
    } catch (error) {
      throw storageError("could not be opened", error)
    }
  }

  /**
   * Write a leader's record, and its confirmed document when given (whenever its version moved): both
   * or neither. Callers pass `doc` only when the version changed, so that a keystroke writes its few steps.
   */
  save(record: LeaderRecord, doc?: unknown): Promise<void> {
    const { work, ...rest } = record
    return this.saveText(rest, JSON.stringify(work), doc === undefined ? undefined : JSON.stringify(doc))
  }

  /** `save`, with the work and the document already as JSON text; nothing is written when a later write (by serial) is stored. */
  async saveText(record: Omit<LeaderRecord, "work">, workText: string, docText?: string): Promise<void> {
    try {
      const tx = this.db.transaction(["leaders", "copies"], "readwrite")
      const leaders = tx.objectStore("leaders")
      const write = async () => {
        const stored = await leaders.get([record.docId, record.clientId])
        if (stored && (stored.serial ?? 0) > record.serial) return
        await Promise.all([
          leaders.put({ ...record, work: workText }),
          docText === undefined ? null : tx.objectStore("copies").put({ docId: record.docId, clientId: record.clientId, version: record.version, doc: docText, size: docText.length })
        ])
      }
      await Promise.all([write(), tx.done])
    } catch (error) {
      throw storageError("refused to save the document", error)
    }
  }

  /** A leader's record and confirmed document, or null when this device has none (or only half of one). */
  async load(docId: string, clientId: string): Promise<StoredLeader | null> {
    const tx = this.db.transaction(["leaders", "copies"], "readonly")
    const [record, copy] = await Promise.all([tx.objectStore("leaders").get([docId, clientId]), tx.objectStore("copies").get([docId, clientId]), tx.done])
    if (!record || !copy || copy.version != record.version) return null
    return { record: recordOf(record), doc: JSON.parse(copy.doc) }
  }

  /** The records of every leader of `docId` on this device. */
  async leaders(docId: string): Promise<LeaderRecord[]> {
    return (await this.db.getAllFromIndex("leaders", "docId", docId)).map(recordOf)
  }

  /** Every document this device holds, newest first. */
  async documents(): Promise<StoredDocument[]> {
    const byDoc = new Map<string, StoredDocument>()
    for (const r of await this.db.getAll("leaders")) {
      const known = byDoc.get(r.docId)
      if (known) Object.assign(known, { unsent: known.unsent + r.unsent, savedAt: Math.max(known.savedAt, r.savedAt) })
      else byDoc.set(r.docId, { docId: r.docId, unsent: r.unsent, savedAt: r.savedAt })
    }
    return [...byDoc.values()].sort((a, b) => b.savedAt - a.savedAt)
  }

  /** Forget one leader of a document, or (without `clientId`) the whole document, unsent edits included. */
  async remove(docId: string, clientId?: string): Promise<void> {
    const tx = this.db.transaction(["leaders", "copies"], "readwrite")
    const keys = clientId != null ? [[docId, clientId] as [string, string]] : (await tx.objectStore("leaders").index("docId").getAllKeys(docId))
    await Promise.all([...keys.flatMap(key => [tx.objectStore("leaders").delete(key), tx.objectStore("copies").delete(key)]), tx.done])
  }

  /**
   * Keep within the bounds: drop the oldest confirmed copies (and their records) of leaders with no
   * unsent edits for which `free` says yes (no tab holds them: a held leader would go on writing its
   * work without its copy). A record that got unsent edits meanwhile stays. Returns how many went.
   */
  async evict(free: (leader: { docId: string; clientId: string }) => Promise<boolean>): Promise<number> {
    const [records, copies] = await Promise.all([this.db.getAll("leaders"), this.db.getAll("copies")])
    const sizes = new Map(copies.map(c => [keyOf(c), c.size]))
    let total = copies.reduce((sum, c) => sum + c.size, 0)
    let count = records.length
    const chosen: RecordRow[] = []
    for (const r of records.filter(r => r.unsent == 0).sort((a, b) => a.savedAt - b.savedAt)) {
      if (count <= this.bounds.maxDocuments && total <= this.bounds.maxSize) break
      if (!(await free(r))) continue
      chosen.push(r)
      total -= sizes.get(keyOf(r)) ?? 0
      count--
    }
    if (!chosen.length) return 0
    const tx = this.db.transaction(["leaders", "copies"], "readwrite")
    const removed = await Promise.all(chosen.map(async r => {
      const now = await tx.objectStore("leaders").get([r.docId, r.clientId])
      if (!now || now.unsent > 0) return 0
      await Promise.all([tx.objectStore("leaders").delete([r.docId, r.clientId]), tx.objectStore("copies").delete([r.docId, r.clientId])])
      return 1
    }))
    await tx.done
    return removed.reduce<number>((a, b) => a + b, 0)
  }

  close(): void {
    this.db.close()
  }
}

/** Create the stores. */
function upgrade(db: IDBPDatabase<LocalSchema>): void {
  db.createObjectStore("leaders", { keyPath: ["docId", "clientId"] }).createIndex("docId", "docId")
  db.createObjectStore("copies", { keyPath: ["docId", "clientId"] })
}

function recordOf(row: RecordRow): LeaderRecord {
  return { ...row, work: JSON.parse(row.work) as UnconfirmedWork }
}

function keyOf(r: { docId: string; clientId: string }): string {
  return `${r.docId}/${r.clientId}`
}

function storageError(what: string, error: unknown): ConcordError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : ""
  const reason = name == "QuotaExceededError" ? "this device's storage is full" : error instanceof Error ? error.message : String(error)
  return new ConcordError("ERR_LOCAL_STORAGE", `This browser's storage ${what}: ${reason}`)
}
