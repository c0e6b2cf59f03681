import type { Author, CommittedOp } from "../protocol/messages"
import { isMerged } from "./timeline"
import { shownDrops } from "./shown-drops"
import { setsBlockId } from "../ot/step-info"

/** How a merged op was transformed, as data and as a sentence. */
export interface MergeExplanation {
  /** The ops committed between the op's base version and the op, as far as they are known. */
  concurrent: { version: number; author: Author }[]
  /** How many ops it was transformed past. */
  count: number
  /** The first step whose position changed, and how many more did. */
  moved: { from: number; to: number; more: number } | null
  /** In plain words: "Merged after 2 edits by Bob and Carol that Ada had not seen; moved 7 characters to the right." */
  plain: string
  /** The precise account: "written on v12 while Bob's v13 and Carol's v14 arrived; moved from position 40 to 47" */
  text: string
}

/** "Bob", "Bob and Carol", "Bob, Carol and Dave". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? ""
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n == 1 ? "" : "s"}`
}

/**
 * Explain a merged op: which ops it was written alongside (their authors from `lookup`, which returns an
 * op by version when it is known), where its steps moved (from `op.moves`), and what was dropped.
 * Null for an op that was not merged. Pure.
 */
export function explainMerge(op: CommittedOp, lookup: (version: number) => CommittedOp | undefined): MergeExplanation | null {
  if (!isMerged(op)) return null
  const count = op.version - 1 - op.baseVersion
  const concurrent: (MergeExplanation["concurrent"][number] & { clientId: string })[] = []
  for (let version = op.baseVersion + 1; version < op.version; version++) {
    const other = lookup(version)
    if (other) concurrent.push({ version, author: other.author, clientId: other.clientId })
  }
  // People by client identity (see Person), with the name they used last.
  const names = new Map<string, string>()
  for (const c of concurrent) {
    names.delete(c.clientId)
    names.set(c.clientId, c.author.name)
  }
  const who = [...names.values()]
  if (concurrent.length < count) who.push(concurrent.length ? "others" : "other people")
  const runs: { author: Author; clientId: string; from: number; to: number }[] = []
  for (const c of concurrent) {
    const last = runs[runs.length - 1]
    if (last && last.to == c.version - 1 && last.clientId == c.clientId) last.to = c.version
    else runs.push({ author: c.author, clientId: c.clientId, from: c.version, to: c.version })
  }
  let arrived: string
  if (runs.length <= 3 && concurrent.length == count) {
    arrived = listWords(runs.map(r => `${r.author.name}'s v${r.from}${r.to > r.from ? `–v${r.to}` : ""}`))
  } else {
    arrived = `${plural(count, "op")} by ${listWords(who)} (v${op.baseVersion + 1}–v${op.version - 1})`
  }
  // A step moved when its start did; one whose end alone moved (a deletion that others typed into) stayed where it was.
  const changed = (op.moves ?? []).filter(m => m.mappedFrom != null && m.mappedFrom != m.from)
  const moved = changed.length ? { from: changed[0].from, to: changed[0].mappedFrom!, more: changed.length - 1 } : null
  const parts = [`written on v${op.baseVersion} while ${arrived} arrived`]
  if (moved) parts.push(`moved from position ${moved.from} to ${moved.to}${moved.more ? ` (and ${plural(moved.more, "more step")})` : ""}`)
  else if (op.steps.length) parts.push("its positions did not change")
  const dropped = shownDrops(op).length
  if (dropped) parts.push(`${plural(dropped, "change")} could not be applied`)
  const unit = typedOnly(op, lookup) ? "character" : "position"
  return { concurrent: concurrent.map(({ version, author }) => ({ version, author })), count, moved, plain: plainWords(op, count, who, moved, dropped, unit), text: parts.join("; ") }
}

/**
 * True when every op `op` was merged past typed or deleted text only (replace steps of inline content,
 * or none): then a distance in positions is one in characters. Paragraph breaks, blocks and the like
 * take positions that are no characters.
 */
function typedOnly(op: CommittedOp, lookup: (version: number) => CommittedOp | undefined): boolean {
  for (let version = op.baseVersion + 1; version < op.version; version++) {
    const other = lookup(version)
    if (!other) return false
    for (const step of other.steps) {
      if (setsBlockId(step)) continue
      if (step.stepType != "replace") return false
      const slice = (step as { slice?: { content?: { type: string }[]; openStart?: number; openEnd?: number } }).slice
      if (slice && (slice.openStart || slice.openEnd || (slice.content ?? []).some(node => node.type != "text"))) return false
    }
  }
  return true
}

// "Merged after 14 edits by Bob that Ada had not seen; moved 25 characters to the right."
function plainWords(op: CommittedOp, count: number, who: readonly string[], moved: MergeExplanation["moved"], dropped: number, unit: string): string {
  const parts = [`Merged after ${plural(count, "edit")} by ${listWords(who)} that ${op.author.name} had not seen`]
  if (moved) {
    const distance = moved.to - moved.from
    parts.push(distance ? `moved ${plural(Math.abs(distance), unit)} to the ${distance > 0 ? "right" : "left"}` : "its first change stayed in place")
  } else if (op.steps.length) {
    parts.push("nothing had to move")
  }
  if (dropped) parts.push(`${plural(dropped, "change")} could not be applied (below)`)
  return parts.join("; ") + "."
}
