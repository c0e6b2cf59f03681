import { Node } from "prosemirror-model"

/**
 * Make this process resolve document positions without prosemirror-model's resolve cache. The cache
 * is a WeakMap keyed by every document version; on the hub, where each op makes a new version and a
 * position is rarely resolved twice in one, it saves nothing and keeps every version alive until a
 * full collection, after which V8 allocates new documents straight into the old generation (the hub's
 * replay of automerge-paper runs about 3x faster without it: docs/BENCHMARKS.md). Results are the same.
 */
export function bypassResolveCache(): void {
  const proto = Node.prototype as unknown as { resolve(pos: number): unknown; resolveNoCache(pos: number): unknown }
  proto.resolve = proto.resolveNoCache
}
