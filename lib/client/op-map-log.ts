import type { Schema } from "prosemirror-model"
import { Step, type StepMap } from "prosemirror-transform"
import type { LeanOp, StepJSON } from "../protocol/messages"

/**
 * The step maps of the most recently committed ops, to carry positions that refer to an older
 * version (another person's selection) to a newer one. Maps are built lazily from the ops' JSON,
 * and only the newest `capacity` ops are kept.
 */
export class OpMapLog {
  private readonly ops = new Map<number, { steps: StepJSON[]; maps: StepMap[] | null }>()

  constructor(private readonly schema: Schema, private readonly capacity = 500) {}

  /** Keep the ops of `ops` that produced versions from + 1 to `to`: those a client just applied. */
  record(ops: readonly LeanOp[], from: number, to: number): void {
    for (const op of ops) if (op.version > from && op.version <= to) this.ops.set(op.version, { steps: op.steps, maps: null })
    for (const version of this.ops.keys()) {
      if (this.ops.size <= this.capacity) break
      this.ops.delete(version)
    }
  }

  /** Forget every op, for a client that starts over from a snapshot. */
  clear(): void {
    this.ops.clear()
  }

  /** The maps that lead from version `from` to version `to`, or null when an op in between is not kept. */
  mapsBetween(from: number, to: number): StepMap[] | null {
    const maps: StepMap[] = []
    for (let version = from + 1; version <= to; version++) {
      const entry = this.ops.get(version)
      if (!entry) return null
      entry.maps ??= entry.steps.map(json => Step.fromJSON(this.schema, json).getMap())
      maps.push(...entry.maps)
    }
    return maps
  }
}
