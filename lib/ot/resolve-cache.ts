import { Node, type ResolvedPos } from "prosemirror-model"

// prosemirror-model memoizes Node.resolve in a cache keyed by every document version (a WeakMap). Where
// each version is resolved once or twice and then replaced, as when a hub applies ops or a client rebases
// a long offline branch, the cache saves nothing and keeps every version alive until a full collection:
// the versions are promoted out of V8's young generation, and collecting them costs more than the work
// (the hub's replay of automerge-paper runs about 3x faster without it: docs/BENCHMARKS.md).
// `resolveNoCache` gives the same results without the memo.

const proto = Node.prototype as unknown as { resolve(pos: number): ResolvedPos; resolveNoCache(pos: number): ResolvedPos }

/** Make this process resolve document positions without prosemirror-model's resolve cache, for good (the hub). */
export function bypassResolveCache(): void {
  proto.resolve = proto.resolveNoCache
}

/**
 * Run `work` with the resolve cache bypassed, then put it back: for bursts of short-lived documents in a
 * process (a browser tab) whose editor view benefits from the cache the rest of the time.
 */
export function withoutResolveCache<T>(work: () => T): T {
  const resolve = proto.resolve
  if (resolve === proto.resolveNoCache) return work()
  proto.resolve = proto.resolveNoCache
  try {
    return work()
  } finally {
    proto.resolve = resolve
  }
}
