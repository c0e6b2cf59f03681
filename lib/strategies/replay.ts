import type { Node } from "prosemirror-model"
import type { Step } from "prosemirror-transform"
import { findBrokenWords } from "./broken-words"
import { findSplicedWords } from "./spliced-words"
import { CharOrigins } from "./char-origins"
import { clockTime } from "./clock"
import { applyEdit, docText, type ResolvedEdit } from "./edit"
import { EditKnowledge } from "./edit-knowledge"
import { findLostEdits } from "./losses"
import { blockNamer } from "./block-names"
import { insertedBlockId, startDocument, validateScenario, type Scenario } from "./scenario"
import type { Conflict, Outcome, Overwrite, StrategyName } from "./strategy"

/** A leader's edit, already applied to their local document, handed to the strategy to record and spread. */
export interface LocalWrite {
  /** Index of the scenario event. */
  event: number
  leader: string
  /** Real time (ms since the start) and the leader's clock stamp (real time plus skew). */
  at: number
  stamp: number
  edit: ResolvedEdit
  /** The leader's document before and after the edit, and the steps between them. */
  before: Node
  after: Node
  steps: readonly Step[]
}

/** One strategy's replicas: a document per leader, local writes, and synchronisation of everyone. */
export interface ReplicaModel {
  /** The leader's current local document. */
  doc(leader: string): Node
  /** Record a leader's local edit. */
  write(write: LocalWrite): void
  /** Let every leader exchange everything with every other (a heal, or propagation on a connected network). */
  sync(): void
  /** Blocks waiting for a person, when the strategy keeps concurrent versions. */
  conflicts?(): Conflict[]
  /** False when replicas differ in a way their documents do not show. */
  converged?(): boolean
}

/** What a strategy's model gets to work with. */
export interface ModelContext {
  /** The traced scenario (char-origins.ts). */
  scenario: Scenario
  leaders: readonly string[]
  start: Node
  report: Report
  /** Where each traced character came from. */
  origins: CharOrigins
}

/** Collects a run's plain-language log, its discarded writes and the reasons edits lost characters. */
export class Report {
  readonly log: string[] = []
  readonly overwritten: Overwrite[] = []
  readonly reasons = new Map<number, string>()
  /** The scenario time of the event being replayed. */
  now = 0

  /** A block as the log names it (see blockNamer): "block 2", "Delhi's new block". */
  readonly block: (id: string) => string

  constructor(private readonly scenario: Scenario) {
    this.block = blockNamer(scenario)
  }

  /** A time on the scenario's wall clock: real time, or a leader's clock stamp. */
  time(ms: number): string {
    return clockTime(ms, this.scenario.startTime)
  }

  /** How far a leader's clock runs ahead of real time. */
  skew(leader: string): number {
    return this.scenario.leaders.find(l => l.name == leader)?.clockSkewMs ?? 0
  }

  /** Log a line, stamped with the current real time. */
  say(line: string): void {
    this.log.push(`${this.time(this.now)} ${line}`)
  }

  /** Record why an edit's characters were lost; the first reason given for an edit stands. */
  lose(event: number, reason: string): void {
    if (!this.reasons.has(event)) this.reasons.set(event, reason)
  }

  /** Record a discarded write; its edits lose their characters for the reason it gives. */
  overwrite(overwrite: Overwrite): void {
    this.overwritten.push(overwrite)
    for (const event of overwrite.edits) this.lose(event, `its write was discarded because ${overwrite.reason}`)
  }
}

/** `text` in quotes, shortened in the middle when long. */
export function quote(text: string): string {
  return `"${text.length > 60 ? text.slice(0, 28) + "…" + text.slice(-28) : text}"`
}

