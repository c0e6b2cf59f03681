import { ReplaceStep, type Mappable, type Step } from "prosemirror-transform"
import { isInsertion } from "./step-info"

/** Where recent insertions begin and end, followed through every change: a start stays with the text after it, an end with the text before. */
class Edges {
  starts: number[] = []
  ends: number[] = []

  add(from: number, to: number): void {
    this.starts = keepNewest(this.starts, from)
    this.ends = keepNewest(this.ends, to)
  }

  map(mapping: Mappable): void {
    this.starts = [...new Set(this.starts.map(pos => mapping.map(pos, 1)))]
    this.ends = [...new Set(this.ends.map(pos => mapping.map(pos, -1)))]
  }
}

function keepNewest(list: number[], pos: number): number[] {
  const result = list.filter(p => p != pos)
  result.push(pos)
  return result.length > TextEdges.kept ? result.slice(result.length - TextEdges.kept) : result
}

/**
 * The edges of the text a client and others typed most recently, followed through every change of the
 * client's document, which decide which side of a concurrent insertion at the same point the client's
 * insertions take (SubmitRequest.stickLeft, docs/PROTOCOL.md): typing stays with the writer's own text
 * next to it, and otherwise keeps clear of text others just typed, which they may be continuing. Only
 * the newest few edges are kept: a run of typing continues the newest.
 */
export class TextEdges {
  /** How many starts and ends of each side's text are kept. */
  static readonly kept = 8
  /**
   * Changes of more steps than this are not followed (each edge would be mapped through every step):
   * the edges start again from what the caller knows of the newest text (see restart).
   */
  static readonly followLimit = 1_000

  private readonly own = new Edges()
  private readonly others = new Edges()

  /**
   * Take a step this client made, in order: returns whether it is an insertion that stays left of
   * whatever others insert at the same point concurrently (right after its own text; or right before
   * text another just typed, unless right after some too or before its own), and follows it.
   */
  record(step: Step): boolean {
    const inserts = isInsertion(step)
    let left = false
    if (inserts) {
      const at = step.from
      const afterOwn = this.own.ends.includes(at), beforeOwn = this.own.starts.includes(at)
      const afterOthers = this.others.ends.includes(at), beforeOthers = this.others.starts.includes(at)
      left = afterOwn || (beforeOthers && !afterOthers && !beforeOwn)
    }
    this.map(step.getMap())
    // What a replacement puts in is the writer's newest text too: the word typed over a selection goes on from it.
    if (step instanceof ReplaceStep && step.slice.size > 0) this.own.add(step.from, step.from + step.slice.size)
    return left
  }

  /** Note text others inserted, from `from` to `to` in the current document. */
  othersTyped(from: number, to: number): void {
    this.others.add(from, to)
  }

  /** Follow changes made otherwise than by `record` (others' ops, a rebase). */
  map(mapping: Mappable): void {
    this.own.map(mapping)
    this.others.map(mapping)
  }

  /** Forget every edge, keeping only this client's newest text, from `from` to `to` (when it has some): after a change too large to follow. */
  restart(own: { from: number; to: number } | null): void {
    this.own.starts = []
    this.own.ends = []
    this.others.starts = []
    this.others.ends = []
    if (own) this.own.add(own.from, own.to)
  }
}
