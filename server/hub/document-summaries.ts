import { ConcordError, limits, type CommittedOp, type DocumentSummary, type SummariesRequest } from "../../lib/protocol"
import { hashToken } from "../link-tokens"
import type { Storage } from "../storage"
import type { HubDocument } from "./hub-document"
import type { OpenDocuments } from "./open-documents"

/** The newest ops a summary looks through for its editors' names. */
const editorOps = 50

/**
 * Summarise documents for the documents page, one at a time: each is looked up by its link first, with
 * the same answer (not found) for a missing document and a wrong token, then opened as a join opens it
 * (so its title is the durable head's), and its newest ops give the last edit and who made them.
 */
export async function documentSummaries(storage: Storage, documents: OpenDocuments, request: SummariesRequest): Promise<DocumentSummary[]> {
  const summaries: DocumentSummary[] = []
  for (const { docId, token } of request.documents) {
    try {
      summaries.push(await summarize(storage, documents, docId, token))
    } catch (error) {
      // One document the hub cannot open (a store failing, a document stored broken) leaves the others listed.
      summaries.push({ docId, found: false, error: ConcordError.from(error).toJSON() })
    }
  }
  return summaries
}

async function summarize(storage: Storage, documents: OpenDocuments, docId: string, token: string): Promise<DocumentSummary> {
  if (!(await storage.findLink(docId, hashToken(token)))) return { docId, found: false }
  const doc = await documents.open(docId)
  const version = doc.durableVersion
  const ops = await newestOps(storage, doc, version)
  const lastEdit = ops[0]?.time ?? (await storage.getDocument(docId))?.createdAt ?? 0
  return { docId, found: true, title: doc.title, strategy: doc.strategy, version, lastEdit, editors: editorsOf(ops) }
}

/** Up to `editorOps` ops up to `version`, newest first: from memory when the document holds them, else from the store. */
async function newestOps(storage: Storage, doc: HubDocument, version: number): Promise<CommittedOp[]> {
  const held = doc.opsAfter(Math.max(0, version - editorOps), version)
  return held ? held.slice().reverse() : storage.getOpsBefore(doc.id, version + 1, editorOps)
}

/** The names of the ops' authors, in the order given, each once, at most limits.summaryEditors of them. */
function editorsOf(ops: readonly CommittedOp[]): string[] {
  const names = new Set<string>()
  for (const op of ops) {
    if (names.size == limits.summaryEditors) break
    names.add(op.author.name)
  }
  return [...names]
}
