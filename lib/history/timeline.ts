import type { Author, CommittedOp, StepJSON } from "../protocol/messages"
import { restoreWords } from "./restore-words"
import { shownDrops } from "./shown-drops"
import { setsBlockId } from "../ot/step-info"
import { describeTyping, isKeystrokeOp, placeOf, TypingRun } from "./typing-run"

/** One row of the history timeline: a single op, or one person's consecutive keystrokes collapsed into one. */
export interface TimelineEntry {
  /** Stable across updates: the version of the entry's first op. */
  key: string
  /** The ops of the entry, oldest first. */
  ops: CommittedOp[]
  /** The versions of the first and last op. */
  first: number
  last: number
  author: Author
  clientId: string
  /** When the last op was committed (the hub's clock). */
  time: number
  /** What the entry did in plain language. */
  summary: string
  /** True when an op of the entry was written on an older version than the one before it, so was transformed. */
  merged: boolean
  /** Steps of the entry's ops that the transform could not apply, and last-writer-wins writes that lost. */
  dropped: number
}

/** Settings of `groupTimeline`. */
export interface GroupOptions {
  /** Keystroke ops further apart than this (ms) start a new entry; 3,000 by default. */
  gapMs?: number
  /** Ops one entry may collect at most; 500 by default. */
  maxOps?: number
}

/** True when `op` was written on a version older than the one it follows: it was transformed past others' ops. */
export function isMerged(op: CommittedOp): boolean {
  return op.baseVersion < op.version - 1
}

/** True when transform moved or dropped some of `op`'s steps: worth an entry of its own. */
function transformChanged(op: CommittedOp): boolean {
  return !!(op.moves?.length || shownDrops(op).length)
}

function sameAuthor(a: CommittedOp, b: CommittedOp): boolean {
  return a.clientId == b.clientId && a.author.name == b.author.name && a.author.color == b.author.color
}

/** True for a step that replaces nothing with nothing: it changes nothing (an undo whose text someone else removed). */
function replacesNothing(step: StepJSON): boolean {
  return step.stepType == "replace" && step.from == step.to && !step.slice
}

/** What a single op did, in words; a restore's time in the viewer's locale (see restoreWords). */
export function summarizeOp(op: CommittedOp): string {
  if (op.restored) return restoreWords(op.restored)
  if (op.summary) return op.summary
  const dropped = shownDrops(op).length
  if (dropped && !op.steps.length) return `could not apply ${dropped} change${dropped == 1 ? "" : "s"}`
  return op.steps.some(step => !replacesNothing(step)) ? "changed the document" : "changed nothing"
}

/**
 * True for an op that only gives new blocks their ids, which every tab does after a new block appears
 * (lib/schema's block ids): bookkeeping nobody wrote, left out of the timeline.
 */
function bookkeepingOnly(op: CommittedOp): boolean {
  return op.steps.length > 0 && op.steps.every(setsBlockId) && !op.restored && !shownDrops(op).length
}

/**
 * Build the timeline of `ops` (oldest first, consecutive versions), newest entry first. Consecutive ops
 * of one person that are all keystrokes in one place, each within `gapMs` of the one before, collapse
 * into one entry ("typed 'hello world' in paragraph 3"); an op whose steps transform moved or dropped
 * stands alone, since it has a merge to explain. Ops that only give blocks their ids have no entry. Pure.
 */
export function groupTimeline(ops: readonly CommittedOp[], options: GroupOptions = {}): TimelineEntry[] {
  const gapMs = options.gapMs ?? 3_000
  const maxOps = options.maxOps ?? 500
  const entries: TimelineEntry[] = []
  let open: { ops: CommittedOp[]; run: TypingRun } | null = null
  const close = () => {
    if (open) entries.push(entryOf(open.ops, open.run))
    open = null
  }
  for (const op of ops) {
    if (bookkeepingOnly(op)) continue
    const keystroke = isKeystrokeOp(op) && !transformChanged(op)
    const current = open as { ops: CommittedOp[]; run: TypingRun } | null
    if (current && keystroke) {
      const last = current.ops[current.ops.length - 1]
      if (sameAuthor(last, op) && op.time - last.time <= gapMs && current.ops.length < maxOps && current.run.add(op)) {
        current.ops.push(op)
        continue
      }
    }
    close()
    const run = new TypingRun()
    if (keystroke && run.add(op)) open = { ops: [op], run }
    else entries.push(entryOf([op], null))
  }
  close()
  return entries.reverse()
}

function entryOf(ops: CommittedOp[], run: TypingRun | null): TimelineEntry {
  const first = ops[0], last = ops[ops.length - 1]
  const summary = ops.length > 1 && run ? describeTyping(run.result, placeOf(first.summary)) : summarizeOp(first)
  return {
    key: `v${first.version}`,
    ops,
    first: first.version,
    last: last.version,
    author: first.author,
    clientId: first.clientId,
    time: last.time,
    summary,
    merged: ops.some(isMerged),
    dropped: ops.reduce((n, op) => n + shownDrops(op).length + (op.writes?.filter(w => !w.won).length ?? 0), 0)
  }
}

/** Which entries a timeline shows: all, merged ones only, the viewer's own, or one person's (by client identity). */
export type TimelineFilter = { kind: "all" } | { kind: "merges" } | { kind: "mine" } | { kind: "author"; clientId: string }

/**
 * A person as the history tells people apart: by the client identity their ops carry (one browser's),
 * however often they changed their name or colour, shown with the name and colour they used last.
 */
export interface Person {
  clientId: string
  author: Author
}

/** A key that tells people apart by name and colour. */
export function authorKey(author: Author): string {
  return `${author.name}\u0000${author.color}`
}

/** The entries `filter` keeps; `me` is the viewer's client id, for "mine". */
export function filterTimeline(entries: readonly TimelineEntry[], filter: TimelineFilter, me: string): TimelineEntry[] {
  switch (filter.kind) {
    case "all":
      return [...entries]
    case "merges":
      return entries.filter(e => e.merged || e.dropped > 0)
    case "mine":
      return entries.filter(e => e.clientId == me)
    case "author":
      return entries.filter(e => e.clientId == filter.clientId)
  }
}

/** The people who wrote `ops` (see Person), most recent first. */
export function peopleOf(ops: readonly CommittedOp[]): Person[] {
  const seen = new Map<string, Person>()
  for (let i = ops.length - 1; i >= 0; i--) {
    const { clientId, author } = ops[i]
    if (!seen.has(clientId)) seen.set(clientId, { clientId, author })
  }
  return [...seen.values()]
}
