import type { Socket } from "socket.io-client"
import { rememberLinks } from "../support/link-registry"
import type {
  AuthorshipRequest, CreateRequest, CreateResult, DetailRequest, DocAtRequest, HistoryRequest, JoinRequest, JoinResult, LinksRequest, PresenceUpdate,
  Reply, Role, SelectionJSON, StepJSON, StrategyName, SubmitRequest, UpdateRequest
} from "../../lib/protocol"

// The protocol fuzzer's one place for what a well-behaved client sends. Every hostile message is one of
// these with something made hostile, so that when the protocol changes (a capability token and a clientId
// secret in join, documents made by a `create` event) only this file follows it.

/**
 * Environment of the hub under fuzz: rate limits off (the fuzzer floods by design; a budget it exhausted
 * would answer ERR_RATE_LIMITED instead of reaching the checks it aims at), and snapshots often enough
 * that docAt, authorship and joins read several.
 */
export const fuzzServerEnv: Record<string, string> = { CONCORD_RATE_LIMITS: "off", CONCORD_SNAPSHOT_EVERY: "50" }

/** The display name and colour a fuzz client joins with. */
export function fuzzUser(clientId: string): { name: string; color: string } {
  return { name: clientId.slice(0, 64), color: "#3366cc" }
}

/** The edit link's token of each document the fuzzer created (also in the tests' link registry, for TestClient). */
const editTokens = new Map<string, string>()

/** The edit link's token of `docId`, when the fuzzer created it. */
export function editToken(docId: string): string | undefined {
  return editTokens.get(docId)
}

/**
 * The one secret of a fuzz client (an attacking lane, the observer, a final joiner), whatever clientId it
 * claims: a clientId is bound to the first client that claimed it, so another client naming it is refused.
 */
export function memberSecret(member: string): string {
  return `fuzz-secret-of-${member}`
}

/**
 * A join of `docId` as `clientId` by the client whose key is `secret`, with the document's edit link:
 * from `version` (null: a snapshot), with whole ops when `detail`.
 */
export function joinRequest(docId: string, clientId: string, secret: string, version: number | null = null, detail = false): JoinRequest {
  const token = editTokens.get(docId) ?? "no-link-of-this-document"
  return { docId, clientId, secret, token, version, user: fuzzUser(clientId), ...(detail ? { detail } : {}) }
}

/** A request to create `docId` (a random id when absent) under `strategy` (the hub's default when absent). */
export function createRequest(docId?: string, strategy?: StrategyName): CreateRequest {
  return { ...(docId != null ? { docId } : {}), ...(strategy != null ? { strategy } : {}) }
}

/** Create `docId` under `strategy` and join it as `clientId` with `secret`; rejects with the hub's error when refused. */
export async function createDocument(socket: Socket, docId: string, clientId: string, secret: string, strategy: StrategyName): Promise<JoinResult> {
  const created: Reply<CreateResult> = await socket.emitWithAck("create", createRequest(docId, strategy))
  if (!created.ok) throw new Error(`creating ${docId}: ${created.error.code} ${created.error.message}`)
  editTokens.set(docId, created.value.links.edit)
  rememberLinks(docId, created.value.links)
  const reply: Reply<JoinResult> = await socket.emitWithAck("join", joinRequest(docId, clientId, secret))
  if (!reply.ok) throw new Error(`joining ${docId}: ${reply.error.code} ${reply.error.message}`)
  return reply.value
}

/**
 * Whether `docId` exists, without joining it: a `create` of that id is refused with ERR_DOCUMENT_EXISTS
 * only when it does (else it creates it, which a probe of a fresh id may).
 */
export async function documentExists(socket: Socket, docId: string): Promise<boolean> {
  const reply: Reply<CreateResult> = await socket.timeout(15_000).emitWithAck("create", createRequest(docId))
  return !reply.ok && reply.error.code == "ERR_DOCUMENT_EXISTS"
}

/** A request to reissue or revoke `docId`'s links of `role` (the owner's right). */
export function linksRequest(docId: string, role: Role, action: "reissue" | "revoke"): LinksRequest {
  return { docId, role, action }
}

/** A batch of steps written on `baseVersion`, sent as `clientId`'s `seq`th. */
export function submitRequest(docId: string, clientId: string, seq: number, baseVersion: number, steps: StepJSON[]): SubmitRequest {
  return { docId, clientId, seq, baseVersion, steps }
}

/** A CRDT document's Yjs update (base64), sent as `clientId`'s `seq`th. */
export function updateRequest(docId: string, clientId: string, seq: number, update: string): UpdateRequest {
  return { docId, clientId, seq, update }
}

/** A selection (or none) in the document at `version`. */
export function presenceUpdate(docId: string, version: number, selection: SelectionJSON | null): PresenceUpdate {
  return { docId, version, selection }
}

/** A page of history below `before` (the newest when absent), at most `limit` ops. */
export function historyRequest(docId: string, before?: number, limit?: number): HistoryRequest {
  return { docId, ...(before != null ? { before } : {}), ...(limit != null ? { limit } : {}) }
}

/** The document at `version`. */
export function docAtRequest(docId: string, version: number): DocAtRequest {
  return { docId, version }
}

/** Who wrote what at `version`, over `window` ops. */
export function authorshipRequest(docId: string, version: number, window?: number): AuthorshipRequest {
  return { docId, version, ...(window != null ? { window } : {}) }
}

/** Switch whole ops on or off. */
export function detailRequest(docId: string, on: boolean): DetailRequest {
  return { docId, on }
}

/** Leave `docId`. */
export function leaveRequest(docId: string): { docId: string } {
  return { docId }
}
