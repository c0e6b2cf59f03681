import { createHash, randomBytes } from "node:crypto"
import type { LinkTokens } from "../lib/protocol"
import type { LinkHashes } from "./storage/storage"

/** A new link token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString("base64url")
}

/** The SHA-256 of a token (or a client's secret key), hex: all the store keeps of it, and how a presented one is looked up. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex")
}

/** A new document's three links: the tokens for its creator and their hashes for the store. */
export function newLinks(): { tokens: LinkTokens; hashes: LinkHashes } {
  const tokens = { owner: newToken(), edit: newToken(), view: newToken() }
  return { tokens, hashes: { owner: hashToken(tokens.owner), edit: hashToken(tokens.edit), view: hashToken(tokens.view) } }
}

/** A new random document id: 16 random bytes, base64url (22 characters). */
export function newDocId(): string {
  return randomBytes(16).toString("base64url")
}
