import { afterEach, describe, expect, it } from "vitest"
import { EditorState, type Transaction } from "prosemirror-state"
import type { Node } from "prosemirror-model"
import { Step } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import * as Y from "yjs"
import { updateYFragment } from "y-prosemirror"
import { CrdtHistorySource, type CrdtHistoryHost } from "../../lib/client/crdt-history-source"
import { groupTimeline, HistoryModel, historyHighlightPlugin, restoreWords } from "../../lib/history"
import type { Author, CommittedOp, DocAtReply, HistoryPage } from "../../lib/protocol"
import { crdtDoc, crdtFragment, crdtSeed, encodeUpdate } from "../../lib/strategies/crdt/updates"
import { UpdateReplay } from "../../lib/strategies/crdt/update-replay"
import { b } from "../support/builders"

const { doc, p: para, strong, em, h1, h2, ul, li, quote } = b
/** A paragraph; the first keeps the id of the one every CRDT document starts with, as the editor keeps it. */
const p = (...content: unknown[]) => para({ id: "start" }, ...content)
const p2 = (...content: unknown[]) => para(...content)

const ada = { clientId: "ada-client", author: { name: "Ada", color: "#c2255c" } }
const bob = { clientId: "bob-client", author: { name: "Bob", color: "#1971c2" } }
type Person = typeof ada

/**
 * A CRDT document written by people each with a Yjs document of their own (as their tabs hold them),
 * its op log as the hub stores it (one Yjs update per op, the hub's summary), and the documents each version held.
 */
class CrdtLog {
  readonly ops: CommittedOp[] = []
  readonly versions: Node[]
  private readonly copies = new Map<string, Y.Doc>()

  constructor() {
    this.versions = [crdtDoc(this.copyOf(ada.clientId))]
  }

  /** `person` edits their copy into `after`: the Yjs update y-prosemirror's binding would write becomes the next op, and reaches every copy. */
  write(person: Person, after: Node, time = 1_000 * (this.ops.length + 1)): void {
    const ydoc = this.copyOf(person.clientId)
    let update: Uint8Array | null = null
    ydoc.once("update", (u: Uint8Array) => (update = u))
    ydoc.transact(() => updateYFragment(ydoc, ydoc.getXmlFragment(crdtFragment), after, { mapping: new Map(), isOMark: new Map() }))
    if (!update) throw new Error("The edit wrote no update")
    for (const copy of this.copies.values()) if (copy != ydoc) Y.applyUpdate(copy, update)
    const version = this.ops.length + 1
    this.ops.push({
      version, clientId: person.clientId, seq: version, baseVersion: version - 1, steps: [], author: person.author, time,
      update: encodeUpdate(update), summary: "edited the document"
    })
    this.versions.push(crdtDoc(ydoc))
  }

  private copyOf(clientId: string): Y.Doc {
    let copy = this.copies.get(clientId)
    if (!copy) {
      copy = new Y.Doc()
      Y.applyUpdate(copy, crdtSeed())
      for (const op of this.ops) Y.applyUpdate(copy, Buffer.from(op.update!, "base64"))
      this.copies.set(clientId, copy)
    }
    return copy
  }
}

/** Ada's connection to the CRDT document: reads pages and versions of `log` as the hub serves them, and counts what it was asked. */
class Host implements CrdtHistoryHost {
  readonly docId = "crdt-doc"
  readonly user: Author = ada.author
  readonly clientId = ada.clientId
  readonly status = "online"
  version: number
  state: EditorState
  pagesFetched = 0
  private readonly listeners = new Set<(ops: readonly CommittedOp[]) => void>()
  private readonly changeListeners = new Set<(change: string) => void>()

  constructor(private readonly log: CrdtLog) {
    this.version = log.ops.length
    this.state = EditorState.create({ doc: log.versions[this.version], plugins: [historyHighlightPlugin()] })
  }

  subscribe(listener: (change: string) => void) {
    this.changeListeners.add(listener)
    return () => void this.changeListeners.delete(listener)
  }

