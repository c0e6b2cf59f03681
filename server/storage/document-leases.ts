/** The hub that holds a document's lease: the one that commits it, and where the others forward its batches. */
export interface LeaseHolder {
  hub: string
  /** Where the other hubs reach it (its advertised URL). */
  address: string
}

/**
 * Which hub commits each document, when several share one store: a lease per document, held by one hub
 * at a time and renewed while it holds the document open. A lease is a route, not a lock: the store's
 * `follows` check still refuses a commit built on a head that moved, so two hubs that both believe they
 * hold a lease (one cut off, its lease taken) lose races but never corrupt the log.
 */
export interface DocumentLeases {
  /**
   * Take the document's lease for this hub, unless another hub holds it and it has not expired; take
   * it anyway from `takeOverFrom` (a hub found unreachable or gone). Resolves with the holder afterwards.
   */
  claim(docId: string, takeOverFrom?: string): Promise<LeaseHolder>
  /** Renew this hub's leases of `held` and give up those of `released`; resolves with the held ones it still has. */
  renew(held: readonly string[], released: readonly string[]): Promise<string[]>
  /** Give up every lease of this hub (it is closing). */
  releaseAll(): Promise<void>
}
