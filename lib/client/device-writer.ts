import type { LeaderWrite } from "./local-store"

/**
 * Writes leaders to the device: a LocalStore on this thread, or a WorkerWriter handing the writes to a
 * worker. Each leader's writes come in order, each work delta against the one before; after a failed
 * write, the leader's next carries its whole work and document (LeaderPersistence).
 */
export interface DeviceWriter {
  /** Resolves once the write is stored; rejects with ConcordError ERR_LOCAL_STORAGE when it is not. */
  write(write: LeaderWrite): Promise<void>
}
