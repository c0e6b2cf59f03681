import { Mark, type Node } from "prosemirror-model"
import * as Y from "yjs"
import { schema } from "../schema/schema"
import { listing, type LocalWrite, type ModelContext, type ReplicaModel, runModel } from "./replay"
import type { Strategy } from "./strategy"

type Attrs = Record<string, unknown>
type DeltaOp = { insert: string | Record<string, Attrs>; attributes?: Record<string, Attrs | true> }

// A block is a Y.Map: "id", "node" ({ type, attrs }) and "text", a Y.Text whose formatting attributes
// are the text's marks and whose embeds are its inline nodes; a block without text of its own (a list,
// a rule) is kept whole as "json".
function addBlock(blocks: Y.Array<Y.Map<unknown>>, index: number, node: Node): void {
  const map = new Y.Map<unknown>()
  blocks.insert(index, [map])
  map.set("id", node.attrs.id)
  if (!node.isTextblock) return map.set("json", node.toJSON())
  map.set("node", { type: node.type.name, attrs: node.attrs })
  const text = new Y.Text()
  map.set("text", text)
  let at = 0
  node.forEach(child => {
    const marks: Record<string, Attrs | true> = {}
    for (const mark of child.marks) marks[mark.type.name] = Object.keys(mark.attrs).length ? { ...mark.attrs } : true
    if (child.isText) text.insert(at, child.text!, marks)
    else text.insertEmbed(at, { [child.type.name]: { ...child.attrs } }, marks)
    at += child.isText ? child.text!.length : 1
  })
}

function blockNode(map: Y.Map<unknown>): Node {
  const json = map.get("json")
  if (json) return schema.nodeFromJSON(json)
  const { type, attrs } = map.get("node") as { type: string; attrs: Attrs }
  const content: Node[] = []
  for (const op of (map.get("text") as Y.Text).toDelta() as DeltaOp[]) {
    const marks = Object.entries(op.attributes ?? {}).map(([name, value]) => schema.marks[name].create(value === true ? null : value))
    if (typeof op.insert == "string") content.push(schema.text(op.insert, Mark.setFrom(marks)))
    else for (const [name, value] of Object.entries(op.insert)) content.push(schema.nodes[name].create(value, null, Mark.setFrom(marks)))
  }
  return schema.nodes[type].create(attrs, content)
}

// The Y.Text index of character `offset` of a block's text, where embeds take an index and no character.
function textIndex(text: Y.Text, offset: number): number {
  let chars = 0, index = 0
  for (const op of text.toDelta() as DeltaOp[]) {
    if (chars == offset) return index
    if (typeof op.insert == "string") {
      if (offset < chars + op.insert.length) return index + offset - chars
      chars += op.insert.length
      index += op.insert.length
    } else {
      index++
    }
  }
  return index
}

/**
 * A CRDT, Yjs: each leader holds a Y.Doc whose root is a Y.Array of blocks, each with a Y.Text, and an
 * edit becomes the same insertions and deletions in Yjs. While the network is split no updates move;
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
    first.transact(() => context.start.forEach((node, _, i) => addBlock(first.getArray("blocks"), i, node)))
    const initial = Y.encodeStateAsUpdate(first)
    for (const doc of this.docs.values()) if (doc != first) Y.applyUpdate(doc, initial)
  }

  doc(leader: string): Node {
    const blocks = this.docs.get(leader)!.getArray<Y.Map<unknown>>("blocks").toArray().map(blockNode)
    return schema.nodes.doc.create(null, blocks.length ? blocks : schema.nodes.paragraph.create())
  }

  write(write: LocalWrite): void {
    const doc = this.docs.get(write.leader)!
    const blocks = doc.getArray<Y.Map<unknown>>("blocks")
    const { edit } = write
    doc.transact(() => {
      if (edit.type == "insertBlock") addBlock(blocks, edit.index, write.after.child(edit.index))
      else if (edit.type == "deleteBlock") blocks.delete(edit.index, 1)
      else {
        const text = blocks.get(edit.index).get("text") as Y.Text
        // Insert before deleting, so the new text sits where the replaced range began (as a ProseMirror
        // ReplaceStep puts it) rather than after the deleted characters, where Yjs would skip to.
        const from = textIndex(text, edit.from), to = textIndex(text, edit.to)
        if (edit.text) text.insert(from, edit.text)
        if (to > from) text.delete(from + edit.text.length, to - from)
      }
    })
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
  name: "crdt",
  label: "CRDT (Yjs)",
  description: "Every character is an item with a unique id that keeps its place relative to its neighbours, so copies merge without a hub and keep every insertion, as Yjs does.",
  run: scenario => runModel("crdt", scenario, context => new CrdtModel(context)).outcome
}
