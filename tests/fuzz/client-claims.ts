/**
 * Which fuzz client (a lane, the typist, the observer) first claimed each clientId, as the hub must keep
 * it: a clientId belongs to the first client that joined with it, and every other client naming it is
 * refused. Learned from the joins the hub accepted, so a claim still in flight is not known yet.
 */
export class ClientClaims {
  private readonly owners = new Map<string, string>()

  /** Record that the hub let `client` join as `clientId`; returns the client that had claimed it before, if another did. */
  claim(clientId: string, client: string): string | null {
    const owner = this.owners.get(clientId)
    if (owner == null) this.owners.set(clientId, client)
    return owner != null && owner != client ? owner : null
  }

  /** Whether a client other than `client` claimed `clientId` first. */
  claimedByOther(clientId: string, client: string): boolean {
    const owner = this.owners.get(clientId)
    return owner != null && owner != client
  }
}
