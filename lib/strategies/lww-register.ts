import { duration } from "./clock"
import type { ModelContext } from "./replay"
import { capitalized, quote } from "./replay"

/**
 * A last-writer-wins register's value as one write left it: the writer's clock stamp and name decide
 * which write wins. `lineage` holds the scenario events whose edits the value carries (the writer's
 * own and those it was written on top of); it only measures losses, LWW itself never looks at it.
 */
export interface Register<V> {
  value: V
  /** The writer's clock stamp; -Infinity for the starting value. */
  stamp: number
  /** Real time of the write, for explanations. */
  at: number
  /** The leader who wrote it; "" for the starting value. */
  writer: string
  /** The scenario event that wrote it; -1 for the starting value. */
  write: number
  lineage: ReadonlySet<number>
}

/** The register a starting value is in: older than any write. */
export function startRegister<V>(value: V): Register<V> {
  return { value, stamp: -Infinity, at: -Infinity, writer: "", write: -1, lineage: new Set() }
}

/** A leader's write on top of `base`, the value their copy held. */
export function writeRegister<V>(base: Register<unknown>, value: V, write: { event: number; leader: string; at: number; stamp: number }): Register<V> {
  return { value, stamp: write.stamp, at: write.at, writer: write.leader, write: write.event, lineage: new Set([...base.lineage, write.event]) }
}

/** True when `a` wins over `b`: a later stamp, or on equal stamps the writer whose name sorts last. */
export function beats(a: Register<unknown>, b: Register<unknown>): boolean {
  return a.stamp > b.stamp || (a.stamp == b.stamp && a.writer > b.writer)
}

/** Where registers live: the block they hold (absent for the whole document) and how to read a value's text. */
export interface RegisterSite<V> {
  block?: string
  text(value: V): string
}

/**
 * Settles registers the way LWW does: the written value with the highest (stamp, writer) wins and
 * every other is dropped, whatever it held. Each losing value carrying edits the winner does not carry
 * is reported as overwritten, once for each pair of writes (`reported` remembers them across syncs).
 */
export class RegisterMerge {
  private readonly reported = new Set<string>()

  constructor(private readonly context: ModelContext) {}

  /** The winner among `candidates` (values held by different replicas). */
  settle<V>(candidates: readonly Register<V>[], site: RegisterSite<V>): Register<V> {
    let winner = candidates[0]
    for (const c of candidates) if (beats(c, winner)) winner = c
    for (const c of candidates) if (c.write != winner.write) this.discard(c, winner, site, false)
    return winner
  }

  /** Write `candidate` on a replica holding `current`: returns what the replica keeps. */
  write<V>(current: Register<V>, candidate: Register<V>, site: RegisterSite<V>): Register<V> {
    if (beats(candidate, current)) return candidate
    this.discard(candidate, current, site, true)
    return current
  }

  private discard<V>(loser: Register<V>, winner: Register<V>, site: RegisterSite<V>, onArrival: boolean): void {
    const edits = [...loser.lineage].filter(e => !winner.lineage.has(e)).sort((a, b) => a - b)
    const key = `${site.block ?? ""}/${loser.write}/${winner.write}`
    if (edits.length == 0 || this.reported.has(key)) return
    this.reported.add(key)
    const { report, origins } = this.context
    const lostText = [...site.text(loser.value)].filter(c => edits.includes(origins.origin(c)?.event ?? -1)).join("")
    const unit = site.block ? capitalized(report.block(site.block)) : "The document"
    const loserTime = report.time(loser.stamp), winnerTime = report.time(winner.stamp)
    const reason = this.whyWins(winner, loser)
    if (onArrival)
      report.say(`${unit}: ${loser.writer}'s write stamped ${loserTime} is discarded on arrival: ${loser.writer}'s copy already holds ${winner.writer}'s write stamped ${winnerTime}.`)
    else
      report.say(`${unit}: ${winner.writer}'s write stamped ${winnerTime} wins over ${loser.writer}'s stamped ${loserTime}; ${
        lostText ? `${quote(lostText)} is discarded` : loser.value === null ? `${loser.writer}'s deletion is undone` : `${loser.writer}'s edit is discarded`}.`)
    report.overwrite({ loser: loser.writer, winner: winner.writer, ...(site.block ? { block: site.block } : {}), lostText, loserTime, winnerTime, reason, edits })
  }

  private whyWins(winner: Register<unknown>, loser: Register<unknown>): string {
    const { report } = this.context
    const w = winner.writer, l = loser.writer
    if (winner.stamp == loser.stamp) return `both writes carry the stamp ${report.time(winner.stamp)}, and a tie goes to the writer whose name sorts last, ${w}`
    let reason = `${w}'s write stamped ${report.time(winner.stamp)} is newer than ${l}'s stamped ${report.time(loser.stamp)}`
    if (winner.at < loser.at)
      reason += `, though ${l} wrote ${duration(loser.at - winner.at)} later in real time: ${w}'s clock runs ${duration(report.skew(w) - report.skew(l))} ahead of ${l}'s`
    return reason
  }
}
