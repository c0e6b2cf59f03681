import type { Role } from "../../lib/protocol"

/** The link a socket joined a document with. */
export interface LinkHold {
  role: Role
  tokenHash: string
}

/**
 * Which sockets joined which document with which link, so that a revoke finds the sockets it must
 * remove. `generation` counts revokes: a join that checked its link before a revoke and would attach
 * after it sees the count change and checks again.
 */
export class LinkHolders {
  private readonly byDoc = new Map<string, Map<string, LinkHold>>()
  private revokes = 0

  /** How many revokes have happened so far. */
  get generation(): number {
    return this.revokes
  }

  /** Record that `socketId` joined `docId` with `hold` (replacing what it joined with before). */
  add(docId: string, socketId: string, hold: LinkHold): void {
    let holders = this.byDoc.get(docId)
    if (!holders) this.byDoc.set(docId, (holders = new Map()))
    holders.set(socketId, hold)
  }

  /** Forget a socket's membership of a document. */
  remove(docId: string, socketId: string): void {
    const holders = this.byDoc.get(docId)
    if (!holders) return
    holders.delete(socketId)
    if (holders.size == 0) this.byDoc.delete(docId)
  }

  /** Forget every socket of `docId` that joined with a link of `role`, except `keep`, and return them. */
  revoke(docId: string, role: Role, keep?: string): string[] {
    this.revokes++
    const holders = this.byDoc.get(docId)
    if (!holders) return []
    const revoked = [...holders].filter(([socketId, hold]) => hold.role == role && socketId != keep).map(([socketId]) => socketId)
    for (const socketId of revoked) this.remove(docId, socketId)
    return revoked
  }
}
