// `npm run bench:doc-memory`: what an open document costs the hub in memory (issue #3: "no more than
// about twice its text plus a bounded window of recent ops"). For each trace of tests/fixtures/traces, its
// final text as paragraphs (one per line) is committed to 20 documents of a hub over SQLite (in a temp
// folder, so that the store holds nothing in the JS heap), each batch of 200 paragraphs followed by a
// snapshot (snapshotEvery 1, so the keystrokes below write one each too: slower, outside the heap). The documents are evicted, and memory (JS heap plus buffers, after gc) is read:
// - after the hub opens all 20 again: each holds its head as a ProseMirror tree whose textblocks of
//   plain text are ColdBlocks (one string each), and an empty window;
// - after the hub packs their heads (OpenDocuments.packIdle, as it does once nobody has edited a document for
//   packAfterMs, 10 s by default);
// - after 256 keystrokes (one character each) are committed to each: unpacked (cold again) with the
//   block typed into built, and the window of recent ops is full (256 by default).
// A last row does the same with a short document (the first 3 paragraphs of friendsforever_flat), 200
// copies. Each figure is the growth divided by the number of documents; the time to pack and to unpack
// one head is the median over them.
// Run with node's --expose-gc (the npm script does).
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Fragment, Slice } from "prosemirror-model"
import { ReplaceStep } from "prosemirror-transform"
import { schema, newBlockId } from "../lib/schema"
import { Hub } from "../server/hub/hub"
import type { HubDocument } from "../server/hub/hub-document"
import { openSqliteStorage } from "../server/storage"
import { createLogger } from "../server/log"
import { loadTrace, traceNames } from "../tests/support/traces"
import { median } from "./harness/measure"

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error("Run with node --expose-gc (npm run bench:doc-memory)")
const window = 256
const writer = { name: "Writer", color: "#123456" }

/** The JS heap and the memory of buffers outside it (where packed heads are), after garbage collection. */
function memory(): number {
  gc!()
  gc!()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/** Commit `lines` as the paragraphs of a new document `docId`, 200 a batch, each with its block id as editors give it. */
async function write(hub: Hub, docId: string, lines: string[]): Promise<void> {
  await hub.create({ docId })
  const doc = await hub.documents.open(docId)
  for (let at = 0, seq = 1; at < lines.length; at += 200, seq++) {
    const paragraphs = lines.slice(at, at + 200).map(line => schema.node("paragraph", { id: newBlockId() }, line ? schema.text(line) : undefined))
    const end = doc.doc.content.size
    const step = new ReplaceStep(at == 0 ? 0 : end, end, new Slice(Fragment.from(paragraphs), 0, 0))
    await hub.submit({ docId, clientId: "writer", seq, baseVersion: doc.version, steps: [step.toJSON()] }, writer)
  }
}

/** Commit `count` keystrokes to `doc`, each a character typed at the start of its first paragraph. */
async function type(hub: Hub, doc: HubDocument, count: number): Promise<void> {
  for (let seq = 1; seq <= count; seq++) {
    const step = new ReplaceStep(1, 1, new Slice(Fragment.from(schema.text("x")), 0, 0))
    await hub.submit({ docId: doc.id, clientId: "typist", seq, baseVersion: doc.version, steps: [step.toJSON()] }, writer)
  }
}

async function measure(name: string, lines: string[], copies = 20): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "concord-doc-memory-"))
  const storage = openSqliteStorage({ file: join(dir, "concord.db") })
  const hub = new Hub({ storage, log: createLogger("silent"), maxDocuments: 2 * copies, snapshotEvery: 1, window })
  const ids = Array.from({ length: copies }, (_, i) => `doc-${i}`)
  for (const id of ids) await write(hub, id, lines)
  hub.documents.evictIdle(Date.now() + 1e9)

  const before = memory()
  const open: HubDocument[] = []
  for (const id of ids) open.push(await hub.documents.open(id))
  const opened = memory()
  await hub.documents.packIdle(Date.now() + 1e9)
  const packed = memory()
  if (!open.every(doc => doc.isPacked)) throw new Error("Every open document should be packed")

  const packTimes: number[] = [], unpackTimes: number[] = []
  for (const doc of open) {
    let start = performance.now()
    void doc.doc
    unpackTimes.push(performance.now() - start)
    start = performance.now()
    await doc.pack()
    packTimes.push(performance.now() - start)
  }
  const text = open[0].doc.textContent
  const utf16 = 2 * text.length
  let nodes = 0
  open[0].doc.descendants(() => void nodes++)
  const blocks = open[0].doc.childCount
  for (const doc of open) await type(hub, doc, window)
  const typed = memory()

  const kb = (bytes: number) => {
    const perDocument = bytes / copies / 1024
    return perDocument.toFixed(Math.abs(perDocument) < 10 ? 1 : 0)
  }
  const ratio = (bytes: number) => (bytes / copies / utf16).toFixed(2)
  const row = `| ${name} | ${blocks.toLocaleString("en-US")} | ${nodes.toLocaleString("en-US")} | ${(utf16 / 1024).toFixed(utf16 < 10240 ? 1 : 0)} | ` +
    `${kb(opened - before)} | ${ratio(opened - before)} | ${kb(packed - before)} | ${ratio(packed - before)} | ` +
    `${median(packTimes).toFixed(1)} / ${median(unpackTimes).toFixed(1)} | ${kb(typed - before)} | ${kb(typed - opened)} |`
  await hub.close()
  await storage.close()
  rmSync(dir, { recursive: true, force: true })
  return row
}

console.log("| trace (final text, a paragraph per line) | blocks | nodes | text as UTF-16, KB | open, KB | open ÷ text | " +
  `packed, KB | packed ÷ text | pack / unpack, ms | after ${window} keystrokes (head and full window), KB | of which the window, KB |`)
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
const traceLines = (name: (typeof traceNames)[number]) => loadTrace(name).endContent.split("\n")
// A first round loads the hub's code paths, so that the rows measure documents only.
await measure("warm-up", traceLines("friendsforever_flat"))
for (const name of traceNames) console.log(await measure(name, traceLines(name)))
// A short document too, whose packed head is a few hundred bytes.
console.log(await measure("friendsforever_flat, its first 3 paragraphs (200 documents)", traceLines("friendsforever_flat").slice(0, 3), 200))
