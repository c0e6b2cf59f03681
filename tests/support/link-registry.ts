// The link tokens of the documents that test and benchmark clients create, so that a client joining a
// document someone else created finds a link to join with. Keyed by document id alone: a server
// restarted on the same data folder keeps its documents (and their links) under a new URL. With
// CONCORD_TEST_LINKS_DIR set, the tokens are also kept as files in that folder, for the benchmark's
// worker processes, which create a document in one process and join it from others.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Socket } from "socket.io-client"
import type { ClientToServerEvents, CreateResult, LinkTokens, Reply, ServerToClientEvents, StrategyName } from "../../lib/protocol"

const known = new Map<string, LinkTokens>()

function fileOf(docId: string): string | null {
  const dir = process.env.CONCORD_TEST_LINKS_DIR
  return dir ? join(dir, `${docId}.json`) : null
}

/** Keep a document's tokens for the clients that join it later. */
export function rememberLinks(docId: string, links: LinkTokens): void {
  known.set(docId, links)
  const file = fileOf(docId)
  if (file) writeFileSync(file, JSON.stringify(links))
}

/** The tokens of a document a client of this process (or of the benchmark) created; throws when there are none. */
export function knownLinks(docId: string): LinkTokens {
  let links = known.get(docId)
  const file = fileOf(docId)
  if (!links && file && existsSync(file)) known.set(docId, (links = JSON.parse(readFileSync(file, "utf8")) as LinkTokens))
  if (!links) throw new Error(`No links known for document ${docId}: create it first`)
  return links
}

/**
 * Create `docId` through `create` on a connected socket and remember its tokens. A document that exists
 * already is the one created before in this run: its remembered tokens are returned.
 */
export async function createDocument(socket: Socket<ServerToClientEvents, ClientToServerEvents>, docId: string, strategy?: StrategyName): Promise<LinkTokens> {
  const reply: Reply<CreateResult> = await socket.emitWithAck("create", { docId, ...(strategy ? { strategy } : {}) })
  if (reply.ok) {
    rememberLinks(docId, reply.value.links)
    return reply.value.links
  }
  if (reply.error.code == "ERR_DOCUMENT_EXISTS") return knownLinks(docId)
  throw Object.assign(new Error(reply.error.message), { code: reply.error.code })
}
