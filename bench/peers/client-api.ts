// What every benchmarked system provides to the workloads, client side. Each system implements it
// in bench/peers/<system>-client.ts over its own protocol and client library.
import type { TracePatch } from "../../tests/support/traces"

/** A connection that does nothing after its handshake (W4). */
export interface Closable {
  close(): void
}

/**
 * A client typing single characters into one document (W1, W2, W4, W6), keeping as little as its system
 * allows. Every op is named by a key, "<client>/<n>", that the system carries to the other clients,
 * so that arrival times can be matched to submit times.
 */
export interface TypingClient {
  /** Connect and join the document, creating it when `create` is set and it does not exist. */
  join(create: boolean): Promise<void>
  /**
   * Insert one character at a random position. `onKey` is called with the op's key as it is
   * submitted; resolves once the system committed it (acknowledged it to this client).
   */
  typeOne(onKey: (key: string) => void): Promise<void>
  /** Set on observers: called with the keys of the ops in every message that arrives. */
  onArrive: ((keys: string[]) => void) | null
  /** Ops committed to the document since it was created, as far as this client knows. */
  readonly committed: number
  close(): void
}

/** A client holding the document (W3, W5, W6's seeding): applies edits locally and syncs them as its protocol allows. */
export interface EditingClient {
  /** Connect and join the document, creating it when `create` is set and it does not exist. */
  join(create: boolean): Promise<void>
  /**
   * Apply plain-text patches (positions in code points of the text, lines joined with "\n") as one
   * local transaction; the client sends them when its protocol lets it.
   */
  applyPatches(patches: readonly TracePatch[]): void
  /** The document's text, lines joined with "\n". */
  text(): string
  /** The length of `text()`, cheap to read. */
  textLength(): number
  /** True when the server has confirmed every local edit. */
  readonly settled: boolean
  /** Drop the connection; edits made meanwhile are kept locally. */
  goOffline(): void
  /** Reconnect and rejoin; resolves once rejoined (convergence may take longer). */
  goOnline(): Promise<void>
  /** Subscribe to every change (a message received, an acknowledgement); returns the unsubscribe. */
  onChange(listener: () => void): () => void
  close(): void
}

/** The client side of one system. */
export interface SystemClients {
  typingClient(url: string, docId: string, name: string): TypingClient
  editingClient(url: string, docId: string, name: string): EditingClient
  /** Open a connection that completes its handshake and joins no document. */
  idleConnection(url: string): Promise<Closable>
}

/** A set of listeners, for EditingClient.onChange. */
export class ChangeListeners {
  private readonly listeners = new Set<() => void>()

  add(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener()
  }
}

/** Resolve once `check` holds, testing it after every change of any of `clients`; reject after `timeoutMs`. */
export function waitUntil(check: () => boolean, clients: readonly EditingClient[], timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve()
    const unsubscribe: (() => void)[] = []
    const done = (error?: Error) => {
      clearTimeout(timer)
      for (const u of unsubscribe) u()
      if (error) reject(error)
      else resolve()
    }
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs)
    for (const client of clients) unsubscribe.push(client.onChange(() => {
      if (check()) done()
    }))
  })
}

/** A random integer in [0, n). */
export function randomInt(n: number): number {
  return Math.floor(Math.random() * n)
}
