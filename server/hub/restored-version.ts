import { ConcordError, type RestoredVersion } from "../../lib/protocol"
import type { HubDocument } from "./hub-document"
import type { SubmitContext } from "./submit-context"

/**
 * The version a restoring batch or update brings back (its `restores`), with its commit time as the
 * hub's own log has it: the op that made it, from memory or the store, or the document's creation for
 * version 0. Refuses a version beyond the head (ERR_INVALID_MESSAGE); null when it restores nothing.
 */
export async function findRestored(ctx: SubmitContext, doc: HubDocument, version: number | undefined): Promise<RestoredVersion | null> {
  if (version == null) return null
  if (version > doc.version)
    throw new ConcordError("ERR_INVALID_MESSAGE", `Cannot restore version ${version}: the document's newest version is ${doc.version}`)
  if (version == 0) {
    const record = await ctx.storage.getDocument(doc.id)
    if (!record) throw new ConcordError("ERR_UNKNOWN_DOCUMENT", `No document ${doc.id}`)
    return { version, time: record.createdAt }
  }
  const op = doc.opsAfter(version - 1, version)?.[0] ?? (await ctx.storage.getOps(doc.id, version - 1, version, 1))[0]
  if (!op) throw new ConcordError("ERR_STORAGE", `Op ${version} of ${doc.id} is missing from the store`)
  return { version, time: op.time }
}

/** The op summary of a restore, standing for whatever its change did: "restored the version of <ISO time>". */
export function restoredSummary(restored: RestoredVersion): string {
  return `restored the version of ${new Date(restored.time).toISOString()}`
}
