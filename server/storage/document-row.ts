import type { StrategyName } from "../../lib/protocol"
import type { DocumentRecord } from "./storage"

/** A document's row, as both SQL stores read it. */
export interface DocumentRow {
  id: string
  strategy: StrategyName
  created_at: number
  version: number
}

/** The DocumentRecord of a document's row. */
export function toRecord(row: DocumentRow): DocumentRecord {
  return { id: row.id, strategy: row.strategy, createdAt: row.created_at, version: row.version }
}
