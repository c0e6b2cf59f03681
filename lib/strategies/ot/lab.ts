import type { Node } from "prosemirror-model"
import { EditorState, Plugin } from "prosemirror-state"
import { Step, type StepMap } from "prosemirror-transform"
import { schema } from "../../schema/schema"
import { assignBlockIds } from "../../schema/block-ids"
import { summarizeSteps, summaryText, SyncClient, transformBatch, type Batch } from "../../ot"
import type { CommittedOp } from "../../protocol/messages"
import { quote, runModel, type LocalWrite, type ModelContext, type ReplicaModel } from "../replay"
import type { Scenario } from "../scenario"
import type { Outcome, Strategy } from "../strategy"
import { strategyName } from "../../protocol/strategies"

/** A leader's sync client and the messages held on its link to the hub. */
interface Link {
  client: SyncClient
  toHub: Batch[]
  fromHub: CommittedOp[]
}

/**
 * The editor's block-id rule (lib/schema's appendBlockIds) with ids drawn from a generator seeded per
 * leader, so that a block the hub fitted in without an id (text kept from a deleted block) gets one,
 * as in the editor, and runs stay deterministic.
 */
function blockIdPlugin(seed: number): Plugin {
  let state = seed
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296
  return new Plugin({
    appendTransaction: (transactions, _old, editorState) =>
      transactions.some(tr => tr.docChanged) ? assignBlockIds(editorState.tr, random)?.setMeta("addToHistory", false) ?? null : null
  })
}

/**
 * Concord's own strategy: each leader is a SyncClient and an in-memory hub transforms every batch over
 * the ops committed since the batch's base version with transformBatch, as server/ does. While the
 * network is split a leader's batch waits on its link; at a heal the hub takes the held batches in
 * the scenario's leader order, and every client rebases what it has not had confirmed.
 */
class OtModel implements ReplicaModel {
  private hubDoc: Node
  private readonly maps: StepMap[][] = []
  private readonly ops: CommittedOp[] = []
  private readonly links = new Map<string, Link>()

  constructor(private readonly context: ModelContext) {
    this.hubDoc = context.start
    for (const [i, leader] of context.leaders.entries()) {
      const state = EditorState.create({ doc: context.start, plugins: [blockIdPlugin(i + 1)] })
      const client = new SyncClient({ clientId: leader, version: 0, state })
      this.links.set(leader, { client, toHub: [], fromHub: [] })
    }
  }

  doc(leader: string): Node {
    return this.links.get(leader)!.client.state.doc
  }

  write(write: LocalWrite): void {
    const link = this.links.get(write.leader)!
    const tr = link.client.state.tr
    for (const step of write.steps) tr.step(step)
    link.client.apply(tr)
    this.send(link)
  }

  sync(): void {
    for (let moved = true; moved;) {
      moved = false
      for (const [leader, link] of this.links) {
        for (const batch of link.toHub.splice(0)) {
          const op = this.submit(leader, batch)
          for (const other of this.links.values()) other.fromHub.push(op)
          moved = true
        }
      }
      for (const link of this.links.values()) {
        const ops = link.fromHub.splice(0)
        if (ops.length && link.client.receive(ops).gap) throw new Error(`${link.client.clientId} missed an op`)
        if (ops.length) moved = true
        this.send(link)
      }
    }
  }

  converged(): boolean {
    return [...this.links.values()].every(link => link.client.idle && link.client.state.doc.eq(this.hubDoc))
  }

  private send(link: Link): void {
    const batch = link.client.nextBatch()
    if (batch) link.toHub.push(batch)
  }

  private submit(leader: string, batch: Batch): CommittedOp {
    const { report, origins } = this.context
    const steps = batch.steps.map(json => Step.fromJSON(schema, json))
    const concurrent = this.maps.slice(batch.baseVersion)
    const result = transformBatch(this.hubDoc, steps, concurrent.flat(), { stickLeft: new Set(batch.stickLeft) })
    // What the batch did, as the history panel says it; a batch of block ids alone is the editor naming a block.
    const did = summaryText(summarizeSteps(this.hubDoc, result.steps)) || "it only gives a new block its id"
    this.hubDoc = result.doc
    const version = this.ops.length + 1
    const size = `${steps.length} step${steps.length == 1 ? "" : "s"}`
    if (concurrent.length)
      report.say(`The hub transforms ${leader}'s batch of ${size}, written on version ${batch.baseVersion}, over ${concurrent.length} op${concurrent.length == 1 ? "" : "s"} it had not seen, and commits it as version ${version}: ${did}.`)
    else
      report.say(`The hub commits ${leader}'s batch of ${size} as version ${version}: ${did}.`)
    for (const dropped of result.dropped) {
      report.say(`The hub drops ${leader}'s step${dropped.text ? ` typing ${quote(dropped.text)}` : ""}: ${dropped.reason}.`)
      for (const char of dropped.text) {
        const origin = origins.origin(char)
        if (origin) report.lose(origin.event, `the hub dropped its step: ${dropped.reason}`)
      }
    }
    const op: CommittedOp = {
      version, clientId: leader, seq: batch.seq, baseVersion: batch.baseVersion,
      steps: result.steps.map(s => s.toJSON()), author: { name: leader, color: "#000000" }, time: report.now,
      ...(result.dropped.length ? { dropped: result.dropped } : {})
    }
    this.ops.push(op)
    this.maps.push(result.steps.map(s => s.getMap()))
    return op
  }
}

/**
 * Run a scenario under OT, returning besides the outcome each leader's final document, block ids
 * included and in the scenario's own characters: what a leader's editor shows at the end.
 */
export function runOperationalTransform(scenario: Scenario): { outcome: Outcome; docs: Record<string, Node> } {
  const { outcome, model, origins } = runModel(strategyName.enum.ot, scenario, context => new OtModel(context))
  const docs: Record<string, Node> = {}
  for (const leader of Object.keys(outcome.finalTexts)) docs[leader] = schema.nodeFromJSON(origins.restoreDeep(model.doc(leader).toJSON()))
  return { outcome, docs }
}

/** Operational transformation on Concord's hub. */
export const ot: Strategy = {
  name: strategyName.enum.ot,
  label: "Operational transformation (Concord's hub)",
  description: "The hub transforms each batch of steps over the changes committed since it was written, so every leader's typing lands where it was meant and everyone converges on the hub's document.",
  run: scenario => runModel(strategyName.enum.ot, scenario, context => new OtModel(context)).outcome
}
