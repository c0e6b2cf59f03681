import type { Node } from "prosemirror-model"
import { schema } from "../../schema/schema"
import type { DocJSON } from "../../protocol/messages"
import { nextKey, orderBlocks, startPlacements, type Placement } from "../block-order"
import { blockText } from "../edit"
import { capitalized, listing, quote, runModel, type LocalWrite, type ModelContext, type ReplicaModel } from "../replay"
import type { Scenario } from "../scenario"
import type { Conflict, Outcome, Strategy } from "../strategy"
import { compareVectors, formatVector, mergeVectors, type VersionVector } from "./vectors"
import { strategyName } from "../../protocol/strategies"

/** One version of a block: its value (null once deleted) and version vector. */
export interface Sibling {
  value: DocJSON | null
  vector: VersionVector
  /** The leader who wrote it; "" for the starting value. */
  writer: string
  /** The scenario event that wrote it; null for the starting value and for a person's resolution. */
  event: number | null
  /** The writer's clock stamp, for explanations only; null where `event` is. */
  stamp: number | null
}

/** A leader's copy: where blocks go, and each block's versions (more than one: a conflict). */
export interface VersionVectorReplica {
  placements: Record<string, Placement>
  blocks: Record<string, Sibling[]>
}

/** Everything the version-vector strategy holds, as plain data a lab can keep and hand back. */
export interface VersionVectorState {
  leaders: string[]
  /** True when the network is split: a resolution stays on its leader's copy. */
  partitioned: boolean
  replicas: Record<string, VersionVectorReplica>
}

/** One write a scenario made under this strategy, with the vector it got. */
export interface VersionVectorWrite {
  event: number
  leader: string
  block: string
  vector: VersionVector
}

/**
 * The version a copy shows while a block has several, chosen the same way on every copy as CouchDB
 * picks its winning revision: a live version over a deletion, then the one with more writes seen,
 * then the writer whose name sorts last. The others stay, waiting for a person.
 */
export function shownSibling(siblings: readonly Sibling[]): Sibling {
  const sum = (s: Sibling) => Object.values(s.vector).reduce((a, b) => a + b, 0)
  return siblings.reduce((best, s) => {
    const order = Number(!!s.value) - Number(!!best.value) || sum(s) - sum(best) || (s.writer > best.writer ? 1 : s.writer < best.writer ? -1 : 0) || (s.event ?? -1) - (best.event ?? -1)
    return order > 0 ? s : best
  })
}

function siblingText(s: Sibling): string {
  return s.value ? blockText(schema.nodeFromJSON(s.value)) : ""
}

/** The siblings that remain when replicas meet: all versions, minus repeats and those another dominates. */
function mergeSiblings(lists: readonly (readonly Sibling[])[]): { kept: Sibling[]; superseded: Sibling[] } {
  const all = new Map<string, Sibling>()
  for (const list of lists) for (const s of list) all.set(JSON.stringify(Object.entries(s.vector).sort()), s)
  const kept: Sibling[] = [], superseded: Sibling[] = []
  for (const s of all.values()) {
    if ([...all.values()].some(o => compareVectors(s.vector, o.vector) == "before")) superseded.push(s)
    else kept.push(s)
  }
  return { kept, superseded }
}

/** A leader's current document: each block's shown version, deleted blocks left out. */
export function versionVectorDoc(state: VersionVectorState, leader: string): Node {
  const replica = state.replicas[leader]
  if (!replica) throw new RangeError(`No leader ${leader}`)
  const blocks: Node[] = []
  for (const id of orderBlocks(Object.values(replica.placements))) {
    const shown = shownSibling(replica.blocks[id])
    if (shown.value) blocks.push(schema.nodeFromJSON(shown.value))
  }
  return schema.nodes.doc.create(null, blocks.length ? blocks : schema.nodes.paragraph.create())
}

/**
 * Blocks with concurrent versions waiting for a person, gathered over every copy as a full
 * synchronisation would show them. Concurrent deletions alone are no conflict.
 */
export function versionVectorConflicts(state: VersionVectorState): Conflict[] {
  const ids = new Set<string>()
  for (const replica of Object.values(state.replicas)) for (const id of Object.keys(replica.blocks)) ids.add(id)
  const conflicts: Conflict[] = []
  for (const id of ids) {
    const { kept } = mergeSiblings(Object.values(state.replicas).map(r => r.blocks[id] ?? []))
    if (kept.length < 2 || kept.every(s => !s.value)) continue
    conflicts.push({
      block: id,
      versions: kept.map(s => ({
        leader: s.writer, text: siblingText(s), ...(s.value ? {} : { deleted: true }), vector: s.vector, ...(s.event == null ? {} : { event: s.event })
      }))
    })
  }
  return conflicts
}

