import { ConcordError } from "../protocol/errors"
import type { StrategyName } from "../protocol/strategies"
import type { SyncClient } from "../ot/sync-client"
import type { LocalStore } from "./local-store"
import { JsonTextCache } from "./json-text-cache"
import { StoreWriter, type DeviceWriter } from "./device-writer"
import { WorkDiffer } from "./work-delta"

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
 * Writes one leader to the device as it changes: the change to its unconfirmed work (coalesced to one
 * write per frame, after its paint), its confirmed document only when the version moved. Says how many
 * edits are on the device and whether everything shown is written; a write the browser refuses goes to
 * `failed`, and the whole work is written again with the next change.
 */
export class LeaderPersistence {
  /** Unconfirmed edits written to this device by the last write. */
  storedUnsent = 0
  private writtenVersion: number | null = null
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
  private writing: Promise<void> | null = null
  private latest: { sync: SyncClient; strategy: StrategyName } | null = null
  private readonly writer: DeviceWriter
  /** Told how long each stored write took (see WriteTimings). Benchmarks set it; nothing is timed without it. */
  onWrite: ((timings: WriteTimings) => void) | null = null

  constructor(
    private readonly device: { store: LocalStore; writer?: DeviceWriter },
    readonly identity: LeaderIdentity,
    private readonly written: () => void,
    private readonly failed: (error: ConcordError) => void,
    private readonly schedule: (write: () => void) => void = afterNextPaint
  ) {
    this.writer = device.writer ?? new StoreWriter(device.store)
  }

  /** The leader was restored from the store as `record`: its copy there needs no rewrite, and its writes count on. */
  restored(record: { version: number; unsent: number; serial?: number }): void {
    this.writtenVersion = record.version
    this.storedUnsent = record.unsent
    this.serial = record.serial ?? 0
  }

  /** True when every change so far is written, or being written. */
  get saved(): boolean {
    return !this.dirty && !this.lastFailed
  }

  /** The client may have changed (a local edit, ops received, a batch sent, a confirmation): write it soon if it did. */
  changed(sync: SyncClient, strategy: StrategyName): void {
    if (this.seen?.sync === sync && this.seen.revision == sync.revision) return
    this.seen = { sync, revision: sync.revision }
    this.latest = { sync, strategy }
    if (this.dirty) return
    this.dirty = true
    if (!this.writing) this.schedule(() => void this.write())
  }

  /** Resolve once every change so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.writing || this.dirty) await (this.writing ?? this.write())
  }

  /** Forget the leader on this device (its work was sent, or the person removed the document). */
  async forget(): Promise<void> {
    await this.close()
    await this.device.store.remove(this.identity.docId, this.identity.clientId)
  }

  /** The leader writes no more: finish what is due, then let the writer go of it. */
  async close(): Promise<void> {
    await this.flush()
    this.latest = null
    this.writer.release(this.identity.docId, this.identity.clientId)
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing
    if (!this.dirty || !this.latest) return Promise.resolve()
    const { sync, strategy } = this.latest
    this.dirty = false
    const started = this.onWrite ? performance.now() : 0
    const version = sync.version
    const unsent = sync.unconfirmedCount
    const record = { ...this.identity, strategy, version, unsent, savedAt: Date.now(), serial: ++this.serial }
    const doc = version == this.writtenVersion ? undefined : this.text.doc(sync.confirmedDoc)
    const saving = this.writer.write({ record, work: this.work.delta(sync.workView()), doc })
    const issued = this.onWrite ? performance.now() : 0
    this.writing = saving.then(
      () => {
        this.writtenVersion = version
        this.storedUnsent = unsent
        this.lastFailed = false
        this.onWrite?.({ issued: issued - started, stored: performance.now() - issued, withDocument: doc !== undefined })
        this.written()
      },
      (error: unknown) => {
        this.lastFailed = true
        this.work.reset()
        this.failed(ConcordError.from(error, "ERR_LOCAL_STORAGE"))
      }
    ).finally(() => {
      this.writing = null
      if (this.dirty) this.schedule(() => void this.write())
    })
    return this.writing
  }
}
