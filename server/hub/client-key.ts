import { createHash } from "node:crypto"

/** The hash of a client's secret key as the store keeps it: the key itself is never stored. */
export function keyHash(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url")
}
