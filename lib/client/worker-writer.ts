import { ConcordError } from "../protocol/errors"
import type { DeviceWriter } from "./device-writer"
import type { LeaderWrite, LocalStore } from "./local-store"

/** What the page posts to the device writer's worker. */
export type ToWorker =
  | { kind: "open"; name: string }
  | { kind: "write"; id: number; write: LeaderWrite }

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
 * A DeviceWriter whose IndexedDB work runs in a dedicated worker: the page posts each write (a delta and
 * JSON texts: a string is copied whole, in microseconds) and the worker pays for the transaction
 * (serveDeviceWrites), so a keystroke costs the page almost nothing. When the worker fails (it could not
 * be loaded, or it died), the writes it had are refused and every later one goes to the page's own store.
 */
export class WorkerWriter implements DeviceWriter {
  private next = 0
  private readonly waiting = new Map<number, { resolve(): void; reject(error: ConcordError): void }>()
  private fallback: LocalStore | null = null

  constructor(private readonly worker: WorkerLike, private readonly store: LocalStore, name: string) {
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.answered(event.data)
    worker.onerror = event => {
      event.preventDefault()
      this.fail(event.message || "it could not be started")
    }
    this.post({ kind: "open", name })
  }

  write(write: LeaderWrite): Promise<void> {
    if (this.fallback) return this.fallback.write(write)
    const id = ++this.next
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.post({ kind: "write", id, write })
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