  onOps(listener: (ops: readonly CommittedOp[]) => void) {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  async fetchHistory(before?: number, limit = 100): Promise<HistoryPage> {
    this.pagesFetched++
    const top = Math.min(before ?? Infinity, this.log.ops.length + 1) - 1
    const first = Math.max(1, top - limit + 1)
    const ops = this.log.ops.slice(first - 1, top).reverse()
    return { docId: this.docId, ops, next: ops.length && first > 1 ? first : null }
  }

  /** As the hub's docAt answers for a CRDT document: the updates up to `version` merged into the seed, whole. */
  async fetchVersion(version: number): Promise<DocAtReply> {
    const ydoc = new Y.Doc()
    Y.applyUpdate(ydoc, crdtSeed())
    for (const op of this.log.ops.slice(0, version)) Y.applyUpdate(ydoc, Buffer.from(op.update!, "base64"))
    return { version, base: version, doc: Buffer.from(JSON.stringify(crdtDoc(ydoc).toJSON())), steps: [] }
  }

  dispatch(tr: Transaction) {
    this.state = this.state.apply(tr)
  }

  /** The ops committed since the last call arrive, as the room sends them. */
  receive(): void {
    const ops = this.log.ops.slice(this.version)
    this.version = this.log.ops.length
    for (const listener of this.listeners) listener(ops)
  }

  /** Back after a time away: the join brought the Yjs state up to the newest version, and no ops. */
  rejoin(): void {
    this.version = this.log.ops.length
    for (const listener of this.changeListeners) listener("state")
  }
}

/** Ada types "Hello", Bob " world", Ada makes "Hello" bold, Bob deletes "world", Ada adds a paragraph. */
function story(): CrdtLog {
  const log = new CrdtLog()
  log.write(ada, doc(p("Hello")))
  log.write(bob, doc(p("Hello world")))
  log.write(ada, doc(p(strong("Hello"), " world")))
  log.write(bob, doc(p(strong("Hello"), " ")))
  log.write(ada, doc(p(strong("Hello"), " "), p2("Second line")))
  return log
}

let model: HistoryModel | null = null
afterEach(() => {
  model?.close()
  model = null
})

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise(resolve => setTimeout(resolve, 5))
  expect(check()).toBe(true)
}

describe("the replay of a CRDT document's updates", () => {
  it("turns each update into steps from the version before to its own, and says what it did", () => {
    const log = story()
    const replay = new UpdateReplay()
    expect(replay.doc.eq(log.versions[0])).toBe(true)
    const summaries = log.ops.map(op => {
      const described = replay.add(op)
      expect(replay.doc.eq(log.versions[op.version])).toBe(true)
      expect(described.steps.length).toBeGreaterThan(0)
      return described.summary
    })
    expect(summaries).toEqual([
      "typed 'Hello' in paragraph 1", "typed ' world' in paragraph 1", "made 'Hello' bold", "deleted 'world' in paragraph 1", "added a paragraph 'Second line'"
    ])
  })

  it("reads each version as a whole reading of the Yjs document does, block by block, through lists, quotes, splits and joins", () => {
    const log = new CrdtLog()
    log.write(ada, doc(p("Title")))
    log.write(bob, doc(h1({ id: "start" }, "Title"), p2("One two")))
    log.write(ada, doc(h1({ id: "start" }, "Title"), p2("One"), p2(" two")))
    log.write(bob, doc(h1({ id: "start" }, "Title"), p2("One"), ul(li(p2("first")), li(p2("second"))), p2(" two")))
    log.write(ada, doc(h1({ id: "start" }, "Title"), p2("One"), ul(li(p2("first ", em("and"))), li(p2("second"))), quote(p2(" two"))))
    log.write(bob, doc(h1({ id: "start" }, "Title"), ul(li(p2("first ", em("and"), " second"))), quote(p2(" two"))))
    log.write(ada, doc(h1({ id: "start" }, "Title"), quote(p2(" two"))))
    const replay = new UpdateReplay()
    let previous = replay.doc
    for (const op of log.ops) {
      const described = replay.add(op)
      expect(replay.doc.eq(log.versions[op.version])).toBe(true)
      // Its steps lead from the version before to its own.
      const stepped = described.steps.reduce((d, json) => Step.fromJSON(schema, json).apply(d).doc!, previous)
      expect(stepped.eq(replay.doc)).toBe(true)
      previous = replay.doc
    }
  })

  it("says what a change of blocks did: a new block type, a level, a list, a quote, and a block id alone as nothing", () => {
    const log = new CrdtLog()
    log.write(ada, doc(p("Hello"), p2("World")))
    log.write(ada, doc(h1({ id: "start" }, "Hello"), p2("World")))
    log.write(bob, doc(h2({ id: "start" }, "Hello"), p2("World")))
    log.write(bob, doc(h2({ id: "start" }, "Hello"), quote(p2("World"))))
    log.write(ada, doc(ul(li(p2("Hello")), li(p2("World")))))
    log.write(ada, doc(h2({ id: "start" }, "Hello"), p2("World")))
    log.write(bob, doc(h2({ id: "other" }, "Hello"), p2("World")))
    const replay = new UpdateReplay()
    expect(log.ops.map(op => replay.add(op).summary)).toEqual([
      expect.any(String), "made paragraph 1 a heading", "changed the level of heading 1", "turned 1 block into a quote",
      "changed the blocks around 'Hello World'", "changed the blocks around 'Hello World'", undefined
    ])
  })

  it("refuses an op out of order, changing nothing", () => {
    const log = story()
    const replay = new UpdateReplay()
    expect(() => replay.add(log.ops[1])).toThrow(RangeError)
    expect(replay.version).toBe(0)
    expect(replay.add(log.ops[0]).summary).toBe("typed 'Hello' in paragraph 1")
  })

  it("keeps a restore's mark and the hub's words for it, so the timeline says so in an entry of its own", () => {
    const log = new CrdtLog()
    log.write(ada, doc(p("Hello")))
    log.write(ada, doc(p("Hello world")))
    log.write(ada, doc(p("Hello")))
    log.write(ada, doc(p("Hello!")))
    const restored = { version: 1, time: log.ops[0].time }
    log.ops[2] = { ...log.ops[2], restored, summary: `restored the version of ${new Date(restored.time).toISOString()}` }
    const replay = new UpdateReplay()
    const described = log.ops.map(op => replay.add(op))
    expect(described[2]).toMatchObject({ restored, summary: log.ops[2].summary })
    expect(described[2].steps.length).toBeGreaterThan(0)
    expect(groupTimeline(described).map(entry => [entry.first, entry.last, entry.summary])).toEqual([
      [4, 4, "typed '!' in paragraph 1"], [3, 3, restoreWords(restored)], [1, 2, "typed 'Hello world' in paragraph 1"]
    ])
  })
})

