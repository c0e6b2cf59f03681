import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"

/** The recorded editing traces that Concord's tests and benchmarks replay, by file name without `.json.gz`. */
export const traceNames = ["automerge-paper", "seph-blog1", "sveltecomponent", "rustcode", "friendsforever_flat"] as const

/** The name of one recorded editing trace. */
export type TraceName = (typeof traceNames)[number]

/** One edit of a trace: at code point `pos`, delete `numDeleted` code points, then insert the string. */
export type TracePatch = [pos: number, numDeleted: number, insert: string]

/** A recorded editing session: applying every patch in order to `startContent` gives `endContent`. */
export interface Trace {
  startContent: string
  endContent: string
  txns: { time: string; patches: TracePatch[] }[]
}

/** The folder holding the traces, carried in the repository (see its README for source and licence). */
export const tracesDir = fileURLToPath(new URL("../fixtures/traces/", import.meta.url))

/** Read and unzip one trace. Throws an Error naming the expected folder when the traces are absent. */
export function loadTrace(name: TraceName): Trace {
  if (!existsSync(tracesDir))
    throw new Error(`Editing traces not found at ${tracesDir}: the repository carries them in tests/fixtures/traces`)
  const file = join(tracesDir, `${name}.json.gz`)
  if (!existsSync(file)) throw new Error(`Editing trace ${name} not found at ${file}`)
  const trace = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as Trace
  if (typeof trace.startContent != "string" || typeof trace.endContent != "string" || !Array.isArray(trace.txns))
    throw new Error(`Editing trace ${file} is not of the form {startContent, endContent, txns}`)
  return trace
}

/** Every patch of a trace, transactions flattened, in the order they apply. */
export function flattenPatches(trace: Trace): TracePatch[] {
  return trace.txns.flatMap(txn => txn.patches)
}
