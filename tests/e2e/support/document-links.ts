import { createDocument } from "../../../lib/client/create-document"
import type { LinkTokens, Role, StrategyName } from "../../../lib/protocol/messages"
import { knownLinks, rememberLinks } from "../../support/link-registry"

/**
 * Create document `docId` under `strategy` on the server at `baseUrl` through the hub's `create`
 * event, as the New document button does, and keep its links in the tests' link registry for `linkOf`.
 */
export async function createTestDocument(baseUrl: string, docId: string, strategy?: StrategyName): Promise<LinkTokens> {
  const result = await createDocument({ docId, ...(strategy ? { strategy } : {}) }, baseUrl)
  rememberLinks(docId, result.links)
  return result.links
}

/** The `role` token of a document created with createTestDocument (or by a test client); throws for another document. */
export function linkOf(docId: string, role: Role): string {
  return knownLinks(docId)[role]
}
