import type { Author, CommittedOp } from "../protocol/messages"
import { authorKey, isMerged } from "./timeline"

/** How a merged op was transformed, as data and as a sentence. */
export interface MergeExplanation {
  /** The ops committed between the op's base version and the op, as far as they are known. */
  concurrent: { version: number; author: Author }[]
  /** How many ops it was transformed past. */
  count: number
  /** The first step whose position changed, and how many more did. */
  moved: { from: number; to: number; more: number } | null
  /** "written on v12 while Bob's v13 and Carol's v14 arrived; moved from position 40 to 47" */
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
  const concurrent: MergeExplanation["concurrent"] = []
  for (let version = op.baseVersion + 1; version < op.version; version++) {
    const other = lookup(version)
    if (other) concurrent.push({ version, author: other.author })
  }
  const runs: { author: Author; from: number; to: number }[] = []
  for (const c of concurrent) {
    const last = runs[runs.length - 1]
    if (last && last.to == c.version - 1 && authorKey(last.author) == authorKey(c.author)) last.to = c.version
    else runs.push({ author: c.author, from: c.version, to: c.version })
  }
  let arrived: string
  if (runs.length <= 3 && concurrent.length == count) {
    arrived = listWords(runs.map(r => `${r.author.name}'s v${r.from}${r.to > r.from ? `–v${r.to}` : ""}`))
  } else {
    const names = new Map<string, string>()
    for (const c of concurrent) names.set(authorKey(c.author), c.author.name)
    const who = [...names.values()]
    if (concurrent.length < count) who.push(concurrent.length ? "others" : "other people")
    arrived = `${plural(count, "op")} by ${listWords(who)} (v${op.baseVersion + 1}–v${op.version - 1})`
  }
  const changed = (op.moves ?? []).filter(m => m.mappedFrom != null && (m.mappedFrom != m.from || m.mappedTo != m.to))
  const moved = changed.length ? { from: changed[0].from, to: changed[0].mappedFrom!, more: changed.length - 1 } : null
  const parts = [`written on v${op.baseVersion} while ${arrived} arrived`]
  if (moved) parts.push(`moved from position ${moved.from} to ${moved.to}${moved.more ? ` (and ${plural(moved.more, "more step")})` : ""}`)
  else if (op.steps.length) parts.push("its positions did not change")
  const dropped = op.dropped?.length ?? 0
  if (dropped) parts.push(`${plural(dropped, "change")} could not be applied`)
  return { concurrent, count, moved, text: parts.join("; ") }
}
