// Worker side of W5: client A goes offline and types N characters while client B types M that
// commit (words and paragraphs at random places); then A reconnects, and the time until both hold the same text with nothing unconfirmed
// is measured. Both clients live in this one process.
import type { TracePatch } from "../../tests/support/traces"
import { loadClients, type SystemName } from "../peers/load-clients"
import { randomInt, waitUntil, type EditingClient } from "../peers/client-api"
import { now, type Task } from "../harness/worker-protocol"

/** What an offline-merge worker runs. */
export interface OfflineParams {
  system: SystemName
  url: string
  docId: string
  /** Characters A types offline. */
  offline: number
  /** Characters B types and commits meanwhile. */
  online: number
  /** Patches per local transaction (one per turn of the event loop). */
  chunk: number
  timeoutMs: number
}

/** What W5 reports, in ms. */
export interface OfflineResult {
  /** From A's reconnect until A is rejoined. */
  rejoined: number
  /** From A's reconnect until A and B hold the same text and neither has anything unconfirmed. */
  converged: number
}

/**
 * `count` single-character inserts into a text of `length`: words of 1-8 letters, each followed by
 * a space or, one time in ten, a line break (a new paragraph), typed at random places.
 */
function wordPatches(length: number, count: number): TracePatch[] {
  const patches: TracePatch[] = []
  while (patches.length < count) {
    let pos = randomInt(length + 1)
    const word = Array.from({ length: 1 + randomInt(8) }, () => String.fromCharCode(97 + randomInt(26))).join("") + (Math.random() < 0.1 ? "\n" : " ")
    for (const char of word) {
      if (patches.length == count) break
      patches.push([pos++, 0, char])
      length++
    }
  }
  return patches
}

async function type(client: EditingClient, count: number, chunk: number): Promise<void> {
  const patches = wordPatches(client.textLength(), count)
  for (let i = 0; i < patches.length; i += chunk) {
    client.applyPatches(patches.slice(i, i + chunk))
    await new Promise(resolve => setImmediate(resolve))
  }
}

/** Set up the divergence, wait for go, reconnect A and time the convergence. */
export const offlineTask: Task<OfflineParams> = async (params, channel) => {
  const { editingClient } = await loadClients(params.system)
  const a = editingClient(params.url, params.docId, "a")
  const b = editingClient(params.url, params.docId, "b")
  await a.join(true)
  await b.join(false)
  a.goOffline()
  await type(a, params.offline, params.chunk)
  await type(b, params.online, params.chunk)
  await waitUntil(() => b.settled, [b], params.timeoutMs, "B's edits to commit")
  await channel.ready()
  await channel.go()
  const start = now()
  await a.goOnline()
  const rejoined = now()
  const length = params.offline + params.online
  await waitUntil(
    () => a.settled && b.settled && a.textLength() == length && b.textLength() == length && a.text() == b.text(),
    [a, b], params.timeoutMs, "A and B to converge"
  )
  const result: OfflineResult = { rejoined: rejoined - start, converged: now() - start }
  await channel.result(result)
  a.close()
  b.close()
}
