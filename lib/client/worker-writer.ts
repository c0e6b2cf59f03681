import { ConcordError } from "../protocol/errors"
import type { DeviceWriter } from "./device-writer"
import type { LeaderWrite, LocalStore } from "./local-store"
import type { WriteRing } from "./write-ring"

/** What the page posts to the device writer's worker: a write goes this way only when the ring (if any) has no room. */
export type ToWorker =
  | { kind: "open"; name: string; ring?: SharedArrayBuffer }
  | { kind: "write"; id: number; write: LeaderWrite }

/** What the page puts in the ring for one write, as JSON in UTF-8. */
export interface RingMessage {
  id: number
  write: LeaderWrite
}

/** What the worker answers a write with: nothing when it is stored, else the error. */
export interface FromWorker {
  id: number
  error?: unknown
}

/** What WorkerWriter needs of a Worker. */
export interface WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null
  onerror: ((event: ErrorEvent) => void) | null
  postMessage(message: ToWorker): void
  terminate(): void
}

/**
 * A DeviceWriter whose IndexedDB work runs in a dedicated worker (serveDeviceWrites), so that a keystroke
 * costs the page almost nothing. Where the page is cross-origin isolated, a write goes into a WriteRing
 * the worker drains on its own timer: the page copies bytes and wakes no thread. Otherwise, and for a
 * write the ring has no room for, it is posted (a delta and JSON texts, copied whole in microseconds).
 * Writes carry ids, and the worker stores them in id order whichever way they came. When the worker
 * fails (it could not be loaded, or it died), the writes it had are refused and every later one goes
 * to the page's own store.
 */
export class WorkerWriter implements DeviceWriter {
  private next = 0
  private readonly waiting = new Map<number, { resolve(): void; reject(error: ConcordError): void }>()
  private fallback: LocalStore | null = null

  private readonly encoder = new TextEncoder()

  constructor(private readonly worker: WorkerLike, private readonly store: LocalStore, name: string, private readonly ring: WriteRing | null = null) {
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.answered(event.data)
    worker.onerror = event => {
      event.preventDefault()
      this.fail(event.message || "it could not be started")
    }
    this.post({ kind: "open", name, ...(ring ? { ring: ring.buffer } : {}) })
  }

  write(write: LeaderWrite): Promise<void> {
    if (this.fallback) return this.fallback.write(write)
    const id = ++this.next
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      const message: RingMessage = { id, write }
      if (!this.ring?.write(this.encoder.encode(JSON.stringify(message)))) this.post({ kind: "write", id, write })
    })
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message)
  }

  private answered({ id, error }: FromWorker): void {
    const waiting = this.waiting.get(id)
    this.waiting.delete(id)
    if (error === undefined) waiting?.resolve()
    else waiting?.reject(ConcordError.fromJSON(error))
  }

  /** The worker is gone: refuse what it held (their leaders resend their whole work) and write here from now on. */
  private fail(reason: string): void {
    this.fallback = this.store
    this.worker.terminate()
    const error = new ConcordError("ERR_LOCAL_STORAGE", `The page's storage worker stopped (${reason}); the page writes itself from now on`)
    for (const { reject } of this.waiting.values()) reject(error)
    this.waiting.clear()
  }
}
