import { ConcordError } from "../protocol/errors"
import type { StrategyName } from "../protocol/strategies"
import type { SyncClient } from "../ot/sync-client"
import type { LocalStore } from "./local-store"
import { JsonTextCache } from "./json-text-cache"

/** Who a persisted leader is. */
export interface LeaderIdentity {
  docId: string
  clientId: string
  secret: string
}

/** When to write: once per animation frame in a browser, else on the next turn. */
function nextFrame(write: () => void): void {
  if (typeof requestAnimationFrame == "function" && typeof document != "undefined" && document.visibilityState == "visible") requestAnimationFrame(write)
  else setTimeout(write, 0)
}

/**
 * Writes one leader to the LocalStore as it changes: its unconfirmed work on every change (coalesced to
 * one write per frame), its confirmed document only when the version moved. Says how many edits are
 * on the device and whether everything shown is written; a write the browser refuses goes to `failed`,
 * and is tried again with the next change.
 */
export class LeaderPersistence {
  /** Unconfirmed edits written to this device by the last write. */
  storedUnsent = 0
  private writtenVersion: number | null = null
  /** The SyncClient and its revision last scheduled for writing: a change of the selection alone writes nothing. */
  private seen: { sync: SyncClient; revision: number } | null = null
  /** The JSON text of blocks and steps written before: a write pays for what changed since. */
  private readonly text = new JsonTextCache()
  private dirty = false
  /** The last write failed: what is shown is not all on the device until a later write succeeds. */
  private lastFailed = false
  private writing: Promise<void> | null = null
  private latest: { sync: SyncClient; strategy: StrategyName } | null = null
  /**
   * Told the main-thread time of each write in ms (building the record and issuing its puts: IndexedDB
   * commits off the main thread) and whether it wrote the document. Benchmarks set it; nothing is timed without it.
   */
  onWrite: ((durationMs: number, withDocument: boolean) => void) | null = null

  constructor(
    private readonly store: LocalStore,
    readonly identity: LeaderIdentity,
    private readonly written: () => void,
    private readonly failed: (error: ConcordError) => void,
    private readonly schedule: (write: () => void) => void = nextFrame
  ) {}

  /** The leader was restored from the store at `version`: its copy there needs no rewrite. */
  restored(version: number, unsent: number): void {
    this.writtenVersion = version
    this.storedUnsent = unsent
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
    await this.flush()
    this.latest = null
    await this.store.remove(this.identity.docId, this.identity.clientId)
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing
    if (!this.dirty || !this.latest) return Promise.resolve()
    const { sync, strategy } = this.latest
    this.dirty = false
    const started = this.onWrite ? performance.now() : 0
    const version = sync.version
    const unsent = sync.unconfirmedCount
    const record = { ...this.identity, strategy, version, unsent, savedAt: Date.now() }
    const doc = version == this.writtenVersion ? undefined : this.text.doc(sync.confirmedDoc)
    const saving = this.store.saveText(record, this.text.work(sync.workSteps()), doc)
    this.onWrite?.(performance.now() - started, doc !== undefined)
    this.writing = saving.then(
      () => {
        this.writtenVersion = version
        this.storedUnsent = unsent
        this.lastFailed = false
        this.written()
      },
      (error: unknown) => {
        this.lastFailed = true
        this.failed(ConcordError.from(error, "ERR_LOCAL_STORAGE"))
      }
    ).finally(() => {
      this.writing = null
      if (this.dirty) this.schedule(() => void this.write())
    })
    return this.writing
  }
}
