import { ConcordError } from "../protocol/errors"
import type { StrategyName } from "../protocol/strategies"
import type { SyncClient } from "../ot/sync-client"
import type { StepJSON } from "../protocol/messages"
import type { LeaderRecord, LocalStore, OpText } from "./local-store"
import { JsonTextCache } from "./json-text-cache"
import type { DeviceWriter } from "./device-writer"
import { WorkDiffer } from "./work-delta"
import { clearJournal, writeJournal } from "./leave-journal"

/** Confirmed ops stored after a copy at most: past this many, the next write stores a new copy instead. */
const maxLoggedOps = 500
/** How long after the last write that logged ops, with nothing written since, a new copy is written, in ms (default). */
const defaultCompactAfterMs = 2_000

/** Who a persisted leader is. */
export interface LeaderIdentity {
  docId: string
  clientId: string
  secret: string
}

/** How long one write took: on the page's thread, and until it was stored. */
export interface WriteTimings {
  /** Building the write and handing it over, in ms: what a keystroke pays on the page's thread. */
  issued: number
  /** From handing it over until IndexedDB committed it, in ms. */
  stored: number
  /** Whether it wrote the confirmed document (its version moved). */
  withDocument: boolean
}

/**
 * When to write: after the next paint in a browser (a task queued from an animation frame runs once
 * the frame is painted, so the write stays out of typing latency), else on the next turn.
 */
function afterNextPaint(write: () => void): void {
  if (typeof requestAnimationFrame == "function" && typeof document != "undefined" && document.visibilityState == "visible")
    requestAnimationFrame(() => setTimeout(write, 0))
  else setTimeout(write, 0)
}

/**
 * Writes one leader to the device as it changes, a write per frame after its paint: the change to its
 * unconfirmed work, and when the version moved the confirmed ops since (appended after the stored copy
 * of the document), or a new copy when the ops are not at hand, too many are stored, or the leader has
 * been idle a while. Says how many edits are on the device and whether everything shown is written; a
 * write the browser refuses goes to `failed`, and the next writes the whole work and a new copy.
 */
export class LeaderPersistence {
  /** Unconfirmed edits written to this device by the last write. */
  storedUnsent = 0
  /** The seq of the batch in flight in the work the device holds (null: none), as the last write left it. */
  private storedInflight: number | null = null
  /** The version the stored copy and the ops after it reach; null when a new copy must be written. */
  private writtenVersion: number | null = null
  /** Confirmed ops stored after the copy. */
  private loggedOps = 0
  /** Confirmed ops received since the last write (see `confirmed`), in version order. */
  private received: { version: number; steps: readonly StepJSON[] }[] = []
  private compactTimer: ReturnType<typeof setTimeout> | null = null
  private compactDue = false
  /** The serial of the last write (see LeaderRecord.serial). */
  private serial = 0
  /** The SyncClient and its revision last scheduled for writing: a change of the selection alone writes nothing. */
  private seen: { sync: SyncClient; revision: number } | null = null
  /** The JSON text of the document's blocks written before: a new version pays for the blocks that changed. */
  private readonly text = new JsonTextCache()
  /** The work's changes since the last write: a keystroke writes its own step. */
  private readonly work = new WorkDiffer()
  private dirty = false
  /** The last write failed: what is shown is not all on the device until a later write succeeds. */
  private lastFailed = false
  /**
   * The serial of the leave journal written (0: none): a stored write with that serial or a later one
   * holds as much, and the journal goes (the page came back, from the back-forward cache).
   */
  private journaled = 0
  private writing: Promise<void> | null = null
  private latest: { sync: SyncClient; strategy: StrategyName } | null = null
  private readonly writer: DeviceWriter
  private readonly schedule: (write: () => void) => void
  private readonly compactAfterMs: number
  /** Told how long each stored write took (see WriteTimings). Benchmarks set it; nothing is timed without it. */
  onWrite: ((timings: WriteTimings) => void) | null = null

  constructor(
    private readonly device: { store: LocalStore; writer?: DeviceWriter },
    readonly identity: LeaderIdentity,
    private readonly written: () => void,
    private readonly failed: (error: ConcordError) => void,
    options: { schedule?: (write: () => void) => void; compactAfterMs?: number } = {}
  ) {
    this.writer = device.writer ?? device.store
    this.schedule = options.schedule ?? afterNextPaint
    this.compactAfterMs = options.compactAfterMs ?? defaultCompactAfterMs
  }

  /** The leader was restored from the store as `record`: its copy there needs no rewrite, and its writes count on. */
  restored(record: Pick<LeaderRecord, "version" | "unsent" | "serial">, inflightSeq: number | null): void {
    this.storedInflight = inflightSeq
    this.writtenVersion = record.version
    this.storedUnsent = record.unsent
    this.serial = record.serial
    // How many ops follow the stored copy is not known here: count it full, so that a new copy comes soon.
    this.loggedOps = maxLoggedOps
  }

  /** The client applied these confirmed ops: the next write may store them after the copy instead of a new copy. */
  confirmed(ops: readonly { version: number; steps: readonly StepJSON[] }[]): void {
    for (const op of ops) {
      const last = this.received[this.received.length - 1]
      if (!last || op.version == last.version + 1) this.received.push(op)
      else if (op.version > last.version + 1) this.received = [op]
    }
  }

  /**
   * True when every change so far is on the device: written and committed. A write under way does not
   * count: a page that closes now may take its worker, and the write, with it.
   */
  get saved(): boolean {
    return !this.dirty && !this.writing && !this.lastFailed
  }

