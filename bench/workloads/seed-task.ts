// Worker side of W6's seeding: one EditingClient of the system creates the document and types a
// long text into it as that system's own client would, a batch of paragraphs per local
// transaction, then leaves once the server has confirmed all of it.
import { loadTrace, type TracePatch } from "../../tests/support/traces"
import { loadClients, type SystemName } from "../peers/load-clients"
import { waitUntil } from "../peers/client-api"
import type { Task } from "../harness/worker-protocol"

/** What a seeding worker runs. */
export interface SeedParams {
  system: SystemName
  url: string
  docId: string
  /** At most this many characters (paragraphs joined with "\n"): see longText. */
  characters: number
  /** Paragraphs per local transaction. */
  paragraphsPerTransaction: number
  timeoutMs: number
}

/** What a seeding worker reports: the document it left behind. */
export interface SeedResult {
  characters: number
  paragraphs: number
}

/**
 * Real prose of at most `characters` characters: the final text of the automerge-paper trace
 * (LaTeX, about 105,000 characters in 1,173 lines) cut after its last whole line that fits.
 */
export function longText(characters: number): string {
  const text = loadTrace("automerge-paper").endContent
  return text.length <= characters ? text : text.slice(0, text.lastIndexOf("\n", characters))
}

/** Create the document, type the text, wait until all of it is confirmed, report, leave. */
export const seedTask: Task<SeedParams> = async (params, channel) => {
  const { editingClient } = await loadClients(params.system)
  const lines = longText(params.characters).split("\n")
  const client = editingClient(params.url, params.docId, "seeder")
  await client.join(true)
  let end = 0
  for (let i = 0; i < lines.length; i += params.paragraphsPerTransaction) {
    const patches = lines.slice(i, i + params.paragraphsPerTransaction).map((line, j): TracePatch => {
      const insert = i + j == 0 ? line : `\n${line}`
      const patch: TracePatch = [end, 0, insert]
      end += insert.length
      return patch
    })
    client.applyPatches(patches)
    await new Promise(resolve => setImmediate(resolve))
  }
  await waitUntil(() => client.settled && client.textLength() == end, [client], params.timeoutMs, "the seeded text to be confirmed")
  const result: SeedResult = { characters: end, paragraphs: lines.length }
  await channel.result(result)
  client.close()
}
