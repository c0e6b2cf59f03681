import type { LeaderRecord, LocalStore } from "./local-store"
import { WorkAssembly } from "./work-assembly"
import type { WorkDelta } from "./work-delta"

/** One write of a leader to the device: its record, the change to its work, its document when the version moved. */
export interface DeviceWrite {
  record: Omit<LeaderRecord, "work">
  work: WorkDelta
  /** The confirmed document's JSON text, at the record's version. */
  doc?: string
}

/**
 * Writes leaders to the device. Each leader's writes come in order, each work delta against the one
 * before; a leader whose write failed sends its whole work next (WorkDiffer.reset).
 */
export interface DeviceWriter {
  /** Resolves once the write is stored; rejects with ConcordError ERR_LOCAL_STORAGE when it is not. */
  write(write: DeviceWrite): Promise<void>
  /** The leader writes no more (it closed, or was forgotten): let go of what is kept for its deltas. */
  release(docId: string, clientId: string): void
}

/** A DeviceWriter on this thread's LocalStore: where there are no workers, in Node's tests, and inside the worker. */
export class StoreWriter implements DeviceWriter {
  private readonly works = new Map<string, WorkAssembly>()

  constructor(private readonly store: LocalStore) {}

  async write({ record, work, doc }: DeviceWrite): Promise<void> {
    const key = leaderKey(record.docId, record.clientId)
    let assembly = this.works.get(key)
    if (!assembly) this.works.set(key, (assembly = new WorkAssembly()))
    assembly.apply(work)
    await this.store.saveText(record, assembly.text(), doc)
  }

  release(docId: string, clientId: string): void {
    this.works.delete(leaderKey(docId, clientId))
  }
}

function leaderKey(docId: string, clientId: string): string {
  return `${docId}\n${clientId}`
}