  /** The client may have changed (a local edit, ops received, a batch sent, a confirmation): write it soon if it did. */
  changed(sync: SyncClient, strategy: StrategyName): void {
    if (this.seen?.sync === sync && this.seen.revision == sync.revision) return
    this.seen = { sync, revision: sync.revision }
    this.latest = { sync, strategy }
    this.due()
  }

  /** Something is to be written: write soon, unless a write is already due or under way (it schedules the next). */
  private due(): void {
    if (this.dirty) return
    this.dirty = true
    if (!this.writing) this.schedule(() => void this.write())
  }

  /** Resolve once every change so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.writing || this.dirty) await (this.writing ?? this.write())
  }

  /**
   * True when the batch `seq` may go out: the device holds the work with it in flight, so that a page
   * reloaded before its acknowledgement sends it again under the same seq (which the hub commits once)
   * instead of sending its steps anew as the next batch. Also true while the device refuses writes:
   * the person is told their edits are kept only while the page stays open.
   */
  recorded(seq: number): boolean {
    return this.storedInflight == seq || this.lastFailed
  }

  /** Write `sync` now, not after the next paint: a batch waits for it (see recorded). */
  record(sync: SyncClient, strategy: StrategyName): Promise<void> {
    this.changed(sync, strategy)
    return this.flush()
  }

  /**
   * The page is going away: when what it shows is not all stored in IndexedDB, write it to the leave
   * journal at once (see LeaveJournal), as the write after the last one issued. True when nothing is
   * left only in memory.
   */
  leaving(): boolean {
    if (this.saved || !this.latest) return true
    const { sync, strategy } = this.latest
    const record = this.recordOf(sync, strategy, this.serial + 1)
    const doc = record.version == this.writtenVersion ? undefined : sync.confirmedDoc.toJSON()
    const kept = writeJournal({ record, work: sync.work(), doc })
    if (kept) this.journaled = record.serial
    return kept
  }

  /** The record of a write of `sync`, numbered `serial`. */
  private recordOf(sync: SyncClient, strategy: StrategyName, serial: number): Omit<LeaderRecord, "work"> {
    return { ...this.identity, strategy, version: sync.version, unsent: sync.unconfirmedCount, savedAt: Date.now(), serial }
  }

  /** Forget the leader on this device (its work was sent, or the person removed the document). */
  async forget(): Promise<void> {
    await this.close()
    await this.device.store.remove(this.identity.docId, this.identity.clientId)
  }

  /** The leader writes no more: finish what is due. */
  async close(): Promise<void> {
    this.stopCompacting()
    await this.flush()
    this.latest = null
  }

  /** The ops from the stored version up to `version` as text, when all are at hand and the log has room for them. */
  private opsSince(version: number): OpText[] | undefined {
    const from = this.writtenVersion
    if (from == null || version - from + this.loggedOps > maxLoggedOps) return undefined
    const ops = this.received.filter(op => op.version > from && op.version <= version)
    if (ops.length != version - from || ops[0]?.version != from + 1) return undefined
    return ops.map(op => ({ version: op.version, steps: JSON.stringify(op.steps) }))
  }

  /** Write a new copy once nothing was written for compactAfterMs (each write that logs ops starts the wait again). */
  private compactLater(): void {
    this.stopCompacting()
    this.compactTimer = setTimeout(() => {
      this.compactTimer = null
      if (!this.latest) return
      this.compactDue = true
      this.due()
    }, this.compactAfterMs)
  }

  private stopCompacting(): void {
    if (this.compactTimer) clearTimeout(this.compactTimer)
    this.compactTimer = null
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing
    if (!this.dirty || !this.latest) return Promise.resolve()
    const { sync, strategy } = this.latest
    this.dirty = false
    const started = this.onWrite ? performance.now() : 0
    const record = this.recordOf(sync, strategy, ++this.serial)
    const { version, unsent } = record
    const inflight = sync.inflightBatch?.seq ?? null
    let ops: OpText[] | undefined
    let doc: string | undefined
    if (version != this.writtenVersion || this.compactDue) {
      ops = this.compactDue ? undefined : this.opsSince(version)
      if (!ops) doc = this.text.doc(sync.confirmedDoc)
    }
    this.compactDue = false
    const saving = this.writer.write({ record, work: this.work.delta(sync.workView()), doc, ops })
    const issued = this.onWrite ? performance.now() : 0
    let stored = false
    this.writing = saving.then(
      () => {
        this.writtenVersion = version
        this.loggedOps = doc !== undefined ? 0 : this.loggedOps + (ops?.length ?? 0)
        this.received = this.received.filter(op => op.version > version)
        this.storedUnsent = unsent
        this.storedInflight = inflight
        this.lastFailed = false
        // A write issued before the journal holds less than it: only one issued after it replaces it.
        if (this.journaled && record.serial >= this.journaled) {
          this.journaled = 0
          clearJournal(this.identity.docId, this.identity.clientId)
        }
        if (ops?.length) this.compactLater()
        this.onWrite?.({ issued: issued - started, stored: performance.now() - issued, withDocument: doc !== undefined })
        stored = true
      },
      (error: unknown) => {
        this.lastFailed = true
        // What the store holds now is not known: the next write stores everything again.
        this.work.reset()
        this.writtenVersion = null
        this.failed(ConcordError.from(error, "ERR_LOCAL_STORAGE"))
      }
    ).finally(() => {
      this.writing = null
      // Told once the write is over, so that whoever listens finds it saved.
      if (stored) this.written()
      if (this.dirty) this.schedule(() => void this.write())
    })
    return this.writing
  }
}
