/**
 * Claims on leaders stored on this device, so that one tab at a time acts as a stored leader (resends
 * its work under its client id): a tab holds the claim for as long as it lives, and a claim left by a
 * closed or crashed tab is free again. `claim` answers at once: a release function, or null when
 * another tab holds it.
 */
export interface LeaderLocks {
  claim(name: string): Promise<(() => void) | null>
}

/** Claims as Web Locks (navigator.locks), which the browser frees when the tab that held them goes. */
export const webLocks: LeaderLocks = {
  claim(name) {
    return new Promise(resolve => {
      void navigator.locks.request(name, { ifAvailable: true }, lock => {
        if (!lock) return resolve(null)
        return new Promise<void>(release => resolve(release))
      })
    })
  }
}

/** Claims within one JavaScript realm: for tests, and for browsers without Web Locks (one tab's view). */
export class MemoryLocks implements LeaderLocks {
  private readonly held = new Set<string>()

  async claim(name: string): Promise<(() => void) | null> {
    if (this.held.has(name)) return null
    this.held.add(name)
    return () => void this.held.delete(name)
  }
}

const realmLocks = new MemoryLocks()

/**
 * The locks of this environment: Web Locks where the browser has them (secure contexts: https and
 * localhost), else claims only this page can see.
 */
export function leaderLocks(): LeaderLocks {
  return typeof navigator != "undefined" && navigator.locks ? webLocks : realmLocks
}
