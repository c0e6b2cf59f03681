import type { Manager } from "socket.io-client"
import { ConcordError } from "../protocol/errors"

/**
 * Where socket.io-client's Manager opens its next connection: set once from the URL given to `io`,
 * read by every attempt, private in its typings. Nothing public moves a Manager to another address,
 * so this file alone reaches it, and checks it is there (tests/integration/hub-failover.test.ts fails
 * the day socket.io-client changes it).
 */
interface ManagerAddress {
  uri: unknown
}

/**
 * Make `manager` go round the hubs at `urls` (the first being the one it was made for): each of its
 * reconnection attempts, after a lost connection or a failed attempt and paced by its own backoff,
 * goes to the next address; a connection that holds stays where it is.
 */
export function rotateAddresses(manager: Manager, urls: readonly string[]): void {
  const address = manager as unknown as ManagerAddress
  if (typeof address.uri != "string") throw new ConcordError("ERR_INTERNAL", "socket.io-client's Manager keeps no address to move to another hub")
  let current = 0
  manager.on("reconnect_attempt", () => {
    current = (current + 1) % urls.length
    address.uri = urls[current]
  })
}
