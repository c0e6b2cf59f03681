import * as Y from "yjs"
import { ConcordError, type Author, type CommittedOp, type RestoredVersion, type UpdateRequest } from "../../lib/protocol"
import { checkUpdate, checkUpdateContent } from "../../lib/strategies/crdt/updates"
import { crdtTitle } from "../../lib/strategies/crdt/title"
import { renameWords } from "../../lib/ot/op-summary"
import type { HubDocument } from "./hub-document"
import { checkBaseVersion, publish, type PreparedSubmit } from "./submit-pipeline"
import type { SubmitContext } from "./submit-context"
import { modeOf } from "../../lib/strategies/registry"
import { committedUnder } from "./dedup"
import { findRestored, restoredSummary } from "./restored-version"

// The pipeline of a CRDT document's update, one small step each:
// check strategy -> check version -> check update (size, shape) -> dedup -> find the restored version -> check content -> append in memory
// -> commit -> merge into the Yjs document.

function checkStrategy(doc: HubDocument): void {
  if (modeOf(doc.strategy).carries != "updates" || !doc.ydoc)
    throw new ConcordError("ERR_STRATEGY_MISMATCH", `Document ${doc.id} is served under ${doc.strategy}: send ProseMirror steps with "submit", not Yjs updates`)
}

async function findDuplicate(ctx: SubmitContext, doc: HubDocument, request: UpdateRequest): Promise<CommittedOp | null> {
  const earlier = await committedUnder(ctx, doc, request.clientId, request.seq)
  if (!earlier) return null
  if (earlier.update != request.update)
    throw new ConcordError("ERR_SEQ_REUSED", `Seq ${request.seq} of client ${request.clientId} was already committed with another update`)
  return earlier
}

function buildOp(ctx: SubmitContext, doc: HubDocument, request: UpdateRequest, author: Author, title: string, restored: RestoredVersion | null): CommittedOp {
  // A Yjs update is not described block by block; a rename is worth its own words, a restore too.
  const summary = restored ? restoredSummary(restored) : title != crdtTitle(doc.ydoc!) ? renameWords(title) : "edited the document"
  const op: CommittedOp = {
    version: doc.version + 1, clientId: request.clientId, seq: request.seq, baseVersion: request.baseVersion ?? doc.version,
    steps: [], author, time: ctx.now(), update: request.update, summary
  }
  if (restored) op.restored = restored
  return op
}

/** Commit the op; once it is durable, merge its update into the hub's Yjs document, then publish it. */
function commit(ctx: SubmitContext, doc: HubDocument, op: CommittedOp, update: Uint8Array): Promise<void> {
  return ctx.storage.commit(doc.id, [op], undefined, doc.follows(op)).then(
    () => {
      Y.applyUpdate(doc.ydoc!, update)
      publish(ctx, doc, doc.markDurable(op.version))
    },
    error => {
      throw doc.markBroken(error)
    }
  )
}

/**
 * Run a CRDT document's Yjs update through its pipeline up to the commit, inside the document's queue.
 * The hub's Yjs document holds only durable updates, so what a join serves is always durable.
 */
export async function prepareUpdate(ctx: SubmitContext, doc: HubDocument, request: UpdateRequest, author: Author): Promise<PreparedSubmit> {
  if (doc.broken) throw new ConcordError("ERR_STORAGE", "The document is being reloaded after a storage failure; resend")
  checkStrategy(doc)
  // Its base may be old (Yjs merges whatever the writer had not seen), never newer than the head.
  checkBaseVersion(doc, request.baseVersion)
  const update = checkUpdate(request.update)
  const duplicate = await findDuplicate(ctx, doc, request)
  if (duplicate) return { op: duplicate, duplicate: true, commit: doc.durable(duplicate.version) }
  const restored = await findRestored(ctx, doc, request.restores)
  const title = checkUpdateContent(doc.ydoc!, update)
  const op = buildOp(ctx, doc, request, author, title, restored)
  doc.append(op, [], doc.doc)
  return { op, duplicate: false, commit: commit(ctx, doc, op, update) }
}
