const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/**
 * A fresh, unguessable id of `length` base62 characters from the platform's cryptographic random
 * source (about 5.95 bits each, so the default 22 give 130 bits). Works outside secure contexts too,
 * unlike crypto.randomUUID.
 */
export function randomId(length = 22): string {
  let id = ""
  const bytes = new Uint8Array(length * 2)
  while (id.length < length) {
    crypto.getRandomValues(bytes)
    // 248 = 4 * 62: dropping the bytes above it keeps every character equally likely.
    for (const byte of bytes) if (byte < 248 && id.length < length) id += alphabet[byte % 62]
  }
  return id
}
