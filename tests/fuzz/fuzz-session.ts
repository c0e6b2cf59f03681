import { undoHistory } from "../../lib/editor/undo-history"
import { Step } from "prosemirror-transform"
import { stepText, type Batch, type LocalDrop } from "../../lib/ot"
import { schema } from "../../lib/schema"
import { CollabHarness } from "../support/collab-harness"
import { blockIdPlugin, randomDoc, randomEdit } from "./fuzz-actions"
import { Prng } from "./prng"

/** Options for one fuzz session. */
export interface FuzzOptions {
  /** The most actions a session may take (it takes from 10 to this many); 80 by default. */
  maxActions?: number
  /** Stop after this many actions (before settling), to shrink a failing session; defaults to all of them. */
  limit?: number
  /**
   * Type and delete text one character a transaction, as keys do, rather than a word or a range at a
   * time, so that the clients' batches hold runs of steps that they merge before sending.
   */
  keystrokes?: boolean
}

/** The outcome of one fuzz session, with everything needed to replay it by hand. */
export interface FuzzResult {
  ok: boolean
  seed: number
  /** What went wrong: a divergence, a broken report, or an exception, with the action it happened in. */
  error?: string
  /** The starting document and the clients' set-up. */
  setup: string
  /** One line per action taken, in order. */
  actions: string[]
}

/**
 * Run one random collaboration session with seed `seed`: two to six clients (some with undo history,
 * some assigning block ids) edit a small random document with text, marks, splits, joins, lists, block
 * types and blockquotes while messages are delivered in random order and clients disconnect and
 * reconnect. At the end everything is delivered, and the session checks convergence (invariant 1),
 * that every submitted step was either committed or reported dropped, and that every character typed
 * reached the hub or was reported dropped by the hub or by its client (invariant 3). Deterministic:
 * the same seed gives the same session, and a `limit` keeps its first actions unchanged.
 */
export function runFuzzSession(seed: number, options: FuzzOptions = {}): FuzzResult {
  const rng = new Prng(seed)
  const start = randomDoc(rng)
  const count = rng.between(2, 6)
  const h = new CollabHarness(start, count)
  const withHistory = h.clients.map(() => rng.chance(0.5))
  const withIds = h.clients.map(() => rng.chance(0.25))
  h.clients.forEach((client, k) => {
    const plugins = client.sync.state.plugins.slice()
    if (withHistory[k]) plugins.push(...undoHistory())
    if (withIds[k]) plugins.push(blockIdPlugin(rng))
    client.sync.state = client.sync.state.reconfigure({ plugins })
  })
  const total = rng.between(10, Math.max(10, options.maxActions ?? 80))
  const setup = `${count} clients, history on [${indices(withHistory)}], block ids on [${indices(withIds)}], ${total} actions, doc ${start}`
  const submitted = recordSubmissions(h)
  const localDrops = recordLocalDrops(h)
  const actions: string[] = []
  const typed: string[] = []
  const uniqueChar = () => {
    typed.push(String.fromCharCode(firstUniqueChar + typed.length))
    return typed[typed.length - 1]
  }
  const steps = Math.min(total, options.limit ?? total)
  try {
    for (let i = 0; i < steps; i++) randomAction(h, rng, withHistory, !!options.keystrokes, uniqueChar, text => (actions[i] = text))
    actions.push("settle")
    h.settle()
    h.assertConverged()
    checkDocuments(h)
    checkReports(h, submitted)
    checkTypedText(h, typed, localDrops)
    return { ok: true, seed, setup, actions }
  } catch (e) {
    const error = e instanceof Error ? e.stack ?? e.message : String(e)
    return { ok: false, seed, error: `in action ${actions.length} (${actions[actions.length - 1]}): ${error}`, setup, actions }
  }
}

/**
 * Shrink the failing session `seed` to its shortest failing prefix: bisect on the number of actions
 * (every prefix replays identically) and return the result of the shortest one that still fails.
 */
export function minimizeFailure(seed: number, options: FuzzOptions = {}): FuzzResult {
  const full = runFuzzSession(seed, options)
  if (full.ok) return full
  let good = 0, bad = full.actions.length, worst = full
  while (bad - good > 1) {
    const mid = (good + bad) >> 1
    const result = runFuzzSession(seed, { ...options, limit: mid })
    if (result.ok) good = mid
    else [bad, worst] = [mid, result]
  }
  return worst
}

/** A failing session as text: seed, error, set-up and numbered actions. */
export function formatFailure(result: FuzzResult): string {
  return [
    `seed ${result.seed} failed: ${result.error}`,
    `set-up: ${result.setup}`,
    ...result.actions.map((action, i) => `  ${String(i + 1).padStart(3)}. ${action}`)
  ].join("\n")
}

// Typed text carries one CJK ideograph per insertion, from here on; the random documents have none.
const firstUniqueChar = 0x4e00

