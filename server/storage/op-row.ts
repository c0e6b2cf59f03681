import type { CommittedOp } from "../../lib/protocol"

/**
 * The columns of an op's row after doc_id, in one order for every statement that reads or writes them:
 * rows are read as arrays (better-sqlite3's raw mode, which builds 500 rows in about half the time of
 * objects with 16 keys) and written from arrays, by this thread or the writer thread (sqlite-writes.cjs).
 */
export const opColumns = ["version", "client_id", "seq", "base_version", "author_name", "author_color", "time", "steps", "original", "dropped", "moves", "summary", "writes", "vv_writes", "y_update", "origins", "restored"] as const

/** An op's row: one value per column of opColumns. */
export type OpRow = [
  version: number, clientId: string, seq: number, baseVersion: number, authorName: string, authorColor: string, time: number, steps: string,
  original: string | null, dropped: string | null, moves: string | null, summary: string | null, writes: string | null, vvWrites: string | null,
  update: string | null, origins: string | null, restored: string | null
]

/** opColumns as a select list, each prefixed with `table.` when given. */
export function selectOp(table = ""): string {
  return opColumns.map(column => table + column).join(", ")
}

function toJSONColumn(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value)
}

/** The row an op is stored as. */
export function opRow(op: CommittedOp): OpRow {
  return [
    op.version, op.clientId, op.seq, op.baseVersion, op.author.name, op.author.color, op.time, JSON.stringify(op.steps),
    toJSONColumn(op.original), toJSONColumn(op.dropped), toJSONColumn(op.moves), op.summary ?? null, toJSONColumn(op.writes),
    toJSONColumn(op.vvWrites), op.update ?? null, toJSONColumn(op.origins), toJSONColumn(op.restored)
  ]
}

/** The op a row holds. */
export function toOp(row: OpRow): CommittedOp {
  const [version, clientId, seq, baseVersion, name, color, time, steps, original, dropped, moves, summary, writes, vvWrites, update, origins, restored] = row
  const op: CommittedOp = { version, clientId, seq, baseVersion, steps: JSON.parse(steps), author: { name, color }, time }
  if (original != null) op.original = JSON.parse(original)
  if (dropped != null) op.dropped = JSON.parse(dropped)
  if (origins != null) op.origins = JSON.parse(origins)
  if (moves != null) op.moves = JSON.parse(moves)
  if (summary != null) op.summary = summary
  if (writes != null) op.writes = JSON.parse(writes)
  if (vvWrites != null) op.vvWrites = JSON.parse(vvWrites)
  if (update != null) op.update = update
  if (restored != null) op.restored = JSON.parse(restored)
  return op
}
