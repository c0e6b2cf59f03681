// Worker side of W3: the typist replays an editing trace as fast as its system takes it (up to
// `chunk` patches per turn of the event loop, one local transaction each); the observer waits
// until its copy of the document reads exactly the trace's final text.
import { flattenPatches, loadTrace, type TracePatch } from "../../tests/support/traces"
import { loadClients, type SystemName } from "../peers/load-clients"
import { waitUntil } from "../peers/client-api"
import { now, type Task } from "../harness/worker-protocol"

/** What a trace worker runs. */
export interface TraceParams {
  system: SystemName
  url: string
  docId: string
  role: "typist" | "observer"
  /** Replay only the first this many patches (all when null). */
  patches: number | null
  chunk: number
  timeoutMs: number
}

/** The patches to replay and the text they end at. */
export function tracePrefix(count: number | null): { patches: TracePatch[]; endContent: string } {
  const trace = loadTrace("automerge-paper")
  const all = flattenPatches(trace)
  if (count == null || count >= all.length) return { patches: all, endContent: trace.endContent }
  const patches = all.slice(0, count)
  // automerge-paper is plain ASCII, so code points are UTF-16 units and string slicing is exact.
  let text = trace.startContent
  for (const [pos, deleted, insert] of patches) text = text.slice(0, pos) + insert + text.slice(pos + deleted)
  return { patches, endContent: text }
}

/** Type the trace (typist) or wait for its end (observer), reporting wall-clock times. */
export const traceTask: Task<TraceParams> = async (params, channel) => {
  const { editingClient } = await loadClients(params.system)
  const { patches, endContent } = tracePrefix(params.patches)
  const client = editingClient(params.url, params.docId, params.role)
  await client.join(params.role == "typist")
  await channel.ready()
  await channel.go()
  if (params.role == "typist") {
    const start = now()
    for (let i = 0; i < patches.length; i += params.chunk) {
      client.applyPatches(patches.slice(i, i + params.chunk))
      await new Promise(resolve => setImmediate(resolve))
    }
    const typed = now()
    await waitUntil(() => client.settled, [client], params.timeoutMs, "the typist's edits to be confirmed")
    await channel.result({ start, typed, settled: now() })
    // Stay connected until the observer is done, so that nothing in flight is cut off.
    await channel.go()
  } else {
    const length = endContent.length
    await waitUntil(() => client.textLength() == length && client.text() == endContent, [client], params.timeoutMs, "the observer to reach the trace's final text")
    await channel.result({ done: now() })
  }
  client.close()
}
