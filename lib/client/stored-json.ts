/**
 * The JSON value under `key` in `storage` (localStorage or sessionStorage), or undefined when there is
 * none or it cannot be read (storage disabled, not JSON): callers check its shape.
 */
export function readStored(storage: () => Storage, key: string): unknown {
  try {
    const text = storage().getItem(key)
    return text == null ? undefined : JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Store `value` as JSON under `key`; false when the browser's storage refused (private mode, quota). */
export function writeStored(storage: () => Storage, key: string, value: unknown): boolean {
  try {
    storage().setItem(key, JSON.stringify(value))
    return true
  } catch {
    return false
  }
}

/** A stored value that is a plain object, else an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value == "object" && !Array.isArray(value) ? value as Record<string, unknown> : {}
}
