import type { Node } from "prosemirror-model"
import { EditorState, type Transaction } from "prosemirror-state"
import { schema } from "../../lib/schema"
import type { CommittedOp, StepJSON } from "../../lib/protocol"
import { Hub } from "../../server/hub/hub"
import { fetchedVersion } from "../../lib/history"
import { MemoryStorage } from "../../server/storage"

/** Someone who edits in a history test. */
export interface Person {
  clientId: string
  name: string
  color: string
}

export const ada: Person = { clientId: "ada", name: "Ada", color: "#c2255c" }
export const bob: Person = { clientId: "bob", name: "Bob", color: "#1971c2" }
export const carol: Person = { clientId: "carol", name: "Carol", color: "#2b8a3e" }
const setup: Person = { clientId: "setup", name: "Setup", color: "#868e96" }

/** An in-memory hub holding one document, for building real committed ops (transformed, summarized) in tests. */
export interface HistoryHub {
  hub: Hub
  docId: string
  /**
   * Submit what `edit` does to the document at `baseVersion`, as `who`, `after` ms after the previous
   * submit; resolves with the committed op.
   */
  submit(who: Person, baseVersion: number, edit: (tr: Transaction) => void, after?: number): Promise<CommittedOp>
  /** Submit raw steps. */
  submitSteps(who: Person, baseVersion: number, steps: StepJSON[], after?: number): Promise<CommittedOp>
  /** Every committed op, oldest first. */
  ops(): Promise<CommittedOp[]>
  /** The document at a version. */
  docAt(version: number): Promise<Node>
  close(): Promise<void>
}

/** Start a hub whose document is `start` at version 1 (version 0 is the empty document). */
export async function historyHub(start: Node): Promise<HistoryHub> {
  let clock = 1_000_000
  const storage = new MemoryStorage()
  const hub = new Hub({ storage, now: () => clock })
  const docId = "history"
  await hub.create({ docId })
  await hub.documents.open(docId)
  const seqs = new Map<string, number>()
  const docAt = async (version: number) => fetchedVersion(await hub.docAt({ docId, version }))
  const submitSteps = async (who: Person, baseVersion: number, steps: StepJSON[], after = 100) => {
    clock += after
    const seq = (seqs.get(who.clientId) ?? 0) + 1
    seqs.set(who.clientId, seq)
    const ack = await hub.submit({ docId, clientId: who.clientId, seq, baseVersion, steps }, { name: who.name, color: who.color })
    return (await storage.getOps(docId, ack.version - 1, ack.version))[0]
  }
  const submit = async (who: Person, baseVersion: number, edit: (tr: Transaction) => void, after = 100) => {
    const tr = EditorState.create({ doc: await docAt(baseVersion) }).tr
    edit(tr)
    return submitSteps(who, baseVersion, tr.steps.map(s => s.toJSON() as StepJSON), after)
  }
  await submit(setup, 0, tr => tr.replaceWith(0, tr.doc.content.size, start.content))
  return {
    hub, docId, submit, submitSteps, docAt,
    ops: () => storage.getOps(docId, 0),
    close: async () => {
      await hub.close()
      await storage.close()
    }
  }
}

/** Type `text` one character per op at `pos` on the head version, `gap` ms apart. */
export async function typeAt(h: HistoryHub, who: Person, pos: number, text: string, gap = 150): Promise<CommittedOp[]> {
  const ops: CommittedOp[] = []
  let version = (await h.ops()).length
  for (const [i, char] of [...text].entries()) {
    ops.push(await h.submit(who, version, tr => tr.insertText(char, pos + i), gap))
    version++
  }
  return ops
}
