import { ReplaceStep, Step } from "prosemirror-transform"
import { schema } from "../schema"
import { quote } from "../ot/op-summary"
import { setsBlockId } from "../ot/step-info"
import type { CommittedOp } from "../protocol/messages"

/** What a run of keystrokes left behind: the text it typed that is still there, and how much it erased besides. */
export interface TypingResult {
  text: string
  /** Characters deleted outside the text the run typed itself. */
  erased: number
}

const keystrokePhrase = /^(typed|deleted|replaced) /
const keystrokeCache = new WeakMap<CommittedOp, boolean>()

/**
 * True when every change of `op` is a keystroke: text typed, deleted or replaced inside a textblock
 * (block-id bookkeeping aside). Splits, joins, formatting and structure are not keystrokes.
 */
export function isKeystrokeOp(op: CommittedOp): boolean {
  let known = keystrokeCache.get(op)
  if (known == null) keystrokeCache.set(op, (known = checkKeystrokes(op)))
  return known
}

function checkKeystrokes(op: CommittedOp): boolean {
  if (!op.steps.length) return false
  if (op.summary && !op.summary.split("; ").every(phrase => keystrokePhrase.test(phrase))) return false
  let edits = 0
  for (const json of op.steps) {
    if (setsBlockId(json)) continue
    const step = parse(json)
    if (!(step instanceof ReplaceStep) || step.slice.openStart || step.slice.openEnd) return false
    let inline = true
    step.slice.content.forEach(node => (inline &&= node.isInline))
    if (!inline) return false
    edits++
  }
  return edits > 0
}

/**
 * Follows one place of typing through consecutive keystroke ops: the range of text the run typed, in
 * the coordinates of the newest op added. `add` refuses ops that edit elsewhere, so a run is one place.
 */
export class TypingRun {
  private start = -1
  private text = ""
  private erased = 0

  /** Take in the steps of a keystroke op, or return false (changing nothing) when they edit outside the run. */
  add(op: CommittedOp): boolean {
    const steps = op.steps.map(parse).filter((s): s is ReplaceStep => s instanceof ReplaceStep)
    const saved = { start: this.start, text: this.text, erased: this.erased }
    for (const step of steps) {
      if (!this.addStep(step)) {
        Object.assign(this, saved)
        return false
      }
    }
    return true
  }

  /** What the run typed and erased so far. */
  get result(): TypingResult {
    return { text: this.text, erased: this.erased }
  }

  private addStep(step: ReplaceStep): boolean {
    const inserted = step.slice.content.textBetween(0, step.slice.content.size, "", "\ufffc")
    if (this.start < 0) {
      this.start = step.from
      this.text = inserted
      this.erased = step.to - step.from
      return true
    }
    const end = this.start + this.text.length
    if (step.to < this.start || step.from > end) return false
    const cutFrom = Math.max(step.from, this.start) - this.start
    const cutTo = Math.min(step.to, end) - this.start
    this.erased += Math.max(0, this.start - step.from) + Math.max(0, step.to - end)
    this.text = this.text.slice(0, cutFrom) + inserted + this.text.slice(Math.max(cutFrom, cutTo))
    this.start = Math.min(this.start, step.from)
    return true
  }
}

/** Describe what a keystroke run did, placed with `where` ("paragraph 3"): "typed 'hello' in paragraph 3". */
export function describeTyping(result: TypingResult, where: string | null): string {
  const place = where ? ` in ${where}` : ""
  const text = result.text.replace(/\ufffc/g, " ")
  const chars = (n: number) => `${n} character${n == 1 ? "" : "s"}`
  if (text && result.erased) return `typed ${quote(text)} and deleted ${chars(result.erased)}${place}`
  if (text) return `typed ${quote(text)}${place}`
  if (result.erased) return `deleted ${chars(result.erased)}${place}`
  return `typed and erased some text${place}`
}

/** The block an op's summary names ("paragraph 3" in "typed 'x' in paragraph 3"), or null. */
export function placeOf(summary: string | undefined): string | null {
  const match = summary && / in ((?:[a-z]+ )+\d+)$/.exec(summary.split("; ")[0])
  return match ? match[1] : null
}

function parse(json: CommittedOp["steps"][number]): Step {
  return Step.fromJSON(schema, json)
}
