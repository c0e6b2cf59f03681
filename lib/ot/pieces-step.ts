import type { Node, Schema } from "prosemirror-model"
import { type Mappable, ReplaceStep, Step, StepMap, StepResult } from "prosemirror-transform"

/**
 * Several replace steps that are one change to the editor and its undo history: the pieces of a
 * deletion split around others' typing (splitAround), which undo brings back where they were, leaving
 * that typing as it is then. The pieces apply in order, each ending before the one before it begins
 * (from the last in the document to the first), so that every piece's positions are those of the
 * document the whole step applies to, and its map is theirs side by side. It never crosses the wire:
 * the sync client sends its pieces (SyncClient.record), and the hub sees replace steps.
 */
export class PiecesStep extends Step {
  private constructor(readonly pieces: readonly ReplaceStep[]) {
    super()
  }

  /** `pieces` as one step, or null unless they are replace steps each ending before the one before it begins. */
  static of(pieces: readonly Step[]): PiecesStep | null {
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]
      if (!(piece instanceof ReplaceStep)) return null
      if (i > 0 && piece.to > (pieces[i - 1] as ReplaceStep).from) return null
    }
    return pieces.length ? new PiecesStep(pieces as ReplaceStep[]) : null
  }

  override apply(doc: Node): StepResult {
    for (const piece of this.pieces) {
      const result = piece.apply(doc)
      if (!result.doc) return result
      doc = result.doc
    }
    return StepResult.ok(doc)
  }

  override getMap(): StepMap {
    const ranges: number[] = []
    for (let i = this.pieces.length - 1; i >= 0; i--) {
      const { from, to, slice } = this.pieces[i]
      ranges.push(from, to - from, slice.size)
    }
    return new StepMap(ranges)
  }

  /** The pieces undone, from the last in the document to the first, at their places in the document this step makes. */
  override invert(doc: Node): PiecesStep {
    let shift = 0
    for (const { from, to, slice } of this.pieces) shift += slice.size - (to - from)
    const inverted: ReplaceStep[] = []
    for (const piece of this.pieces) {
      // What the pieces below this one changed moves it; itself no longer counts.
      shift -= piece.slice.size - (piece.to - piece.from)
      const at = piece.from + shift
      inverted.push(new ReplaceStep(at, at + piece.slice.size, doc.slice(piece.from, piece.to)))
    }
    return new PiecesStep(inverted)
  }

  /**
   * Each piece mapped, or null when one of them is gone (its place deleted around it), as a single
   * replace step is: a mapping recovering positions through a mirror of this step finds them at the same
   * offset in the same range of it, which a step with fewer pieces, or an empty one in a piece's place,
   * does not have (ProseMirror's own steps map to one of their shape or to null).
   */
  override map(mapping: Mappable): PiecesStep | null {
    const mapped: ReplaceStep[] = []
    for (const piece of this.pieces) {
      const step = piece.map(mapping)
      if (!(step instanceof ReplaceStep)) return null
      mapped.push(step)
    }
    return PiecesStep.of(mapped)
  }

  override merge(): null {
    return null
  }

  override toJSON(): { stepType: string; pieces: unknown[] } {
    return { stepType: "concordPieces", pieces: this.pieces.map(piece => piece.toJSON()) }
  }

  static override fromJSON(schema: Schema, json: { pieces?: unknown }): PiecesStep {
    if (!Array.isArray(json.pieces)) throw new RangeError("Invalid input for PiecesStep.fromJSON")
    const step = PiecesStep.of(json.pieces.map(piece => Step.fromJSON(schema, piece)))
    if (!step) throw new RangeError("Invalid pieces for PiecesStep.fromJSON")
    return step
  }
}

Step.jsonID("concordPieces", PiecesStep)