function indices(flags: boolean[]): string {
  return flags.flatMap((flag, k) => (flag ? [k] : [])).join(",")
}

function randomAction(h: CollabHarness, rng: Prng, withHistory: boolean[], keystrokes: boolean, uniqueChar: () => string, describe: (text: string) => void): void {
  const k = rng.int(h.clients.length)
  const client = h.clients[k]
  const kind = rng.weighted<string>([
    [10, "edit"], [4, "toHub"], [5, "toClient"], [client.connected ? 0.6 : 0, "disconnect"], [client.connected ? 0 : 2, "reconnect"]
  ])
  switch (kind) {
    case "toHub": {
      const count = rng.between(1, 3)
      describe(`c${k} -> hub, up to ${count} batch(es)`)
      if (!h.deliverToHub(k, count)) describe(`c${k} -> hub (nothing to deliver)`)
      return
    }
    case "toClient": {
      const count = rng.between(1, 4)
      describe(`hub -> c${k}, up to ${count} op(s)`)
      if (!h.deliverToClient(k, count)) describe(`hub -> c${k} (nothing to deliver)`)
      return
    }
    case "disconnect": {
      const keep = rng.chance(0.5)
      describe(`c${k} disconnects${keep ? " after its sent batches arrive" : ", losing its channels"}`)
      return h.disconnect(k, keep)
    }
    case "reconnect":
      describe(`c${k} reconnects`)
      return h.reconnect(k)
    default:
      return randomEdit({ h, k, rng, history: withHistory[k], keystrokes, uniqueChar, describe: text => describe(`c${k} ${text}`) })
  }
}

// Record the length of every batch the hub receives, by (clientId, seq); a resent batch must be the same.
function recordSubmissions(h: CollabHarness): Map<string, number> {
  const lengths = new Map<string, number>()
  const submit = h.hub.submit.bind(h.hub)
  h.hub.submit = (clientId: string, batch: Batch) => {
    const key = clientId + "/" + batch.seq
    const earlier = lengths.get(key)
    if (earlier != null && earlier != batch.steps.length)
      throw new Error(`batch ${key} was resent with ${batch.steps.length} steps, first sent with ${earlier}`)
    lengths.set(key, batch.steps.length)
    return submit(clientId, batch)
  }
  return lengths
}

function checkDocuments(h: CollabHarness): void {
  h.hub.doc.check()
  for (const client of h.clients) client.doc.check()
}

// Invariant 3: every submitted step is committed or reported dropped, and the hub's reports match its ops.
function checkReports(h: CollabHarness, submitted: Map<string, number>): void {
  const reported = h.hub.ops.flatMap(op => op.dropped ?? [])
  if (JSON.stringify(reported) != JSON.stringify(h.hub.dropped))
    throw new Error(`the hub reported ${h.hub.dropped.length} dropped steps, its ops list ${reported.length}`)
  if (submitted.size != h.hub.ops.length) throw new Error(`${submitted.size} batches were submitted, ${h.hub.ops.length} committed`)
  for (const op of h.hub.ops) {
    const length = submitted.get(op.clientId + "/" + op.seq)
    if (op.origins && (op.origins.length != op.steps.length || op.origins.some((o, i) => i > 0 && o < op.origins![i - 1])))
      throw new Error(`op ${op.version} gives origins ${op.origins} for ${op.steps.length} steps`)
    const committed = op.origins ? new Set(op.origins).size : op.steps.length
    const accounted = committed + (op.dropped?.length ?? 0)
    if (length != accounted) throw new Error(`op ${op.version} accounts for ${accounted} steps of a batch of ${length}`)
    const indices = (op.dropped ?? []).map(d => d.index)
    if (indices.some((index, i) => index < 0 || index >= length || (i > 0 && index <= indices[i - 1])))
      throw new Error(`op ${op.version} reports dropped indices ${indices} for a batch of ${length}`)
  }
}

// Collect the steps clients drop before sending them, which they report from `receive`.
function recordLocalDrops(h: CollabHarness): LocalDrop[] {
  const drops: LocalDrop[] = []
  for (const { sync } of h.clients) {
    const receive = sync.receive.bind(sync)
    sync.receive = ops => {
      const result = receive(ops)
      drops.push(...result.dropped)
      return result
    }
  }
  return drops
}

// Invariant 3 for typed text: every insertion reached the hub, in a committed step or a dropped one,
// or its client reported dropping it before sending. Text only enters the document through the
// slices of committed steps, so it suffices to look there.
function checkTypedText(h: CollabHarness, typed: string[], localDrops: LocalDrop[]): void {
  let seen = localDrops.map(d => d.text).join("")
  for (const op of h.hub.ops) {
    for (const json of op.steps) seen += stepText(Step.fromJSON(schema, json))
    for (const dropped of op.dropped ?? []) seen += dropped.text
  }
  const lost = typed.filter(char => !seen.includes(char))
  if (lost.length) throw new Error(`typed text was lost without a report: ${lost.join(" ")}`)
}