/** Every replica takes the merge of all: placements by union, each block's versions by dominance. */
function synchronise(state: VersionVectorState, onBlock?: (id: string, kept: Sibling[], superseded: Sibling[]) => void): void {
  const replicas = Object.values(state.replicas)
  const placements: Record<string, Placement> = {}
  for (const r of replicas) Object.assign(placements, r.placements)
  const blocks: Record<string, Sibling[]> = {}
  for (const id of orderBlocks(Object.values(placements))) {
    const { kept, superseded } = mergeSiblings(replicas.map(r => r.blocks[id] ?? []))
    blocks[id] = kept
    onBlock?.(id, kept, superseded)
  }
  for (const leader of state.leaders) state.replicas[leader] = { placements: { ...placements }, blocks: { ...blocks } }
}

/**
 * A person's resolution of a conflict on `leader`'s copy: the block becomes `text` (null: deleted),
 * with a vector that merges every version's and counts one more write of `leader`, so it dominates
 * them all and replaces them everywhere it spreads. Text equal to a version's keeps that version's
 * formatting. Returns a new state; throws a RangeError when the block has no conflict there.
 */
export function resolveConflict(state: VersionVectorState, resolution: { block: string; text: string | null; leader: string }): VersionVectorState {
  const { block, text, leader } = resolution
  const next = structuredClone(state)
  const siblings = next.replicas[leader]?.blocks[block]
  if (!siblings || siblings.length < 2) throw new RangeError(`Block ${block} has no conflict on ${leader}'s copy`)
  if (text?.includes("\n")) throw new RangeError("A block's text cannot hold a line break")
  let value: DocJSON | null = null
  if (text != null) {
    const same = siblings.find(s => s.value && siblingText(s) === text)
    const { content: _, ...node } = shownSibling(siblings).value ?? { type: "paragraph", attrs: { id: block } }
    value = same ? same.value : text ? { ...node, content: [{ type: "text", text }] } : node
  }
  const context = mergeVectors(siblings.map(s => s.vector))
  next.replicas[leader].blocks[block] = [{ value, vector: { ...context, [leader]: (context[leader] ?? 0) + 1 }, writer: leader, event: null, stamp: null }]
  if (!next.partitioned) synchronise(next)
  return next
}

/** Each leader's document text under `state`. */
export function versionVectorTexts(state: VersionVectorState): Record<string, string> {
  const texts: Record<string, string> = {}
  for (const leader of state.leaders) {
    const lines: string[] = []
    versionVectorDoc(state, leader).forEach(block => lines.push(blockText(block)))
    texts[leader] = lines.join("\n")
  }
  return texts
}

/**
 * Version vectors with siblings, as Riak and CouchDB keep them: every block value carries a vector
 * counting the writes it has seen. When copies meet, a value whose vector dominates another's
 * replaces it, as a later edit by someone who saw it should; values with concurrent vectors are
 * both kept as siblings for a person to resolve. A write is made, as a Riak client writes back
 * what it read, with the context of every version on the leader's copy, so editing a block with
 * siblings replaces the versions that copy did not show.
 */
class VersionVectorModel implements ReplicaModel {
  readonly state: VersionVectorState
  readonly writes: VersionVectorWrite[] = []
  private readonly logged = new Set<string>()

  constructor(private readonly context: ModelContext) {
    const placements = Object.fromEntries(startPlacements(context.start).map(p => [p.id, p]))
    const blocks: Record<string, Sibling[]> = {}
    context.start.forEach(block => (blocks[block.attrs.id as string] = [{ value: block.toJSON() as DocJSON, vector: {}, writer: "", event: null, stamp: null }]))
    const replicas: Record<string, VersionVectorReplica> = {}
    for (const leader of context.leaders) replicas[leader] = { placements: { ...placements }, blocks: { ...blocks } }
    this.state = { leaders: [...context.leaders], partitioned: false, replicas }
  }

  doc(leader: string): Node {
    return versionVectorDoc(this.state, leader)
  }

