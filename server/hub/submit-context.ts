import type { Storage } from "../storage"
import type { Publisher } from "./publisher"

/** What the submit and update pipelines (and their dedup step) need from the hub around them. */
export interface SubmitContext {
  storage: Storage
  /** Where committed ops go once durable (the publish step). */
  publisher: Publisher
  /** A snapshot is committed with every op whose version is a multiple of this. */
  snapshotEvery: number
  now: () => number
}