/** `text` with its first letter in capitals, to begin a sentence. */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Names as a sentence lists them: "Delhi, Mumbai and Chennai". */
export function listing(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`
}

/** What a leader's edit did, naming blocks as the rest of the log does (Report.block). */
function describe(leader: string, edit: ResolvedEdit, report: Report): string {
  if (edit.type == "insertBlock") return `${leader} adds a block, ${quote(edit.text)}, ${edit.after ? `after ${report.block(edit.after)}` : "at the top"}.`
  const block = report.block(edit.block)
  if (edit.type == "deleteBlock") return `${leader} deletes ${block} (${quote(edit.removed)}).`
  const clamped = edit.clamped ? " (offsets clamped to the block's text)" : ""
  if (edit.removed && edit.text) return `${leader} replaces ${quote(edit.removed)} with ${quote(edit.text)} in ${block}${clamped}.`
  if (edit.text) return `${leader} types ${quote(edit.text)} into ${block} at ${edit.from}${clamped}.`
  if (edit.removed) return `${leader} deletes ${quote(edit.removed)} from ${block}${clamped}.`
  return `${leader} makes an empty edit in ${block}${clamped}.`
}

/**
 * Replay a scenario on a strategy's model and report the outcome. Events run in time order; events
 * with the same `at` are concurrent, each made before any of them spreads. While the network is split
 * every leader edits alone; otherwise edits spread (`sync`) after each instant, and a heal syncs at
 * once. Every string of the outcome is given back in the scenario's own characters.
 */
export function runModel<M extends ReplicaModel>(
  strategy: StrategyName, scenario: Scenario, create: (context: ModelContext) => M
): { outcome: Outcome; model: M; origins: CharOrigins } {
  const check = validateScenario(scenario)
  if (!check.ok) throw new RangeError(`Invalid scenario: ${check.errors.join("; ")}`)
  const origins = new CharOrigins()
  const traced = origins.trace(scenario)
  const leaders = traced.leaders.map(l => l.name)
  const report = new Report(traced)
  const model = create({ scenario: traced, leaders, start: startDocument(traced), report, origins })
  const removed = new Map<number, string>()
  let partitioned = false
  traced.events.forEach((event, index) => {
    report.now = event.at
    if ("partition" in event) {
      partitioned = true
      report.say(`The network splits: ${listing(leaders)} each edit alone.`)
    } else if ("heal" in event) {
      partitioned = false
      report.say("The network heals: every leader synchronises.")
      model.sync()
    } else {
      const before = model.doc(event.leader)
      const result = applyEdit(before, event.edit, event.edit.type == "insertBlock" ? insertedBlockId(traced, index) : "")
      if (!result.ok) {
        report.say(`${event.leader}'s edit does not apply to their copy: ${result.reason}.`)
        report.lose(index, `the edit did not apply to ${event.leader}'s copy: ${result.reason}`)
      } else {
        report.say(describe(event.leader, result.edit, report))
        removed.set(index, result.edit.removed)
        const stamp = event.at + report.skew(event.leader)
        model.write({ event: index, leader: event.leader, at: event.at, stamp, edit: result.edit, before, after: result.tr.doc, steps: result.tr.steps })
      }
    }
    const next = traced.events[index + 1]
    if (!partitioned && "edit" in event && (!next || next.at != event.at)) model.sync()
  })
  const docs = leaders.map(leader => model.doc(leader))
  const finalTexts: Record<string, string> = {}
  leaders.forEach((leader, i) => (finalTexts[leader] = docText(docs[i])))
  const conflicts = model.conflicts?.() ?? []
  const converged = docs.every(doc => doc.eq(docs[0])) && model.converged?.() !== false
  const finals = Object.values(finalTexts)
  const survivors = finals.concat(conflicts.flatMap(c => c.versions.map(v => v.text)))
  const lost = findLostEdits({ scenario: traced, origins, survivors, finals, removed, reasons: report.reasons })
  const knowledge = new EditKnowledge(traced)
  const broken = findBrokenWords({ scenario: traced, origins, survivors, knowledge })
  const spliced = findSplicedWords({ scenario: traced, origins, survivors, knowledge })
  report.say(converged ? "End: every leader has the same document." : "End: the leaders' documents differ.")
  const outcome: Outcome = {
    strategy, finalTexts, converged,
    charsLost: lost.reduce((sum, edit) => sum + edit.lostText.length, 0),
    editsLost: lost.length,
    lost, wordsBroken: broken.length, broken, wordsSpliced: spliced.length, spliced, overwritten: report.overwritten, conflicts, log: report.log
  }
  return { outcome: origins.restoreDeep(outcome), model, origins }
}
