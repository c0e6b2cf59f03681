import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from "idb"
import type { Node } from "prosemirror-model"
import { ConcordError } from "../protocol/errors"
import type { StepJSON } from "../protocol/messages"
import type { StrategyName } from "../protocol/strategies"
import type { UnconfirmedWork } from "../ot/sync-client"
import { replay } from "../history/replay"
import { schema } from "../schema"
import type { WorkDelta } from "./work-delta"

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

/** One confirmed op stored after a leader's copy: its version and its steps as JSON text. */
export interface OpText {
  version: number
  steps: string
}

/**
 * One write of a leader: its record, the change to its work (see WorkDelta), and either its confirmed
 * document at the record's version (a new copy, which replaces the ops stored after the last one) or
 * the confirmed ops since the last write (appended after the copy), as JSON text.
 */
export interface LeaderWrite {
  record: Omit<LeaderRecord, "work">
  work: WorkDelta
  doc?: string
  ops?: OpText[]
}

/** A leader's work as its record row keeps it: the steps are rows of their own. */
interface WorkHeader {
  nextSeq: number
  confirmedSeq: number
  /** The batch in flight as JSON text, or null. */
  batch: string | null
  origins: string
  inflightCount: number
  stepCount: number
}

type RecordRow = Omit<LeaderRecord, "work"> & { work: WorkHeader }

/** A leader's confirmed copy of the document, as JSON text, at `version`: the stored ops follow it up to the record's version. */
interface CopyRow {
  docId: string
  clientId: string
  version: number
  doc: string
  /** The copy's size, in UTF-16 code units: what the bound on storage counts. */
  size: number
}

interface OpRow extends OpText {
  docId: string
  clientId: string
}

/** One unconfirmed step of a leader: `slot` counts from the first step in flight. */
interface StepRow {
  docId: string
  clientId: string
  slot: number
  step: string
}

interface LocalSchema extends DBSchema {
  leaders: { key: [string, string]; value: RecordRow; indexes: { docId: string } }
  copies: { key: [string, string]; value: CopyRow }
  ops: { key: [string, string, number]; value: OpRow }
  steps: { key: [string, string, number]; value: StepRow }
}

const stores = ["leaders", "copies", "ops", "steps"] as const

/** How much a LocalStore keeps of documents without unsent edits. */
export interface StoreBounds {
  /** Confirmed copies kept at most (default 100). */
  maxDocuments: number
  /** Their JSON at most, in UTF-16 code units (default 50 MB worth). */
  maxSize: number
}

const defaultBounds: StoreBounds = { maxDocuments: 100, maxSize: 25_000_000 }

/** What a leader reads back: its record, and its confirmed document at the record's version. */
export interface StoredLeader {
  record: LeaderRecord
  doc: Node
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
 * each leader's confirmed document and unconfirmed work, every write of them in one transaction. It is
 * kept as a log, as y-indexeddb keeps updates, so that a keystroke writes a few small rows: a copy of
 * the document with the confirmed ops since appended after it (a new copy replaces them), and the
 * unconfirmed steps a row each, appended as typed. Storage is bounded by evicting the oldest copies of
 * leaders without unsent edits, never unsent edits; a write the browser refuses (its quota) throws
 * ConcordError ERR_LOCAL_STORAGE.
 */
export class LocalStore {
  private constructor(private readonly db: IDBPDatabase<LocalSchema>, private readonly bounds: StoreBounds) {}

  /** Open (creating when needed) the store named `name` in the page's IndexedDB. */
  static async open(options: { name?: string; bounds?: Partial<StoreBounds> } = {}): Promise<LocalStore> {
    const name = options.name ?? "concord"
    try {
      const db = await openDB<LocalSchema>(name, 2, { upgrade })
      return new LocalStore(db, { ...defaultBounds, ...options.bounds })
    } catch (error) {
      throw storageError("could not be opened", error)
    }
  }

  /** Write a leader whole: its record and its confirmed document at the record's version (tests, and what has no delta). */
  save(record: LeaderRecord, doc: unknown): Promise<void> {
    const { work, ...rest } = record
    return this.write({ record: rest, work: wholeDelta(work), doc: JSON.stringify(doc) })
  }

  /**
   * Write a leader's whole work (what was stored of it goes) with its record, and its confirmed
   * document at the record's version when given: without one, the stored copy must be at that version.
   * Nothing when a write of the leader with the same serial or a later one is stored.
   */
  saveWork(record: Omit<LeaderRecord, "work">, work: UnconfirmedWork, doc?: unknown): Promise<void> {
    return this.write({ record, work: wholeDelta(work), doc: doc === undefined ? undefined : JSON.stringify(doc) }, true)
  }

