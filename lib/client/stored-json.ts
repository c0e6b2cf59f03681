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

/** Remove what `storage` holds under `key`; nothing when the storage cannot be reached. */
export function removeStored(storage: () => Storage, key: string): void {
  try {
    storage().removeItem(key)
  } catch {
    // Storage disabled: nothing to remove.
  }
}

/** The keys of `storage` that begin with `prefix`, each with its JSON value (see readStored); none when the storage cannot be reached. */
export function storedUnder(storage: () => Storage, prefix: string): { key: string; value: unknown }[] {
  const found: { key: string; value: unknown }[] = []
  try {
    const store = storage()
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i)
      if (key?.startsWith(prefix)) found.push({ key, value: readStored(storage, key) })
    }
  } catch {
    // Storage disabled: nothing stored.
  }
  return found
}

/** A stored value that is a plain object, else an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value == "object" && !Array.isArray(value) ? value as Record<string, unknown> : {}
}
