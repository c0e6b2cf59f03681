import { availableParallelism, cpus, loadavg } from "node:os"
import { readFileSync } from "node:fs"
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Fragment, type Node, Slice } from "prosemirror-model"
import { EditorState } from "prosemirror-state"
import { ReplaceStep, type Step } from "prosemirror-transform"
import { collab, receiveTransaction } from "prosemirror-collab"
import { schema } from "../lib/schema"
import { StepApplier, SyncClient, transformBatch } from "../lib/ot"
import { docToText } from "../lib/ot/trace-text"
import type { CommittedOp } from "../lib/protocol"
import { flattenPatches, loadTrace } from "../tests/support/traces"
import { replayTraceSteps } from "./trace-replay"
import { median } from "./harness/measure"

// npm run bench:core: the OT core without IO. An offline merge of N local steps against M concurrent
// ones (hub transform and client rebase), a hub-side replay of the automerge-paper trace, and the
// heap after a replay. Prints a markdown table; every time is the median of a few runs, as wall
// time and as this process's CPU time (steadier on a shared machine).

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

interface Timing {
  wall: number
  cpu: number
}

function cpuNow(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/**
 * Time `runs` runs of `run` (after `setup`, untimed). With `steady`, runs follow one another after two
 * untimed warm-up runs, as merges do in a process that has been running (a forced full collection before
 * each run would shrink V8's young generation, and the run after it would pay for growing it again);
 * otherwise every run starts after a full collection.
 */
function time(runs: number, run: () => void, setup?: () => void, steady = false): Timing {
  const wall: number[] = [], cpu: number[] = []
  if (steady) for (let i = 0; i < 2; i++) {
    setup?.()
    run()
  }
  for (let i = 0; i < runs; i++) {
    setup?.()
    if (!steady) gc()
    const [startWall, startCpu] = [performance.now(), cpuNow()]
    run()
    wall.push(performance.now() - startWall)
    cpu.push(cpuNow() - startCpu)
  }
  return { wall: median(wall), cpu: median(cpu) }
}

const rows: string[][] = []
const fresh = process.argv.includes("--fresh")

function row(what: string, timing: Timing, steps?: number): void {
  if (fresh) what += ", in a fresh process"
  const perSecond = (ms: number) => (steps ? `${Math.round((steps / ms) * 1000).toLocaleString("en-US")} steps/s` : "")
  const cells = [what, `${timing.wall.toFixed(1)} ms`, `${timing.cpu.toFixed(1)} ms`, perSecond(timing.wall), perSecond(timing.cpu)]
  rows.push(cells)
  console.error(cells.join(" | "))
}

// --- Offline merge ----------------------------------------------------------------------------
// Measured first, while the heap is small and before the replays below teach V8 to allocate
// documents in the old generation.

// A seeded generator, so that every run merges the same edits.
function prng(seed: number): () => number {
  return () => {
    let t = (seed = (seed + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const words = "the of and to in is that for it as with was on be by this are at from or an have not".split(" ")

function wordsDoc(paragraphs: number, random: () => number): Node {
  const blocks = Array.from({ length: paragraphs }, () => {
    const text = Array.from({ length: 8 }, () => words[Math.floor(random() * words.length)]).join(" ")
    return schema.nodes.paragraph.create(null, schema.text(text))
  })
  return schema.nodes.doc.create(null, blocks)
}

// `count` steps typing a word at a random place in a random paragraph, each on the document the previous ones made.
function typeWords(doc: Node, count: number, random: () => number): Step[] {
  const result: Step[] = []
  for (let i = 0; i < count; i++) {
    const index = Math.floor(random() * doc.childCount)
    let pos = 0
    for (let k = 0; k < index; k++) pos += doc.child(k).nodeSize
    const paragraph = doc.child(index)
    const at = pos + 1 + Math.floor(random() * (paragraph.content.size + 1))
    const step = new ReplaceStep(at, at, new Slice(Fragment.from(schema.text(words[Math.floor(random() * words.length)] + " ")), 0, 0))
    doc = step.apply(doc).doc!
    result.push(step)
  }
  return result
}

function offlineMerge(n: number): void {
  const base = wordsDoc(300, prng(1))
  const local = typeWords(base, n, prng(2))
  const remote = typeWords(base, n, prng(3))
  const remoteMaps = remote.map(step => step.getMap())
  let head = base
  for (const step of remote) head = step.apply(head).doc!
  const runs = n > 5_000 ? 5 : 9
  const label = `offline merge, N = M = ${n.toLocaleString("en-US")}`

  let hubResult = transformBatch(head, local, remoteMaps)
  row(`${label}: hub transformBatch of the N-step batch over the M maps`, time(runs, () => {
    hubResult = transformBatch(head, local, remoteMaps)
  }, undefined, true))

  const op: CommittedOp = {
    version: 1, clientId: "b", seq: 1, baseVersion: 0, steps: remote.map(s => s.toJSON()),
    author: { name: "b", color: "#000000" }, time: 0
  }
  let client: SyncClient | null = null
  const holdLocal = () => {
    client = new SyncClient({ clientId: "a", version: 0, state: EditorState.create({ doc: base }) })
    const tr = client.state.tr
    for (const step of local) tr.step(step)
    client.apply(tr)
  }
  row(`${label}: client rebase, SyncClient.receive of the M remote steps holding N pending`, time(runs, () => client!.receive([op]), holdLocal, true))
  if (!client!.state.doc.eq(hubResult.doc)) throw new Error("the client's rebase and the hub's transform disagree")

  let state = EditorState.create({ doc: base })
  row(`${label}: prosemirror-collab receiveTransaction, for reference (O(N·M))`, time(n > 5_000 ? 1 : 3, () => {
    state = state.apply(receiveTransaction(state, remote, remote.map(() => "b")))
  }, () => {
    state = EditorState.create({ doc: base, plugins: [collab()] })
    const tr = state.tr
    for (const step of local) tr.step(step)
    state = state.apply(tr)
  }, n <= 5_000))
}


// --- Replay of automerge-paper -------------------------------------------------------------

function replay(): string {
  const trace = loadTrace("automerge-paper")
  const { startDoc, steps, endContent } = replayTraceSteps("automerge-paper")
  const patches = flattenPatches(trace)
  const runs = 3
  const checkEnd = (doc: Node, what: string) => {
    if (docToText(doc) !== endContent) throw new Error(`${what} did not end at the trace's end content`)
  }
  const suffix = ""

  if (!fresh)
    row(`plain JS string splice replay, ${patches.length.toLocaleString("en-US")} patches`, time(runs, () => {
      let text = trace.startContent
      for (const [pos, numDeleted, insert] of patches) text = text.slice(0, pos) + insert + text.slice(pos + numDeleted)
    }), patches.length)

  row(`plain step.apply replay, ${steps.length.toLocaleString("en-US")} steps${suffix}`, time(runs, () => {
    let doc = startDoc
    for (const step of steps) doc = step.apply(doc).doc!
    checkEnd(doc, "step.apply replay")
  }), steps.length)

  // As a hub document does, the replay keeps one StepApplier from batch to batch.
  row(`hub replay: transformBatch + apply, one batch per patch, no concurrent op${suffix}`, time(runs, () => {
    let doc = startDoc
    const applier = new StepApplier()
    for (const step of steps) doc = transformBatch(doc, [step], [], { applier }).doc
    checkEnd(doc, "hub replay")
  }), steps.length)
  if (fresh) return ""

  // Every batch of the typist is one version behind: another client typed and deleted a character
  // in a paragraph before the text, and the hub maps the batch over that op.
  const insertB = new ReplaceStep(1, 1, new Slice(Fragment.from(schema.text("b")), 0, 0))
  const deleteB = new ReplaceStep(1, 2, Slice.empty)
  const behind = steps.map((step, i) => {
    const { from, to, slice } = step as ReplaceStep
    return new ReplaceStep(from + 2 + (i % 2), to + 2 + (i % 2), slice)
  })
  row("hub replay, each batch one version behind (transformed over one op; both clients' steps counted)", time(runs, () => {
    let doc = startDoc.copy(Fragment.from(schema.nodes.paragraph.create()).append(startDoc.content))
    const applier = new StepApplier()
    for (let i = 0; i < behind.length; i++) {
      const other = i % 2 ? deleteB : insertB
      doc = applier.apply(doc, other).doc!
      doc = transformBatch(doc, [behind[i]], [other.getMap()], { applier }).doc
    }
    checkEnd(doc.copy(doc.content.cut(doc.firstChild!.nodeSize)), "hub replay one version behind")
  }), 2 * steps.length)

  // The heap after a hub replay that keeps only its final document.
  gc()
  const before = process.memoryUsage().heapUsed
  let kept = startDoc
  const applier = new StepApplier()
  for (const step of steps) kept = transformBatch(kept, [step], [], { applier }).doc
  gc()
  const after = process.memoryUsage().heapUsed
  return `Heap used after a hub replay of automerge-paper that keeps only its final document, after gc: ${mb(after)}, ` +
    `${mb(after - before)} more than before the replay, with the trace's ${steps.length.toLocaleString("en-US")} steps loaded ` +
    `(the final document holds ${mb(2 * kept.content.size)} of UTF-16 text).`
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

// The merges and replays again in a fresh process, as a hub runs them: its heap has not grown with the
// runs above.
if (fresh) {
  offlineMerge(1_000)
  offlineMerge(10_000)
  replay()
  console.log(JSON.stringify(rows))
  process.exit(0)
}

offlineMerge(1_000)
offlineMerge(10_000)
const heapNote = replay()
console.error(heapNote)
const child = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--fresh"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
rows.push(...(JSON.parse(child) as string[][]))

// --- Report ----------------------------------------------------------------------------------

const cpu = /model name\s*:\s*(.*)/.exec(safeRead("/proc/cpuinfo"))?.[1] ?? cpus()[0]?.model ?? "unknown"
console.log(`Machine: ${availableParallelism()} cores (nproc), ${cpu}, Node ${process.version}; load average at the end ${loadavg().map(l => l.toFixed(1)).join(" ")}`)
console.log("")
console.log("| Measurement | Wall, median | CPU, median | Rate by wall | Rate by CPU |")
console.log("| --- | ---: | ---: | ---: | ---: |")
for (const cells of rows) console.log(`| ${cells.join(" | ")} |`)
console.log("")
console.log(heapNote)

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return ""
  }
}
