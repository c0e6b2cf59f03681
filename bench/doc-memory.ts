// `npm run bench:doc-memory`: what an open document costs the hub in memory (issue #3: "no more than
// about twice its text plus a bounded window of recent ops"). For each trace of ../shared/traces, its
// final text as paragraphs (one per line) is committed to 10 documents of a hub over MemoryStorage, in
// batches of 200 paragraphs; the documents are evicted, and the JS heap is read (after gc) before and
// after the hub opens all 10 again from their snapshot and the ops after it (a document's window holds
// those ops, each with the text of 200 paragraphs in its steps), and before and after 10 copies of the
// document tree alone are built; each figure is a tenth of the difference. Run with node's
// --expose-gc (the npm script does).
import { Fragment, Slice, type Node } from "prosemirror-model"
import { ReplaceStep } from "prosemirror-transform"
import { schema } from "../lib/schema"
import { Hub } from "../server/hub/hub"
import type { HubDocument } from "../server/hub/hub-document"
import { MemoryStorage } from "../server/storage"
import { createLogger } from "../server/log"
import { loadTrace, traceNames } from "../tests/support/traces"

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error("Run with node --expose-gc (npm run bench:doc-memory)")
const copies = 10

function heap(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

/** Commit `lines` as the paragraphs of a new document `docId`, 200 a batch. */
async function write(hub: Hub, docId: string, lines: string[]): Promise<void> {
  const doc = await hub.open(docId, true)
  for (let at = 0, seq = 1; at < lines.length; at += 200, seq++) {
    const paragraphs = lines.slice(at, at + 200).map(line => schema.node("paragraph", null, line ? schema.text(line) : undefined))
    const end = doc.doc.content.size
    const step = new ReplaceStep(at == 0 ? 0 : end, end, new Slice(Fragment.from(paragraphs), 0, 0))
    await hub.submit({ docId, clientId: "writer", seq, baseVersion: doc.version, steps: [step.toJSON()] }, { name: "Writer", color: "#123456" })
  }
}

async function measure(name: (typeof traceNames)[number]): Promise<string> {
  const lines = loadTrace(name).endContent.split("\n")
  const hub = new Hub({ storage: new MemoryStorage(), log: createLogger("silent"), maxDocuments: 2 * copies })
  const ids = Array.from({ length: copies }, (_, i) => `${name}-${i}`)
  for (const id of ids) await write(hub, id, lines)
  hub.evictIdle(Date.now() + 1e9)
  const before = heap()
  const open: HubDocument[] = []
  for (const id of ids) open.push(await hub.open(id))
  const after = heap()
  // The document tree alone: copies of it built and held the same way.
  const json = JSON.stringify(open[0].doc.toJSON())
  const beforeTrees = heap()
  const trees: Node[] = Array.from({ length: copies }, () => schema.nodeFromJSON(JSON.parse(json)))
  const afterTrees = heap()
  const tree = trees[0]
  const utf16 = 2 * tree.textContent.length
  let nodes = 0
  tree.descendants(() => void nodes++)
  const kb = (bytes: number) => (bytes / copies / 1024).toFixed(0)
  const row = `| ${name} | ${tree.childCount.toLocaleString("en-US")} | ${nodes.toLocaleString("en-US")} | ${(utf16 / 1024).toFixed(0)} | ` +
    `${kb(afterTrees - beforeTrees)} | ${((afterTrees - beforeTrees) / copies / utf16).toFixed(2)} | ${open[0].version} | ${kb(after - before)} |`
  await hub.close()
  return row
}

console.log("| trace (final text, a paragraph per line) | blocks | nodes | text as UTF-16, KB | document tree, KB | tree ÷ text | ops in the window | open document with its window, KB |")
console.log("|---|---:|---:|---:|---:|---:|---:|---:|")
// A first round loads the hub's code paths, so that the rows measure documents only.
await measure("friendsforever_flat")
for (const name of traceNames) console.log(await measure(name))
