// `npm run bench:doc-memory`: what an open document costs the hub in memory (issue #3: "no more than
// about twice its text plus a bounded window of recent ops"). For each trace of ../shared/traces, its
// final text as paragraphs (one per line) is committed to a hub over MemoryStorage in batches of 200
// paragraphs, the document is evicted, and the JS heap is read (after gc) before and after the hub
// opens it again from its snapshot and the ops after it (its window holds those ops, each with the
// text of 200 paragraphs in its steps), and before and after a copy of the document tree alone is
// built. Run with node's --expose-gc (the npm script does).
import { Fragment, Slice } from "prosemirror-model"
import { ReplaceStep } from "prosemirror-transform"
import { schema } from "../lib/schema"
import { Hub } from "../server/hub/hub"
import { MemoryStorage } from "../server/storage"
import { createLogger } from "../server/log"
import { loadTrace, traceNames } from "../tests/support/traces"

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error("Run with node --expose-gc (npm run bench:doc-memory)")

function heap(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

async function measure(name: (typeof traceNames)[number]): Promise<string> {
  const text = loadTrace(name).endContent
  const lines = text.split("\n")
  const hub = new Hub({ storage: new MemoryStorage(), log: createLogger("silent") })
  const doc = await hub.open(name, true)
  // The document's one empty paragraph is replaced by the lines, 200 paragraphs a batch.
  for (let at = 0, seq = 1; at < lines.length; at += 200, seq++) {
    const paragraphs = lines.slice(at, at + 200).map(line => schema.node("paragraph", null, line ? schema.text(line) : undefined))
    const end = doc.doc.content.size
    const step = at == 0 ? new ReplaceStep(0, end, new Slice(Fragment.from(paragraphs), 0, 0)) : new ReplaceStep(end, end, new Slice(Fragment.from(paragraphs), 0, 0))
    await hub.submit({ docId: name, clientId: "writer", seq, baseVersion: doc.version, steps: [step.toJSON()] }, { name: "Writer", color: "#123456" })
  }
  hub.evictIdle(Date.now() + 1e9)
  const before = heap()
  const open = await hub.open(name)
  const after = heap()
  // The document tree alone: a copy of it built and held the same way.
  const json = JSON.stringify(open.doc.toJSON())
  const beforeTree = heap()
  const tree = schema.nodeFromJSON(JSON.parse(json))
  const afterTree = heap()
  const utf16 = 2 * tree.textContent.length
  let nodes = 0
  tree.descendants(() => void nodes++)
  const kb = (bytes: number) => (bytes / 1024).toFixed(0)
  const row = `| ${name} | ${tree.childCount.toLocaleString("en-US")} | ${nodes.toLocaleString("en-US")} | ${kb(utf16)} | ${kb(afterTree - beforeTree)} | ` +
    `${((afterTree - beforeTree) / utf16).toFixed(2)} | ${open.version} | ${kb(after - before)} |`
  await hub.close()
  return row
}

console.log("| trace (final text, a paragraph per line) | blocks | nodes | text as UTF-16, KB | document tree, KB | tree ÷ text | ops in the window | whole open document with its window, KB |")
console.log("|---|---:|---:|---:|---:|---:|---:|---:|")
// A first document loads the hub's code paths, so that the rows measure documents only.
await measure("friendsforever_flat")
for (const name of traceNames) console.log(await measure(name))