  /**
   * Store one write of a leader, all of it or nothing; nothing either when a later write (by serial) is
   * stored, or with `onlyNewer` one with the same serial. Throws ERR_LOCAL_STORAGE for a work delta or ops that do not follow what is stored.
   */
  async write({ record, work, doc, ops }: LeaderWrite, onlyNewer = false): Promise<void> {
    const { docId, clientId } = record
    try {
      const tx = this.db.transaction(stores, "readwrite")
      const writing = (async () => {
        const stored = await tx.objectStore("leaders").get([docId, clientId])
        if (stored && (stored.serial > record.serial || (onlyNewer && stored.serial == record.serial))) return
        const storedSteps = stored?.work.stepCount ?? 0
        const { keep, add } = work.steps
        if (keep > storedSteps) throw outOfStep(`${keep} kept steps of ${storedSteps}`)
        if (doc === undefined && ops?.length && (!stored || ops[0].version != stored.version + 1))
          throw outOfStep(`op ${ops[0].version} after version ${stored?.version}`)
        if (doc === undefined && !ops?.length && stored?.version != record.version)
          throw outOfStep(`work on version ${record.version} over a copy at ${stored?.version}`)
        const header = headerOf(work, stored?.work)
        const { stepCount } = header
        const writes: Promise<unknown>[] = add.map((step, i) => tx.objectStore("steps").put({ docId, clientId, slot: keep + i, step }))
        if (storedSteps > stepCount) writes.push(tx.objectStore("steps").delete(IDBKeyRange.bound([docId, clientId, stepCount], [docId, clientId, Infinity])))
        if (doc !== undefined) {
          writes.push(tx.objectStore("copies").put({ docId, clientId, version: record.version, doc, size: doc.length }))
          writes.push(tx.objectStore("ops").delete(leaderRange(docId, clientId)))
        } else if (ops?.length) {
          for (const op of ops) writes.push(tx.objectStore("ops").put({ docId, clientId, ...op }))
        }
        writes.push(tx.objectStore("leaders").put({ ...record, work: header }))
        await Promise.all(writes)
      })()
      // A write refused half way must leave nothing: abort rather than let the puts issued so far commit.
      await Promise.all([writing.catch(error => { tx.abort(); throw error }), tx.done])
    } catch (error) {
      throw storageError("refused to save the document", error)
    }
  }

  /** A leader's record and confirmed document, or null when this device has none (or only part of one). */
  async load(docId: string, clientId: string): Promise<StoredLeader | null> {
    const tx = this.db.transaction(stores, "readonly")
    const range = leaderRange(docId, clientId)
    const [row, copy, ops, steps] = await Promise.all([
      tx.objectStore("leaders").get([docId, clientId]), tx.objectStore("copies").get([docId, clientId]),
      tx.objectStore("ops").getAll(range), tx.objectStore("steps").getAll(range), tx.done
    ])
    if (!row || !copy || copy.version + ops.length != row.version || steps.length != row.work.stepCount) return null
    if (ops.some((op, i) => op.version != copy.version + 1 + i)) return null
    const doc = replay(schema.nodeFromJSON(JSON.parse(copy.doc)), ops.map(op => ({ steps: JSON.parse(op.steps) as StepJSON[] })))
    if (!doc) return null
    const { work, ...rest } = row
    const texts = steps.map(s => JSON.parse(s.step) as StepJSON)
    const inflight = work.batch == null ? null : { batch: JSON.parse(work.batch), steps: texts.slice(0, work.inflightCount), origins: JSON.parse(work.origins) }
    return { record: { ...rest, work: { nextSeq: work.nextSeq, confirmedSeq: work.confirmedSeq, inflight, pending: texts.slice(inflight ? work.inflightCount : 0) } }, doc }
  }

  /** The records of every leader of `docId` on this device, without their work. */
  async leaders(docId: string): Promise<Omit<LeaderRecord, "work">[]> {
    return (await this.db.getAllFromIndex("leaders", "docId", docId)).map(({ work: _work, ...record }) => record)
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
    const tx = this.db.transaction(stores, "readwrite")
    const keys = clientId != null ? [[docId, clientId] as [string, string]] : (await tx.objectStore("leaders").index("docId").getAllKeys(docId))
    await Promise.all([...keys.flatMap(key => deleteLeader(tx, key[0], key[1])), tx.done])
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
    const tx = this.db.transaction(stores, "readwrite")
    const removed = await Promise.all(chosen.map(async r => {
      const now = await tx.objectStore("leaders").get([r.docId, r.clientId])
      if (!now || now.unsent > 0) return 0
      await Promise.all(deleteLeader(tx, r.docId, r.clientId))
      return 1
    }))
    await tx.done
    return removed.reduce<number>((a, b) => a + b, 0)
  }