  write(write: LocalWrite): void {
    const replica = this.state.replicas[write.leader]
    const { edit, leader } = write
    const value = edit.type == "deleteBlock" ? null : (write.after.child(edit.index).toJSON() as DocJSON)
    if (edit.type == "insertBlock")
      replica.placements[edit.block] = { id: edit.block, after: edit.after, key: nextKey(Object.values(replica.placements)), writer: leader }
    const siblings = replica.blocks[edit.block] ?? []
    const context = mergeVectors(siblings.map(s => s.vector))
    const vector = { ...context, [leader]: (context[leader] ?? 0) + 1 }
    const sibling: Sibling = { value, vector, writer: leader, event: write.event, stamp: write.stamp }
    if (siblings.length > 1) this.overwriteSiblings(edit.block, siblings, sibling)
    replica.blocks[edit.block] = [sibling]
    this.writes.push({ event: write.event, leader, block: edit.block, vector })
  }

  sync(): void {
    synchronise(this.state, (id, kept, superseded) => {
      const { report } = this.context
      for (const old of superseded) {
        // Say so only where someone else's version replaced it, not where its writer's later one did.
        const by = kept.find(k => compareVectors(old.vector, k.vector) == "before")!
        const key = `${old.event}>${by.event}`
        if (!old.writer || kept.some(k => k.writer == old.writer && compareVectors(old.vector, k.vector) == "before") || this.logged.has(key)) continue
        this.logged.add(key)
        report.say(`${capitalized(report.block(id))}: ${by.writer}'s version ${formatVector(by.vector)} dominates ${old.writer}'s ${formatVector(old.vector)}, so it replaces it with no conflict: ${by.writer} had seen it.`)
      }
      const key = `${id}:${kept.map(s => s.event).sort().join(",")}`
      if (kept.length < 2 || kept.every(s => !s.value) || this.logged.has(key)) return
      this.logged.add(key)
      const versions = kept.map(s => `${s.writer}'s ${formatVector(s.vector)} ${s.value ? quote(siblingText(s)) : "(deleted)"}`)
      report.say(`${capitalized(report.block(id))} has ${kept.length} concurrent versions, ${listing(versions)}: no vector dominates, so all are kept for a person to choose.`)
    })
  }

  conflicts(): Conflict[] {
    return versionVectorConflicts(this.state)
  }

  converged(): boolean {
    const [first, ...rest] = Object.values(this.state.replicas).map(r => JSON.stringify(Object.entries(r.blocks).sort()))
    return rest.every(r => r == first)
  }

  // A write over a block with siblings replaces them all; the versions its leader was not shown go.
  private overwriteSiblings(block: string, siblings: readonly Sibling[], sibling: Sibling): void {
    const { report, origins } = this.context
    const shown = shownSibling(siblings)
    const seen = new Set(siblingText(shown) + siblingText(sibling))
    const time = (stamp: number | null) => (stamp == null ? "" : report.time(stamp))
    const reason = `${sibling.writer} edited ${report.block(block)} while it held ${siblings.length} versions waiting for a person; ${sibling.writer}'s copy showed ${shown.writer}'s, and a write made with the context of every version read replaces them all`
    report.say(`${capitalized(report.block(block))}: ${reason}.`)
    for (const s of siblings) {
      if (s === shown) continue
      const lostText = [...siblingText(s)].filter(c => origins.origin(c) && !seen.has(c)).join("")
      const edits = [...new Set([...lostText].map(c => origins.origin(c)!.event))]
      // A deletion waiting as a version goes with it: the block is back.
      if (!s.value && s.event != null && !edits.includes(s.event)) edits.push(s.event)
      edits.sort((a, b) => a - b)
      report.overwrite({ loser: s.writer, winner: sibling.writer, block, lostText, loserTime: time(s.stamp), winnerTime: time(sibling.stamp), reason, edits })
    }
  }
}

function endsSplit(scenario: Scenario): boolean {
  let split = false
  for (const event of scenario.events) {
    if ("partition" in event) split = true
    if ("heal" in event) split = false
  }
  return split
}

/**
 * Run a scenario under version vectors, returning besides the outcome the final state (for a person
 * to resolve conflicts with `resolveConflict`) and every write with its vector, in the scenario's own characters.
 */
export function runVersionVectors(scenario: Scenario): { outcome: Outcome; state: VersionVectorState; writes: VersionVectorWrite[] } {
  const { outcome, model, origins } = runModel(strategyName.enum.vv, scenario, context => new VersionVectorModel(context))
  const state = origins.restoreDeep({ ...model.state, partitioned: endsSplit(scenario) })
  return { outcome, state, writes: model.writes }
}

/** Version vectors with siblings. */
export const versionVectors: Strategy = {
  name: strategyName.enum.vv,
  label: "Version vectors with siblings",
  description: "Each block's value carries a version vector; a value that has seen another replaces it, and concurrent values are kept side by side until a person chooses or merges them, as in Riak and CouchDB.",
  run: scenario => runVersionVectors(scenario).outcome
}
