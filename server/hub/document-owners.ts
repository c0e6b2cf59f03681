import type { DocumentLeases, LeaseHolder } from "../storage/document-leases"
import type { Logger } from "../log"

/** Where a document's batches are committed: here (`fresh` when this hub just took the lease), or at another hub. */
export type Route = { here: true; fresh: boolean } | { here: false; holder: LeaseHolder }

/**
 * This hub's view of which hub commits each document it serves: the leases it holds (renewed every
 * third of their lifetime while the document is open here, released once it is not) and the holders
 * it learnt of. A holder found unreachable, or gone quiet on the bus, is taken over from at the next
 * claim; one heard from again is left alone.
 */
export class DocumentOwners {
  private readonly known = new Map<string, LeaseHolder>()
  private readonly claiming = new Map<string, Promise<Route>>()
  /** Hubs found unreachable or quiet: their leases are taken over. */
  private readonly gone = new Set<string>()
  private readonly timer: NodeJS.Timeout
  private renewing: Promise<void> | null = null

  constructor(
    private readonly leases: DocumentLeases,
    private readonly hubId: string,
    /** The ids of the documents this hub holds open. */
    private readonly openIds: () => Iterable<string>,
    ttlMs: number,
    private readonly log: Logger
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(10, ttlMs / 3))
    this.timer.unref()
  }

  /** Where `docId`'s next batch is committed; claims the lease when no live holder is known. */
  route(docId: string): Promise<Route> {
    const holder = this.known.get(docId)
    if (holder && !this.gone.has(holder.hub)) return Promise.resolve(this.routeTo(holder, false))
    let claim = this.claiming.get(docId)
    if (!claim) {
      claim = this.claim(docId).finally(() => this.claiming.delete(docId))
      this.claiming.set(docId, claim)
    }
    return claim
  }

  /** A batch forwarded to `hub` for `docId` could not reach it: its leases are taken over. */
  unreachable(docId: string, hub: string): void {
    this.gone.add(hub)
    if (this.known.get(docId)?.hub == hub) this.known.delete(docId)
  }

  /** The bus has not heard from `hub` for a while: take over its leases when they are next needed. */
  quiet(hub: string): void {
    this.gone.add(hub)
  }

  /** The bus heard from `hub`: it is there. */
  heardFrom(hub: string): void {
    this.gone.delete(hub)
  }

  /** Stop renewing and release every lease (the hub is closing). */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.renewing
    await this.leases.releaseAll().catch(error => this.log.warn({ err: error }, "lease-release-failed"))
  }

  private async claim(docId: string): Promise<Route> {
    const before = this.known.get(docId)
    let holder = await this.leases.claim(docId, before && this.gone.has(before.hub) ? before.hub : undefined)
    if (holder.hub != this.hubId && this.gone.has(holder.hub)) holder = await this.leases.claim(docId, holder.hub)
    this.known.set(docId, holder)
    return this.routeTo(holder, before?.hub != this.hubId)
  }

  private routeTo(holder: LeaseHolder, fresh: boolean): Route {
    return holder.hub == this.hubId ? { here: true, fresh } : { here: false, holder }
  }

  /** Renew the leases of open documents, release the others', forget the holders of documents no longer open (every third of a lease's lifetime). */
  renew(): Promise<void> {
    if (this.renewing) return this.renewing
    const open = new Set(this.openIds())
    const held: string[] = [], released: string[] = []
    for (const [docId, holder] of this.known) {
      if (holder.hub == this.hubId) (open.has(docId) ? held : released).push(docId)
      else if (!open.has(docId)) this.known.delete(docId)
    }
    for (const docId of released) this.known.delete(docId)
    if (!held.length && !released.length) return Promise.resolve()
    this.renewing = this.leases.renew(held, released).then(
      kept => {
        const still = new Set(kept)
        // Taken by another hub meanwhile (this one was cut off, or slow to renew): the next batch claims again and learns the holder.
        for (const docId of held) if (!still.has(docId) && this.known.get(docId)?.hub == this.hubId) this.known.delete(docId)
      },
      error => this.log.warn({ err: error }, "lease-renew-failed")
    ).finally(() => {
      this.renewing = null
    })
    return this.renewing
  }
}
