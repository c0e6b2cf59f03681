import { createDocument } from "../../../lib/client/create-document"
import type { LinkTokens, Role, StrategyName } from "../../../lib/protocol/messages"

/** The links of the documents the tests created, keyed by server URL and document id. */
const created = new Map<string, LinkTokens>()

const keyOf = (baseUrl: string, docId: string) => `${baseUrl} ${docId}`

/**
 * Create document `docId` under `strategy` on the server at `baseUrl` through the hub's `create`
 * event, as the New document button does, and keep its links for `linkOf`.
 */
export async function createTestDocument(baseUrl: string, docId: string, strategy?: StrategyName): Promise<LinkTokens> {
  const result = await createDocument({ docId, ...(strategy ? { strategy } : {}) }, baseUrl)
  created.set(keyOf(baseUrl, docId), result.links)
  return result.links
}

/** The `role` token of a document created with createTestDocument (a server restarted at the same URL keeps them). Throws for another document. */
export function linkOf(baseUrl: string, docId: string, role: Role): string {
  const links = created.get(keyOf(baseUrl, docId))
  if (!links) throw new Error(`No links for ${docId} at ${baseUrl}: create it with createTestDocument (or openTab with create) first`)
  return links[role]
}
