import type { Node } from "prosemirror-model"
import * as Y from "yjs"
import { prosemirrorToYXmlFragment, updateYFragment } from "y-prosemirror"
import { schema } from "../../schema/schema"
import { crdtDoc, crdtFragment } from "./updates"
import { listing, type LocalWrite, type ModelContext, type ReplicaModel, runModel } from "../replay"
import type { Strategy } from "../strategy"
import { strategyName } from "../../protocol/strategies"

/**
 * A CRDT, Yjs with y-prosemirror's document model, as the hub's CRDT documents are: each leader holds a
 * Y.Doc whose Y.XmlFragment holds the ProseMirror document, and an edit is written into it the way
 * y-prosemirror's binding writes an editor's change (updateYFragment: the blocks and text that differ). While the network is split no updates move;
 * a sync exchanges Y.encodeStateAsUpdate both ways. Yjs keeps every insertion and orders concurrent
 * ones at one place by client id (the leaders' order in the scenario), so copies converge without a hub.
 */
class CrdtModel implements ReplicaModel {
  private readonly docs = new Map<string, Y.Doc>()

  constructor(private readonly context: ModelContext) {
    context.leaders.forEach((leader, i) => {
      const doc = new Y.Doc()
      doc.clientID = i + 1
      this.docs.set(leader, doc)
    })
    const first = this.docs.get(context.leaders[0])!
    prosemirrorToYXmlFragment(context.start, first.getXmlFragment(crdtFragment))
    const initial = Y.encodeStateAsUpdate(first)
    for (const doc of this.docs.values()) if (doc != first) Y.applyUpdate(doc, initial)
  }

  doc(leader: string): Node {
    const doc = crdtDoc(this.docs.get(leader)!)
    return doc.childCount ? doc : schema.nodes.doc.create(null, schema.nodes.paragraph.create())
  }

  write(write: LocalWrite): void {
    const doc = this.docs.get(write.leader)!
    doc.transact(() => updateYFragment(doc, doc.getXmlFragment(crdtFragment), write.after, { mapping: new Map(), isOMark: new Map() }))
  }

  sync(): void {
    const sent: string[] = [], senders = new Set<string>()
    for (const [from, a] of this.docs) {
      for (const [to, b] of this.docs) {
        if (a == b) continue
        const update = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))
        const before = Y.snapshot(b)
        Y.applyUpdate(b, update)
        if (Y.equalSnapshots(before, Y.snapshot(b))) continue
        sent.push(`${from} to ${to} ${update.length} bytes`)
        senders.add(from)
      }
    }
    // Worth a line only when copies changed concurrently; one leader's edit simply spreads.
    if (senders.size > 1)
      this.context.report.say(`Yjs exchanges updates (${listing(sent)}) and merges them character by character; concurrent insertions at one place go in client id order.`)
  }
}

/** A CRDT: Yjs. */
export const crdt: Strategy = {
  name: strategyName.enum.crdt,
  label: "CRDT (Yjs)",
  description: "Every character is an item with a unique id that keeps its place relative to its neighbours, so copies merge without a hub and keep every insertion, as Yjs does.",
  run: scenario => runModel(strategyName.enum.crdt, scenario, context => new CrdtModel(context)).outcome
}