describe("the history of a CRDT document", () => {
  it("lists each person's edits in plain words, tells people apart by client id, travels to every version and restores one", async () => {
    const log = story()
    const host = new Host(log)
    model = new HistoryModel(new CrdtHistorySource(host), { throttleMs: 0 })
    model.start()
    await until(() => !model!.snapshot.loading)
    expect(model.entries().map(e => [e.author.name, e.summary])).toEqual([
      ["Ada", "added a paragraph 'Second line'"], ["Bob", "deleted 'world' in paragraph 1"], ["Ada", "made 'Hello' bold"],
      ["Bob", "typed ' world' in paragraph 1"], ["Ada", "typed 'Hello' in paragraph 1"]
    ])
    expect(model.authors().map(person => person.clientId)).toEqual([ada.clientId, bob.clientId])
    model.setFilter({ kind: "author", clientId: bob.clientId })
    expect(model.entries().map(e => e.first)).toEqual([4, 2])

    for (let version = 0; version <= log.ops.length; version++) {
      await model.travel.show(version)
      expect(model.snapshot.travel.error).toBeNull()
      expect(model.snapshot.travel.doc?.eq(log.versions[version])).toBe(true)
    }
    // Who wrote what at version 3: Ada's bold "Hello", Bob's " world".
    await model.travel.show(3)
    const spans = model.snapshot.travel.spans!.map(s => [s.author.name, model!.snapshot.travel.doc!.textBetween(s.from, s.to)])
    expect(spans).toEqual([["Ada", "Hello"], ["Bob", " world"]])

    expect(model.restoreTravelVersion()).toBe(true)
    expect(host.state.doc.eq(log.versions[3])).toBe(true)
    expect(model.snapshot.travel.version).toBeNull()
  })

  it("pages older ops from one forward replay, and describes live ops as they arrive", async () => {
    const log = new CrdtLog()
    let text = ""
    for (let i = 0; i < 120; i++) {
      text += i % 10 == 9 ? " " : "x"
      log.write(i % 2 ? bob : ada, doc(p(text)), 10_000 * i)
    }
    const host = new Host(log)
    model = new HistoryModel(new CrdtHistorySource(host), { throttleMs: 0, pageSize: 50 })
    model.start()
    await until(() => !model!.snapshot.loading)
    expect(model.log.oldest).toBe(71)
    while (model.snapshot.hasOlder) await model.loadOlder()
    expect(model.log.oldest).toBe(1)
    // The replay fetched the log once, forward (the newest page, then 1..70); older pages came from it.
    expect(host.pagesFetched).toBe(2)

    log.write(bob, doc(p(text + "!")), 10_000 * 121)
    host.receive()
    await until(() => model!.log.newest == 121)
    expect(model.entries()[0].summary).toBe("typed '!' in paragraph 1")
    await model.travel.show(121)
    expect(model.snapshot.travel.doc?.eq(log.versions[121])).toBe(true)

    // Ops missed while away are fetched once the connection's version passes them, and listed.
    log.write(ada, doc(p(text + "!?")), 10_000 * 122)
    log.write(bob, doc(p(text + "!?.")), 10_000 * 123)
    host.rejoin()
    await until(() => model!.log.newest == 123)
    expect(model.entries().slice(0, 2).map(e => [e.author.name, e.summary])).toEqual([["Bob", "typed '.' in paragraph 1"], ["Ada", "typed '?' in paragraph 1"]])
  })
})