  close(): void {
    this.db.close()
  }
}

/**
 * Create the stores, or bring those of an earlier version up to this one. Version 1 kept each leader's
 * work as one JSON text in its record: its steps become rows.
 */
async function upgrade(db: IDBPDatabase<LocalSchema>, oldVersion: number, _newVersion: number | null, tx: IDBPTransaction<LocalSchema, StoreNames<LocalSchema>[], "versionchange">): Promise<void> {
  if (oldVersion < 1) {
    db.createObjectStore("leaders", { keyPath: ["docId", "clientId"] }).createIndex("docId", "docId")
    db.createObjectStore("copies", { keyPath: ["docId", "clientId"] })
  }
  if (oldVersion < 2) {
    db.createObjectStore("ops", { keyPath: ["docId", "clientId", "version"] })
    db.createObjectStore("steps", { keyPath: ["docId", "clientId", "slot"] })
  }
  if (oldVersion == 1) {
    const leaders = tx.objectStore("leaders")
    for (let cursor = await leaders.openCursor(); cursor; cursor = await cursor.continue()) {
      const row = cursor.value as unknown as Omit<RecordRow, "work"> & { work: string | WorkHeader }
      if (typeof row.work != "string") continue
      const work = wholeDelta(JSON.parse(row.work) as UnconfirmedWork)
      work.steps.add.forEach((step, slot) => void tx.objectStore("steps").put({ docId: row.docId, clientId: row.clientId, slot, step }))
      await cursor.update({ ...row, serial: row.serial ?? 0, work: headerOf(work) })
    }
  }
}

/** Stored work as a delta that replaces whatever was stored (its steps as JSON text, from the first in flight). */
function wholeDelta(work: UnconfirmedWork): WorkDelta {
  const steps = [...(work.inflight?.steps ?? []), ...work.pending].map(step => JSON.stringify(step))
  const inflight = work.inflight && { batch: JSON.stringify(work.inflight.batch), origins: JSON.stringify(work.inflight.origins), count: work.inflight.steps.length }
  return { nextSeq: work.nextSeq, confirmedSeq: work.confirmedSeq, inflight, steps: { keep: 0, add: steps } }
}

/** The work header after `delta`, on top of the header stored before it; throws when the delta names no batch it can take. */
function headerOf(delta: WorkDelta, before?: WorkHeader): WorkHeader {
  const { inflight } = delta
  const batch = inflight ? inflight.batch ?? before?.batch ?? null : null
  if (inflight && batch == null) throw outOfStep("a batch in flight it was never given")
  return {
    nextSeq: delta.nextSeq, confirmedSeq: delta.confirmedSeq, batch,
    origins: inflight ? inflight.origins ?? before?.origins ?? "[]" : "[]",
    inflightCount: inflight?.count ?? 0, stepCount: delta.steps.keep + delta.steps.add.length
  }
}

/** Every row of one leader in the stores keyed by leader and a number. */
function leaderRange(docId: string, clientId: string): IDBKeyRange {
  return IDBKeyRange.bound([docId, clientId, -Infinity], [docId, clientId, Infinity])
}

/** The deletes that forget one leader, in a transaction over every store. */
function deleteLeader(tx: IDBPTransaction<LocalSchema, typeof stores[number][], "readwrite">, docId: string, clientId: string): Promise<unknown>[] {
  return [
    tx.objectStore("leaders").delete([docId, clientId]), tx.objectStore("copies").delete([docId, clientId]),
    tx.objectStore("ops").delete(leaderRange(docId, clientId)), tx.objectStore("steps").delete(leaderRange(docId, clientId))
  ]
}

function outOfStep(what: string): ConcordError {
  return new ConcordError("ERR_LOCAL_STORAGE", `The device's copy of the unsent work is out of step: ${what}`)
}

function keyOf(r: { docId: string; clientId: string }): string {
  return `${r.docId}/${r.clientId}`
}

function storageError(what: string, error: unknown): ConcordError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : ""
  const reason = name == "QuotaExceededError" ? "this device's storage is full" : error instanceof Error ? error.message : String(error)
  return new ConcordError("ERR_LOCAL_STORAGE", `This browser's storage ${what}: ${reason}`)
}
