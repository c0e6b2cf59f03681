import { Step } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { limits, type CommittedOp } from "../../lib/protocol"
import type { HubDocument } from "./hub-document"
import type { SubmitContext } from "./submit-context"
import { crdtState } from "./crdt-module"
import { publish } from "./submit-pipeline"
import { rememberRegisters } from "./registers"
import { replayed } from "./replayed"

/**
 * Bring an open document up to the store's head with the ops other hubs committed, and publish them to
 * this hub's members, in version order. Run it inside the document's queue. This hub's own commits in
 * flight settle first: they land before the others' ops, or fail (another hub took their version) and
 * the document is reloaded instead. The ops were transformed by the hub that committed them; here they
 * are only applied.
 */
export async function catchUp(ctx: SubmitContext, doc: HubDocument): Promise<void> {
  doc.catchUpQueued = false
  try {
    await doc.durable(doc.version)
  } catch {
    return
  }
  while (!doc.broken) {
    const page = await ctx.storage.getOps(doc.id, doc.version, undefined, limits.maxOpsPerPage)
    if (!page.length) return
    await applyCommitted(doc, page)
    publish(ctx, doc, doc.markDurable(doc.version))
    if (page.length < limits.maxOpsPerPage) return
  }
}

/**
 * Bring an open document to the end of `ops`, which another hub committed (told in a commit's notice, or
 * answered to a batch this hub forwarded): applied at once when they follow the document's version,
 * else read from the store with whatever came before them. Run it inside the document's queue.
 */
export async function receiveCommitted(ctx: SubmitContext, doc: HubDocument, ops: readonly CommittedOp[]): Promise<void> {
  const unseen = ops.filter(op => op.version > doc.version)
  if (doc.broken || !unseen.length) return
  if (unseen[0].version > doc.version + 1 || doc.durableVersion < doc.version) return catchUp(ctx, doc)
  await applyCommitted(doc, unseen)
  publish(ctx, doc, doc.markDurable(doc.version))
}

/** Apply ops committed elsewhere, in order, as durable: the document, its window, its registers, its Yjs state. */
async function applyCommitted(doc: HubDocument, ops: readonly CommittedOp[]): Promise<void> {
  const crdt = doc.ydoc ? await crdtState() : null
  for (const op of ops) {
    if (crdt) {
      crdt.applyUpdates(doc.ydoc!, [op])
      doc.append(op, [], doc.doc)
    } else {
      doc.append(op, op.steps.map(json => Step.fromJSON(schema, json).getMap()), replayed(doc.doc, [op]))
    }
    rememberRegisters(doc, op)
  }
}
